// A key whose value may move (docs/scene-format.md, "Automation"): a number,
// or an envelope table
//   { points = [[t, v], [t, v, "curve"], [t, v, "target", τ], ...],
//     curve = "linear", time_constant = τ, loop = false }
// where `curve` (and `time_constant`, for "target") are the default of every
// point that names none. Every point's value must be in the key's range, so
// the whole envelope is (each curve stays between its ends).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "dsp/envelope.hpp"
#include "scene/toml_schema.hpp"

namespace simvx::scene_format {

// A table of points with curves, as an envelope's or a motion path's:
// { points = [...], curve = "linear", time_constant = τ, loop = false }.
// Its points are read by their owner (a value, or x, y, z, after the time).
struct PointsTable {
    const toml::array* points = nullptr;
    EnvelopeCurve curve = EnvelopeCurve::linear;  // of every point that names none
    double time_constant = 0.0;
    bool loop = false;
    const toml::node* time_constant_key = nullptr;  // where `time_constant` was given
};
// The table `it` holds, with at least one point, or nothing after reporting
// its problems; messages call it `what` ("the envelope of 'pan' in
// [[sound]]") and show a point as `point_shape` ("[time, value]").
std::optional<PointsTable> read_points_table(schema::Checker& c, const schema::Item& it, const std::string& what,
                                             std::string_view point_shape);
// The curve part of a point, from element `at` of `a` on: nothing (the
// table's curve), "curve", or "target", τ. False after reporting.
bool read_point_curve(schema::Checker& c, const toml::array& a, size_t at, const std::string& subject,
                      const PointsTable& d, EnvelopeCurve& curve, double& time_constant);
// A `time_constant` given with no "target" point is an error; false after reporting it.
bool check_time_constant_used(schema::Checker& c, const PointsTable& d, bool any_target, const std::string& subject);

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
