// A key whose value may move (docs/scene-format.md, "Automation"): a number,
// or an envelope table
//   { points = [[t, v], [t, v, "curve"], [t, v, "target", τ], ...],
//     curve = "linear", time_constant = τ, loop = false }
// where `curve` (and `time_constant`, for "target") are the default of every
// point that names none. Every point's value must be in the key's range, so
// the whole envelope is (each curve stays between its ends).
#pragma once
#include <optional>

#include "dsp/envelope.hpp"
#include "scene/toml_schema.hpp"

namespace simvx::scene_format {

// The envelope of an envelope table, or nothing after reporting its problems.
std::optional<Envelope> read_envelope(schema::Checker& c, const schema::Item& it, const schema::Range& range);

// A number in `range` into `member`, or an envelope into `envelope` (and its
// value at 0 s into `member`).
template <class T>
schema::Reader<T> automatable_field(double T::*member, std::optional<Envelope> T::*envelope, schema::Range range) {
    return [member, envelope, range](schema::Checker& c, const schema::Item& it, T& out) {
        if (it.node.is_table()) {
            if (auto e = read_envelope(c, it, range)) {
                out.*member = e->value_at(0.0);
                out.*envelope = std::move(*e);
            }
            return;
        }
        if (!it.node.is_number()) {
            schema::type_error(c, it, "a number or an envelope ({ points = [[t, value], ...] })");
            return;
        }
        if (auto v = schema::read_number(c, it, range)) out.*member = *v;
    };
}

}  // namespace simvx::scene_format
