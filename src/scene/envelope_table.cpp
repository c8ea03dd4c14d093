#include "scene/envelope_table.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "scene/scene_tables.hpp"

namespace simvx::scene_format {

using namespace schema;

namespace {

constexpr TableKind kEnvelope{"", "an envelope"};

// The envelope table's own keys while it is read; the points wait for the defaults.
struct EnvelopeDraft {
    const toml::array* points = nullptr;
    EnvelopeCurve curve = EnvelopeCurve::linear;
    double time_constant = 0.0;
    bool loop = false;
};

std::span<const Field<EnvelopeDraft>> envelope_fields() {
    static const Field<EnvelopeDraft> fields[] = {
        {"points",
         [](Checker& c, const Item& it, EnvelopeDraft& d) {
             d.points = it.node.as_array();
             if (!d.points) type_error(c, it, "an array of points ([[time, value], ...])");
         }},
        {"curve", choice_field(&EnvelopeDraft::curve, std::span<const Choice<EnvelopeCurve>>(kEnvelopeCurveNames))},
        {"time_constant", number_field(&EnvelopeDraft::time_constant, Range{0, kMaxTimeSeconds, true, "s"})},
        {"loop", bool_field(&EnvelopeDraft::loop)},
    };
    return fields;
}

// One [t, v] / [t, v, "curve"] / [t, v, "target", τ]; false after reporting.
bool read_point(Checker& c, const toml::node& node, const std::string& subject, const EnvelopeDraft& d,
                const Range& range, EnvelopePoint& p) {
    const toml::array* a = node.as_array();
    const std::string shape = "[time, value], [time, value, \"curve\"] or [time, value, \"target\", time_constant]";
    if (!a || a->size() < 2 || a->size() > 4 || !(*a)[0].is_number() || !(*a)[1].is_number() ||
        (a->size() > 2 && !(*a)[2].is_string()) || (a->size() > 3 && !(*a)[3].is_number())) {
        c.error(node.source(), "each point of " + subject + " must be " + shape + ", found " + describe(node));
        return false;
    }
    p.time = (*a)[0].value<double>().value_or(0.0);
    p.value = (*a)[1].value<double>().value_or(0.0);
    p.curve = d.curve;
    p.time_constant = d.time_constant;
    bool ok = true;
    if (!seconds().contains(p.time)) {
        c.error((*a)[0].source(), "the time of a point of " + subject + " must be " + seconds().str() + ", found " +
                                      literal((*a)[0]));
        ok = false;
    }
    if (!std::isfinite(p.value) || !range.contains(p.value)) {
        c.error((*a)[1].source(), "the value of a point of " + subject + " must be " + range.str() + ", found " +
                                      literal((*a)[1]));
        ok = false;
    }
    if (a->size() > 2) {
        if (auto v = read_choice(c, Item{"curve", (*a)[2], "of a point of " + subject},
                                 std::span<const Choice<EnvelopeCurve>>(kEnvelopeCurveNames)))
            p.curve = *v;
        else
            ok = false;
    }
    if (a->size() > 3) {
        if (p.curve != EnvelopeCurve::target) {
            c.error((*a)[3].source(), "a point of " + subject + " has a time constant only with the \"target\" curve");
            ok = false;
        } else if (auto v = read_number(c, Item{"time constant", (*a)[3], "of a point of " + subject},
                                        Range{0, kMaxTimeSeconds, true, "s"})) {
            p.time_constant = *v;
        } else {
            ok = false;
        }
    }
    return ok;
}

}  // namespace

std::optional<Envelope> read_envelope(Checker& c, const Item& it, const Range& range) {
    const toml::table* table = it.node.as_table();
    if (!table) return std::nullopt;
    const std::string subject = it.subject();
    EnvelopeDraft d;
    const size_t before = c.count();
    const Seen seen = read_table(c, *table, kEnvelope, envelope_fields(), d);
    if (!seen.find("points")) {
        c.error(it.node.source(), "the envelope of " + subject + " needs 'points = [[time, value], ...]'");
        return std::nullopt;
    }
    if (!d.points) return std::nullopt;
    std::vector<EnvelopePoint> points;
    std::vector<const toml::node*> nodes;
    for (const auto& node : *d.points) {
        EnvelopePoint p;
        if (read_point(c, node, subject, d, range, p)) {
            points.push_back(p);
            nodes.push_back(&node);
        }
    }
    if (c.count() != before) return std::nullopt;
    if (points.empty()) {
        c.error(seen.find("points")->source(), "the envelope of " + subject + " needs at least one point");
        return std::nullopt;
    }
    if (auto why = Envelope::problem(points, d.loop)) {
        c.error(nodes[why->point]->source(), "point " + std::to_string(why->point + 1) + " of " + subject + ": " +
                                                 why->message);
        return std::nullopt;
    }
    const bool targets = std::any_of(points.begin() + 1, points.end(),
                                     [](const EnvelopePoint& p) { return p.curve == EnvelopeCurve::target; });
    if (const toml::node* tc = seen.find("time_constant"); tc && !targets) {
        c.error(tc->source(), "'time_constant' of the envelope of " + subject +
                                  " is for \"target\" curves, and no point has one");
        return std::nullopt;
    }
    return Envelope(std::move(points), d.loop);
}

}  // namespace simvx::scene_format
