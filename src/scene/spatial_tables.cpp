// The 3D tables of the scene format: [listener], [sound.spatial] and its
// cone, with the values a field row cannot read alone (vectors [x, y, z],
// keyframe paths) and their rules within a table (a direction and an up
// that are not parallel, an outer cone and a max distance that are not
// smaller than their inner ones).
#include "scene/scene_tables.hpp"

#include <algorithm>
#include <cmath>

#include "scene/envelope_table.hpp"
#include "spatial/model.hpp"

namespace simvx::scene_format {

using namespace schema;

namespace {

constexpr TableKind kCone{"cone", "the cone of [sound.spatial]"};

// One finite number of an array (a vector component or a keyframe value).
std::optional<double> element_number(Checker& c, const Item& it, const toml::node& n, std::string_view shape) {
    if (auto* i = n.as_integer()) return static_cast<double>(i->get());
    if (auto* f = n.as_floating_point(); f && std::isfinite(f->get())) return f->get();
    c.error(n.source(), "each value of " + it.subject() + " must be a finite number (" + std::string(shape) +
                            "), found " + describe(n));
    return std::nullopt;
}

// [x, y, z]; `nonzero` for directions.
std::optional<Vec3> read_vec3(Checker& c, const Item& it, bool nonzero) {
    auto* a = it.node.as_array();
    if (!a || a->size() != 3) {
        type_error(c, it, "an array of 3 numbers [x, y, z]");
        return std::nullopt;
    }
    Vec3 v{};
    for (size_t i = 0; i < 3; ++i) {
        auto x = element_number(c, it, *a->get(i), "[x, y, z]");
        if (!x) return std::nullopt;
        v[i] = *x;
    }
    if (nonzero && length(v) == 0) {
        c.error(it.node.source(), it.subject() + " is a direction and must not be [0, 0, 0]");
        return std::nullopt;
    }
    return v;
}

template <class T>
Reader<T> vec3_field(Vec3 T::*member, bool nonzero = false) {
    return [member, nonzero](Checker& c, const Item& it, T& out) {
        if (auto v = read_vec3(c, it, nonzero)) out.*member = *v;
    };
}

// path = [[t, x, y, z], ...], a keyframe perhaps naming its curve
// ([t, x, y, z, "curve"], [t, x, y, z, "target", τ]); or a table
// { points = [...], curve, time_constant, loop } as an envelope's. Times
// within seconds() and strictly increasing; each coordinate's curves as
// path_problem() allows.
template <class T>
Reader<T> path_field(MotionPath T::*member) {
    return [member](Checker& c, const Item& it, T& out) {
        PointsTable table;  // a plain array: linear, no loop
        const toml::array* a = it.node.as_array();
        if (it.node.is_table()) {
            auto read = read_points_table(c, it, "the path " + it.subject(), "[t, x, y, z]");
            if (!read) return;
            table = *read;
            a = table.points;
        } else if (!a) {
            type_error(c, it, "an array of keyframes [[t, x, y, z], ...] or a table { points = [[t, x, y, z], ...], curve = ... }");
            return;
        }
        MotionPath path;
        path.loop = table.loop;
        std::vector<const toml::node*> nodes;
        for (const auto& element : *a) {
            auto* k = element.as_array();
            if (!k || k->size() < 4 || k->size() > 6) {
                c.error(element.source(), "each keyframe of " + it.subject() + " must be [t, x, y, z] (4 numbers), "
                                          "[t, x, y, z, \"curve\"] or [t, x, y, z, \"target\", time_constant], found " +
                                              describe(element));
                return;
            }
            double v[4];
            for (size_t i = 0; i < 4; ++i) {
                auto x = element_number(c, it, *k->get(i), "[t, x, y, z]");
                if (!x) return;
                v[i] = *x;
            }
            if (!seconds().contains(v[0])) {
                c.error(element.source(), "keyframe times in " + it.subject() + " must be " + seconds().str() +
                                              ", found " + format_number(v[0]));
                return;
            }
            if (!path.keyframes.empty() && v[0] <= path.keyframes.back().t) {
                c.error(element.source(), "keyframe times in " + it.subject() + " must increase: " +
                                              format_number(v[0]) + " s comes after " +
                                              format_number(path.keyframes.back().t) + " s");
                return;
            }
            Keyframe key{v[0], {v[1], v[2], v[3]}};
            if (!read_point_curve(c, *k, 4, "a keyframe of " + it.subject(), table, key.curve, key.time_constant)) return;
            path.keyframes.push_back(key);
            nodes.push_back(&element);
        }
        if (auto why = path_problem(path)) {
            c.error(nodes[why->point]->source(),
                    "keyframe " + std::to_string(why->point + 1) + " of " + it.subject() + ": " + why->message);
            return;
        }
        const bool targets = std::any_of(path.keyframes.begin() + (path.empty() ? 0 : 1), path.keyframes.end(),
                                         [](const Keyframe& k) { return k.curve == EnvelopeCurve::target; });
        if (!check_time_constant_used(c, table, targets, "the path " + it.subject())) return;
        out.*member = std::move(path);
    };
}

void read_cone(Checker& c, const Item& it, SpatialDesc& s) {
    const toml::table* t =
        table_of(c, it, "a table ({ inner_deg = ..., outer_deg = ..., outer_gain_db = ..., direction = [...] })");
    if (!t) return;
    const Seen seen = read_table(c, *t, kCone, cone_fields(), s.cone);
    if (s.cone.outer_deg < s.cone.inner_deg) {
        const toml::node* at = seen.find("outer_deg") ? seen.find("outer_deg") : seen.find("inner_deg");
        c.error(at ? at->source() : t->source(), "'outer_deg' of the cone must be at least inner_deg (" +
                                                     format_number(s.cone.inner_deg) + "), found " +
                                                     format_number(s.cone.outer_deg));
    }
}

}  // namespace

std::span<const Field<ListenerDesc>> listener_fields() {
    static const Field<ListenerDesc> fields[] = {
        {"position", vec3_field(&ListenerDesc::position)},
        {"direction", vec3_field(&ListenerDesc::direction, true)},
        {"world_up", vec3_field(&ListenerDesc::world_up, true)},
        {"velocity", vec3_field(&ListenerDesc::velocity)},
        {"path", path_field(&ListenerDesc::path)},
    };
    return fields;
}

std::span<const Field<ConeDesc>> cone_fields() {
    static const Field<ConeDesc> fields[] = {
        {"inner_deg", number_field(&ConeDesc::inner_deg, Range{0, 360, false, "degrees"})},
        {"outer_deg", number_field(&ConeDesc::outer_deg, Range{0, 360, false, "degrees"})},
        {"outer_gain_db", number_field(&ConeDesc::outer_gain_db, Range{-120, 0, false, "dB"})},
        {"direction", vec3_field(&ConeDesc::direction, true)},
    };
    return fields;
}

std::span<const Field<SpatialDesc>> spatial_fields() {
    static const Field<SpatialDesc> fields[] = {
        {"position", vec3_field(&SpatialDesc::position)},
        {"velocity", vec3_field(&SpatialDesc::velocity)},
        {"path", path_field(&SpatialDesc::path)},
        {"attenuation", choice_field(&SpatialDesc::attenuation, std::span<const Choice<Attenuation>>(kAttenuationNames))},
        {"min_distance", number_field(&SpatialDesc::min_distance, Range{0, 10000, true, "m"})},
        {"max_distance", number_field(&SpatialDesc::max_distance, Range{0, 10000, true, "m"})},
        {"rolloff", number_field(&SpatialDesc::rolloff, Range{0, 100, false, ""})},
        {"doppler", number_field(&SpatialDesc::doppler, Range{0, 100, false, ""})},
        {"air_absorption", number_field(&SpatialDesc::air_absorption, Range{0, 10, false, ""})},
        {"cone", read_cone},
    };
    return fields;
}

void read_listener(Checker& c, const Item& it, ListenerDesc& l) {
    const toml::table* t = table_of(c, it, "a table ([listener])");
    if (!t) return;
    const Seen seen = read_table(c, *t, kListener, listener_fields(), l);
    if (length(cross(l.direction, l.world_up)) < 1e-9 * length(l.direction) * length(l.world_up)) {
        const toml::node* at = seen.find("world_up") ? seen.find("world_up") : seen.find("direction");
        c.error(at ? at->source() : t->source(), "'world_up' and 'direction' in [listener] must not be parallel "
                                                 "(the listener's right would be undefined)");
    }
}

void read_spatial(Checker& c, const Item& it, SpatialDesc& s) {
    const toml::table* t = table_of(c, it, "a table ([sound.spatial])");
    if (!t) return;
    const Seen seen = read_table(c, *t, kSpatial, spatial_fields(), s);
    if (s.max_distance < s.min_distance) {
        const toml::node* at = seen.find("max_distance") ? seen.find("max_distance") : seen.find("min_distance");
        c.error(at->source(), "'max_distance' in [sound.spatial] must be at least min_distance (" +
                                  format_number(s.min_distance) + " m), found " + format_number(s.max_distance));
    }
}

}  // namespace simvx::scene_format
