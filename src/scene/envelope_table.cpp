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

std::span<const Field<PointsTable>> points_fields() {
    static const Field<PointsTable> fields[] = {
        {"points",
         [](Checker& c, const Item& it, PointsTable& d) {
             d.points = it.node.as_array();
             if (!d.points) type_error(c, it, "an array of points");
         }},
        {"curve", choice_field(&PointsTable::curve, std::span<const Choice<EnvelopeCurve>>(kEnvelopeCurveNames))},
        {"time_constant", number_field(&PointsTable::time_constant, Range{0, kMaxTimeSeconds, true, "s"})},
        {"loop", bool_field(&PointsTable::loop)},
    };
    return fields;
}

// One [t, v] / [t, v, "curve"] / [t, v, "target", τ]; false after reporting.
bool read_point(Checker& c, const toml::node& node, const std::string& subject, const PointsTable& d,
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
    return read_point_curve(c, *a, 2, "a point of " + subject, d, p.curve, p.time_constant) && ok;
}

}  // namespace

std::optional<PointsTable> read_points_table(Checker& c, const Item& it, const std::string& what,
                                             std::string_view point_shape) {
    const toml::table* table = it.node.as_table();
    if (!table) return std::nullopt;
    PointsTable d;
    const size_t before = c.count();
    const Seen seen = read_table(c, *table, kEnvelope, points_fields(), d);
    if (!seen.find("points")) {
        c.error(it.node.source(), what + " needs 'points = [" + std::string(point_shape) + ", ...]'");
        return std::nullopt;
    }
    if (!d.points || c.count() != before) return std::nullopt;
    if (d.points->empty()) {
        c.error(seen.find("points")->source(), what + " needs at least one point");
        return std::nullopt;
    }
    d.time_constant_key = seen.find("time_constant");
    return d;
}

bool read_point_curve(Checker& c, const toml::array& a, size_t at, const std::string& subject, const PointsTable& d,
                      EnvelopeCurve& curve, double& time_constant) {
    curve = d.curve;
    time_constant = d.time_constant;
    if (a.size() <= at) return true;
    if (a.size() > at + 2 || !a[at].is_string() || (a.size() > at + 1 && !a[at + 1].is_number())) {
        c.error(a[at].source(), "after its values, " + subject + " may name its curve (\"linear\") or be \"target\", "
                                "time_constant; found " + describe(a[at]) + (a.size() > at + 1 ? ", ..." : ""));
        return false;
    }
    auto v = read_choice(c, Item{"curve", a[at], "of " + subject}, std::span<const Choice<EnvelopeCurve>>(kEnvelopeCurveNames));
    if (!v) return false;
    curve = *v;
    if (a.size() == at + 1) return true;
    if (curve != EnvelopeCurve::target) {
        c.error(a[at + 1].source(), subject + " has a time constant only with the \"target\" curve");
        return false;
    }
    auto tc = read_number(c, Item{"time constant", a[at + 1], "of " + subject}, Range{0, kMaxTimeSeconds, true, "s"});
    if (!tc) return false;
    time_constant = *tc;
    return true;
}

bool check_time_constant_used(Checker& c, const PointsTable& d, bool any_target, const std::string& subject) {
    if (!d.time_constant_key || any_target) return true;
    c.error(d.time_constant_key->source(), "'time_constant' of " + subject + " is for \"target\" curves, and no point has one");
    return false;
}

std::optional<Envelope> read_envelope(Checker& c, const Item& it, const Range& range) {
    const std::string subject = it.subject();
    const std::optional<PointsTable> d = read_points_table(c, it, "the envelope of " + subject, "[time, value]");
    if (!d) return std::nullopt;
    const size_t before = c.count();
    std::vector<EnvelopePoint> points;
    std::vector<const toml::node*> nodes;
    for (const auto& node : *d->points) {
        EnvelopePoint p;
        if (read_point(c, node, subject, *d, range, p)) {
            points.push_back(p);
            nodes.push_back(&node);
        }
    }
    if (c.count() != before) return std::nullopt;
    if (auto why = Envelope::problem(points, d->loop)) {
        c.error(nodes[why->point]->source(), "point " + std::to_string(why->point + 1) + " of " + subject + ": " +
                                                 why->message);
        return std::nullopt;
    }
    const bool targets = std::any_of(points.begin() + 1, points.end(),
                                     [](const EnvelopePoint& p) { return p.curve == EnvelopeCurve::target; });
    if (!check_time_constant_used(c, *d, targets, "the envelope of " + subject)) return std::nullopt;
    return Envelope(std::move(points), d->loop);
}

}  // namespace simvx::scene_format
