// TOML → validated Scene.
//
// Each table of the format is described by a list of Fields: the key, how its
// value is read (one reader per value kind: number in range, integer in range,
// bool, string, choice) or nothing when the key is part of the format but not
// supported by this version yet. read_table() walks a TOML table against such
// a list and reports unknown keys with a suggestion; the few rules that span
// several keys (required keys, names, loop region, buses) run afterwards.
// Every problem becomes a diagnostic; all of them are thrown at the end,
// sorted by position in the file.
#include "scene/loader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <toml++/toml.h>

#include "core/time_limit.hpp"
#include "core/bus_graph.hpp"
#include "dsp/effect_types.hpp"
#include "core/suggest.hpp"

namespace fs = std::filesystem;

namespace simvx {
namespace {

std::string join_diagnostics(const std::vector<SceneDiagnostic>& diags) {
    std::string s;
    for (const auto& d : diags) {
        if (!s.empty()) s += '\n';
        s += d.str();
    }
    return s;
}

// "simvxplay 0.1": the version named in "not supported yet" messages.
std::string product() {
    const std::string_view v = SIMVX_VERSION;
    const size_t minor_end = v.find('.', v.find('.') + 1);
    return "simvxplay " + std::string(v.substr(0, minor_end));
}

std::string not_supported_yet(const std::string& what) {
    return what + " is part of the scene format but not supported by " + product() + " yet";
}

// ---- describing values ---------------------------------------------------

std::string format_number(double x) {
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
}

std::string quote(std::string_view s) {
    constexpr size_t max_shown = 60;
    if (s.size() > max_shown) return "\"" + std::string(s.substr(0, max_shown)) + "...\"";
    return "\"" + std::string(s) + "\"";
}

// The value as it would be written in TOML (scalars only).
std::string literal(const toml::node& n) {
    if (auto* s = n.as_string()) return quote(s->get());
    if (auto* i = n.as_integer()) return std::to_string(i->get());
    if (auto* f = n.as_floating_point()) {
        std::string text = format_number(f->get());
        const bool looks_integral = text.find_first_of(".en") == std::string::npos;  // "17" from 17.0
        return looks_integral ? text + ".0" : text;
    }
    if (auto* b = n.as_boolean()) return b->get() ? "true" : "false";
    return {};
}

std::string kind_of(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a floating-point number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::array: return n.is_array_of_tables() ? "an array of tables" : "an array";
        case toml::node_type::table: return "a table";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::none: break;
    }
    return "nothing";
}

// "a string (\"loud\")", "an array".
std::string describe(const toml::node& n) {
    const std::string lit = literal(n);
    return lit.empty() ? kind_of(n) : kind_of(n) + " (" + lit + ")";
}

std::string join_names(std::span<const std::string> names) {
    std::string s;
    for (const auto& name : names) {
        if (!s.empty()) s += ", ";
        s += name;
    }
    return s;
}

// ---- collecting diagnostics ------------------------------------------------

class Checker {
public:
    explicit Checker(std::string path) : path_(std::move(path)), dir_(fs::path(path_).parent_path()) {}

    const std::string& path() const { return path_; }
    const fs::path& dir() const { return dir_; }

    SourceLocation at(const toml::source_region& r) const {
        return SourceLocation{path_, r.begin.line, r.begin.column};
    }
    void error(const SourceLocation& where, std::string message) {
        diags_.push_back(SceneDiagnostic{where, std::move(message)});
    }
    void error(const toml::source_region& r, std::string message) { error(at(r), std::move(message)); }

    // Sorted by position in the file (stable: same position keeps the order found).
    size_t count() const { return diags_.size(); }

    std::vector<SceneDiagnostic> take() {
        std::stable_sort(diags_.begin(), diags_.end(), [](const auto& a, const auto& b) {
            return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
        });
        return std::move(diags_);
    }

private:
    std::string path_;
    fs::path dir_;
    std::vector<SceneDiagnostic> diags_;
};

// One key's value being read: its name and table for messages, and the node.
struct Item {
    std::string_view key;
    const toml::node& node;
    const std::string& in;  // "in [[sound]]"

    std::string subject() const { return "'" + std::string(key) + "' " + in; }
};

void type_error(Checker& c, const Item& it, std::string_view expected) {
    c.error(it.node.source(), it.subject() + " must be " + std::string(expected) + ", found " + describe(it.node));
}

// ---- value readers: one per kind of value ------------------------------------

struct Range {
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool lo_open = false;  // lo itself excluded
    std::string_view unit;

    bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && v <= hi; }
    std::string str() const {
        const std::string u = unit.empty() ? "" : " " + std::string(unit);
        if (std::isinf(hi)) return (lo_open ? "greater than " : "at least ") + format_number(lo) + u;
        if (lo_open) return "greater than " + format_number(lo) + " and at most " + format_number(hi) + u;
        return "between " + format_number(lo) + " and " + format_number(hi) + u;
    }
};

// A time in seconds: from 0 up to the one bound every time value shares.
constexpr Range seconds() { return Range{0, kMaxTimeSeconds, false, "s"}; }

// A number (TOML integer or float), finite and in range.
std::optional<double> read_number(Checker& c, const Item& it, const Range& range) {
    double v = 0;
    if (auto* i = it.node.as_integer())
        v = static_cast<double>(i->get());
    else if (auto* f = it.node.as_floating_point())
        v = f->get();
    else {
        type_error(c, it, "a number");
        return std::nullopt;
    }
    if (!std::isfinite(v) || !range.contains(v)) {
        c.error(it.node.source(), it.subject() + " must be " + range.str() + ", found " + literal(it.node));
        return std::nullopt;
    }
    return v;
}

std::optional<int64_t> read_integer(Checker& c, const Item& it, int64_t lo, int64_t hi, std::string_view unit) {
    auto* i = it.node.as_integer();
    if (!i) {
        type_error(c, it, "an integer");
        return std::nullopt;
    }
    const int64_t v = i->get();
    if (v < lo || v > hi) {
        const std::string u = unit.empty() ? "" : " " + std::string(unit);
        const std::string allowed = hi == lo + 1 ? std::to_string(lo) + " or " + std::to_string(hi)
                                                 : "an integer between " + std::to_string(lo) + " and " +
                                                       std::to_string(hi);
        c.error(it.node.source(), it.subject() + " must be " + allowed + u + ", found " + std::to_string(v));
        return std::nullopt;
    }
    return v;
}

std::optional<bool> read_bool(Checker& c, const Item& it) {
    if (auto* b = it.node.as_boolean()) return b->get();
    type_error(c, it, "true or false");
    return std::nullopt;
}

std::optional<std::string> read_string(Checker& c, const Item& it) {
    auto* s = it.node.as_string();
    if (!s) {
        type_error(c, it, "a string");
        return std::nullopt;
    }
    if (s->get().empty()) {
        c.error(it.node.source(), it.subject() + " must not be empty");
        return std::nullopt;
    }
    return s->get();
}

template <class E>
using Choice = Named<E>;  // the enum's own name table (core/named.hpp)

template <class E>
std::optional<E> read_choice(Checker& c, const Item& it, std::span<const Choice<E>> choices) {
    std::vector<std::string_view> names;
    std::string allowed;
    for (const auto& ch : choices) {
        names.push_back(ch.name);
        allowed += (allowed.empty() ? "" : ", ") + quote(ch.name);
    }
    auto* s = it.node.as_string();
    if (!s) {
        type_error(c, it, "one of " + allowed);
        return std::nullopt;
    }
    for (const auto& ch : choices)
        if (ch.name == s->get()) return ch.value;
    std::string message = it.subject() + " must be one of " + allowed + ", found " + quote(s->get());
    if (auto near = closest(s->get(), names)) message += "; did you mean " + quote(*near) + "?";
    c.error(it.node.source(), message);
    return std::nullopt;
}

// ---- tables described by field lists -------------------------------------------

template <class T>
using Reader = std::function<void(Checker&, const Item&, T&)>;

enum class Shape { value, table, table_array };

template <class T>
struct Field {
    std::string_view key;
    Reader<T> read;  // empty: part of the format, not supported by this version yet
    Shape shape = Shape::value;
};

template <class T, class M>
Reader<T> number_field(M T::*member, Range range) {
    return [member, range](Checker& c, const Item& it, T& out) {
        if (auto v = read_number(c, it, range)) out.*member = *v;
    };
}

template <class T, class M>
Reader<T> integer_field(M T::*member, int64_t lo, int64_t hi, std::string_view unit = {}) {
    return [member, lo, hi, unit](Checker& c, const Item& it, T& out) {
        if (auto v = read_integer(c, it, lo, hi, unit)) out.*member = static_cast<M>(*v);
    };
}

template <class T>
Reader<T> bool_field(bool T::*member) {
    return [member](Checker& c, const Item& it, T& out) {
        if (auto v = read_bool(c, it)) out.*member = *v;
    };
}

template <class T>
Reader<T> string_field(std::string T::*member) {
    return [member](Checker& c, const Item& it, T& out) {
        if (auto v = read_string(c, it)) out.*member = std::move(*v);
    };
}

template <class T, class E>
Reader<T> choice_field(E T::*member, std::span<const Choice<E>> choices) {
    return [member, choices](Checker& c, const Item& it, T& out) {
        if (auto v = read_choice(c, it, choices)) out.*member = *v;
    };
}

// Where a table sits in the document: "sound" / "[[sound]]"; the root has neither.
struct TableKind {
    std::string_view dotted;
    std::string_view header;

    std::string in() const { return header.empty() ? "at the top level" : "in " + std::string(header); }
    // How a key of this table is written: name, [table.name] or [[table.name]].
    std::string spelling(std::string_view key, Shape shape) const {
        const std::string full = dotted.empty() ? std::string(key) : std::string(dotted) + "." + std::string(key);
        switch (shape) {
            case Shape::table: return "[" + full + "]";
            case Shape::table_array: return "[[" + full + "]]";
            case Shape::value: break;
        }
        return std::string(key);
    }
};

// The keys present in a table, with their nodes (for rules across keys).
class Seen {
public:
    void add(std::string_view key, const toml::node& node) { nodes_.emplace(key, &node); }
    const toml::node* find(std::string_view key) const {
        auto it = nodes_.find(key);
        return it == nodes_.end() ? nullptr : it->second;
    }

private:
    std::map<std::string_view, const toml::node*, std::less<>> nodes_;
};

Shape shape_of(const toml::node& n) {
    if (n.is_table()) return Shape::table;
    if (n.is_array_of_tables()) return Shape::table_array;
    return Shape::value;
}

template <class T>
void report_unknown(Checker& c, const TableKind& kind, const toml::key& key, const toml::node& node,
                    std::span<const Field<T>> fields) {
    std::vector<std::string_view> known;
    std::vector<std::string> supported;
    for (const auto& f : fields) {
        known.push_back(f.key);
        if (f.read) supported.push_back(kind.spelling(f.key, f.shape));
    }
    const Shape shape = shape_of(node);
    std::string message = shape == Shape::value
                              ? "unknown key '" + std::string(key.str()) + "' " + kind.in()
                              : "unknown table '" + kind.spelling(key.str(), shape) + "'";
    if (auto near = closest(key.str(), known)) {
        const auto f = std::find_if(fields.begin(), fields.end(), [&](const auto& x) { return x.key == *near; });
        message += "; did you mean '" + kind.spelling(f->key, f->shape) + "'?";
    } else {
        message += "; allowed keys: " + join_names(supported);
    }
    c.error(key.source(), message);
}

template <class T>
Seen read_table(Checker& c, const toml::table& table, const TableKind& kind, std::span<const Field<T>> fields,
                T& out) {
    Seen seen;
    const std::string in = kind.in();
    for (auto&& [key, node] : table) {
        // A named copy: lambdas capturing structured bindings need clang 16 (the fuzz build uses 14).
        const std::string_view name = key.str();
        const auto f = std::find_if(fields.begin(), fields.end(), [&](const auto& x) { return x.key == name; });
        if (f == fields.end()) {
            report_unknown(c, kind, key, node, fields);
            continue;
        }
        seen.add(f->key, node);
        if (!f->read) {
            const std::string what = f->shape == Shape::value ? "'" + std::string(f->key) + "' " + in
                                                              : "'" + kind.spelling(f->key, f->shape) + "'";
            c.error(key.source(), not_supported_yet(what));
            continue;
        }
        f->read(c, Item{f->key, node, in}, out);
    }
    return seen;
}

// Calls fn for each table of an array of tables ([[sound]]), reporting anything else.
void for_each_table(Checker& c, const Item& it, std::string_view header,
                    const std::function<void(const toml::table&)>& fn) {
    auto* array = it.node.as_array();
    if (!array) {
        type_error(c, it, "an array of tables (" + std::string(header) + ")");
        return;
    }
    for (const auto& element : *array) {
        if (auto* t = element.as_table())
            fn(*t);
        else
            c.error(element.source(), "each entry of '" + std::string(it.key) + "' must be a table (" +
                                          std::string(header) + "), found " + describe(element));
    }
}

// ---- the scene format ------------------------------------------------------------

constexpr TableKind kRoot{"", ""};
constexpr TableKind kEngine{"engine", "[engine]"};
constexpr TableKind kBus{"bus", "[[bus]]"};
constexpr TableKind kSound{"sound", "[[sound]]"};
constexpr TableKind kStream{"stream", "[[stream]]"};

constexpr Range kVolumeDb{-120, 24, false, "dB"};
constexpr Range kPan{-1, 1, false, ""};
const std::string kMaster = "Master";


// A [[sound]] while the scene is read: the description and the nodes the
// cross-sound rules need.
struct SoundEntry {
    SoundDesc desc;
    const toml::node* name = nullptr;  // only when given
};

struct Draft {
    Scene scene;
    bool has_version = false;
    std::vector<SoundEntry> sounds;
};

std::span<const Field<EngineSettings>> engine_fields() {
    static const Field<EngineSettings> fields[] = {
        {"sample_rate", integer_field(&EngineSettings::sample_rate, 8000, 192000, "Hz")},
        {"channels", integer_field(&EngineSettings::channels, 1, 2)},
        {"latency_ms", integer_field(&EngineSettings::latency_ms, 1, 2000, "ms")},
        {"duration", number_field(&EngineSettings::duration, Range{0, kMaxTimeSeconds, true, "s"})},
        {"pan_law", choice_field(&EngineSettings::pan_law, std::span<const Choice<PanLaw>>(kPanLawNames))},
        {"resampler",
         choice_field(&EngineSettings::interpolator, std::span<const Choice<Interpolator>>(kInterpolatorNames))},
        {"speed_of_sound", number_field(&EngineSettings::speed_of_sound, Range{0, 10000, true, "m/s"})},
        {"doppler_factor", number_field(&EngineSettings::doppler_factor, Range{0, 100, false, ""})},
    };
    return fields;
}

// ---- 3D: the listener and spatial sounds ------------------------------------------------

constexpr TableKind kListener{"listener", "[listener]"};
constexpr TableKind kSpatial{"sound.spatial", "[sound.spatial]"};
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

// path = [[t, x, y, z], ...]: times within seconds() and strictly increasing.
template <class T>
Reader<T> path_field(std::vector<Keyframe> T::*member) {
    return [member](Checker& c, const Item& it, T& out) {
        auto* a = it.node.as_array();
        if (!a) {
            type_error(c, it, "an array of keyframes [[t, x, y, z], ...]");
            return;
        }
        std::vector<Keyframe> path;
        for (const auto& element : *a) {
            auto* k = element.as_array();
            if (!k || k->size() != 4) {
                c.error(element.source(), "each keyframe of " + it.subject() + " must be [t, x, y, z] (4 numbers), found " +
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
            if (!path.empty() && v[0] <= path.back().t) {
                c.error(element.source(), "keyframe times in " + it.subject() + " must increase: " +
                                              format_number(v[0]) + " s comes after " + format_number(path.back().t) +
                                              " s");
                return;
            }
            path.push_back({v[0], {v[1], v[2], v[3]}});
        }
        out.*member = std::move(path);
    };
}

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

void read_listener(Checker& c, const Item& it, ListenerDesc& l) {
    auto* t = it.node.as_table();
    if (!t) {
        type_error(c, it, "a table ([listener])");
        return;
    }
    const Seen seen = read_table(c, *t, kListener, listener_fields(), l);
    if (length(cross(l.direction, l.world_up)) < 1e-9 * length(l.direction) * length(l.world_up)) {
        const toml::node* at = seen.find("world_up") ? seen.find("world_up") : seen.find("direction");
        c.error(at ? at->source() : t->source(), "'world_up' and 'direction' in [listener] must not be parallel "
                                                 "(the listener's right would be undefined)");
    }
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

void read_cone(Checker& c, const Item& it, SpatialDesc& s) {
    auto* t = it.node.as_table();
    if (!t) {
        type_error(c, it, "a table ({ inner_deg = ..., outer_deg = ..., outer_gain_db = ..., direction = [...] })");
        return;
    }
    const Seen seen = read_table(c, *t, kCone, cone_fields(), s.cone);
    if (s.cone.outer_deg < s.cone.inner_deg) {
        const toml::node* at = seen.find("outer_deg") ? seen.find("outer_deg") : seen.find("inner_deg");
        c.error(at ? at->source() : t->source(), "'outer_deg' of the cone must be at least inner_deg (" +
                                                     format_number(s.cone.inner_deg) + "), found " +
                                                     format_number(s.cone.outer_deg));
    }
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
        {"cone", read_cone},
    };
    return fields;
}

void read_spatial(Checker& c, const Item& it, SpatialDesc& s) {
    auto* t = it.node.as_table();
    if (!t) {
        type_error(c, it, "a table ([sound.spatial])");
        return;
    }
    const Seen seen = read_table(c, *t, kSpatial, spatial_fields(), s);
    if (s.max_distance < s.min_distance) {
        const toml::node* at = seen.find("max_distance") ? seen.find("max_distance") : seen.find("min_distance");
        c.error(at->source(), "'max_distance' in [sound.spatial] must be at least min_distance (" +
                                  format_number(s.min_distance) + " m), found " + format_number(s.max_distance));
    }
}

// ---- sends and effects ---------------------------------------------------------------

constexpr TableKind kSend{"sends", "a send"};
constexpr TableKind kBand{"bands", "an eq band"};

std::span<const Field<SendDesc>> send_fields() {
    static const Field<SendDesc> fields[] = {
        {"bus", string_field(&SendDesc::bus)},
        {"volume_db", number_field(&SendDesc::volume_db, kVolumeDb)},
    };
    return fields;
}


std::span<const Field<EqBand>> band_fields() {
    static const Field<EqBand> fields[] = {
        {"type", choice_field(&EqBand::type, std::span<const Choice<EqBand::Type>>(EqBand::kTypeNames))},
        {"freq", number_field(&EqBand::freq, Range{10, 96000, false, "Hz"})},
        {"q", number_field(&EqBand::q, Range{0, 100, true, ""})},
        {"gain_db", number_field(&EqBand::gain_db, Range{-48, 48, false, "dB"})},
    };
    return fields;
}

// An array of inline tables read against a field list: sends = [{...}, ...],
// bands = [{...}]. `required` must be in every entry; `at` receives the
// location of each entry (of its required key).
template <class T>
void read_table_list(Checker& c, const Item& it, const TableKind& kind, std::span<const Field<T>> fields,
                     std::string_view required, std::vector<T>& out, SourceLocation T::*at = nullptr) {
    auto* array = it.node.as_array();
    if (!array) {
        type_error(c, it, "an array of tables ({ ... })");
        return;
    }
    for (const auto& element : *array) {
        auto* t = element.as_table();
        if (!t) {
            c.error(element.source(), "each entry of '" + std::string(it.key) + "' must be a table ({ ... }), found " +
                                          describe(element));
            continue;
        }
        T entry;
        const Seen seen = read_table(c, *t, kind, fields, entry);
        const toml::node* key = seen.find(required);
        if (!key) {
            c.error(element.source(), "missing required key '" + std::string(required) + "' in " +
                                          std::string(kind.header));
            continue;
        }
        if (at) entry.*at = c.at(key->source());
        out.push_back(std::move(entry));
    }
}

void read_sends(Checker& c, const Item& it, std::vector<SendDesc>& sends) {
    read_table_list(c, it, kSend, send_fields(), "bus", sends, &SendDesc::where);
}

std::string effect_type_names() {
    std::string s;
    for (const auto& t : effect_types()) s += (s.empty() ? "" : ", ") + std::string(t.name);
    return s;
}

// A value of an effect parameter as its spec says: a number in range, or a boolean (as 0/1).
std::optional<double> read_param(Checker& c, const Item& it, const ParamSpec& p) {
    if (p.kind == ParamSpec::Kind::boolean) {
        auto b = read_bool(c, it);
        return b ? std::optional<double>(*b ? 1.0 : 0.0) : std::nullopt;
    }
    return read_number(c, it, Range{p.min, p.max, p.min_open, p.unit});
}

// [[bus.effect]]: `type` chooses the parameters; every other key is checked
// against that type's list.
void read_effect(Checker& c, const toml::table& table, BusDesc& bus) {
    EffectDesc e;
    e.where = c.at(table.source());
    const toml::node* type_node = table.get("type");
    if (!type_node) {
        c.error(table.source(), "missing required key 'type' in [[bus.effect]]; one of: " + effect_type_names());
        return;
    }
    const auto* type_name = type_node->as_string();
    const EffectType* type = type_name ? find_effect_type(type_name->get()) : nullptr;
    if (!type) {
        std::vector<std::string_view> names;
        for (const auto& t : effect_types()) names.push_back(t.name);
        std::string message = "'type' in [[bus.effect]] must be one of " + effect_type_names() + ", found " +
                              describe(*type_node);
        if (type_name)
            if (auto near = closest(type_name->get(), names)) message += "; did you mean " + quote(*near) + "?";
        c.error(type_node->source(), message);
        return;
    }
    e.config = default_config(*type);
    const std::string in = "in [[bus.effect]] of type " + quote(type->name);
    for (auto&& [key, node] : table) {
        const std::string_view k = key.str();
        const Item it{k, node, in};
        if (k == "type") continue;
        if (k == "enabled") {
            if (auto v = read_bool(c, it)) e.config.enabled = *v;
            continue;
        }
        if (k == "bands" && type->has_bands) {
            read_table_list(c, it, kBand, band_fields(), "freq", e.config.bands);
            continue;
        }
        if (k == "sidechain" && type->has_sidechain) {
            if (auto v = read_string(c, it)) {
                e.config.sidechain = *v;
                e.sidechain_where = c.at(node.source());
            }
            continue;
        }
        const auto p = std::find_if(type->params.begin(), type->params.end(), [&](const auto& x) { return x.key == k; });
        if (p != type->params.end()) {
            if (auto v = read_param(c, it, *p)) e.config.values[static_cast<size_t>(p - type->params.begin())] = *v;
            continue;
        }
        std::vector<std::string_view> allowed{"type", "enabled"};
        for (const auto& x : type->params) allowed.push_back(x.key);
        if (type->has_bands) allowed.push_back("bands");
        if (type->has_sidechain) allowed.push_back("sidechain");
        std::string message = "unknown key '" + std::string(k) + "' " + in;
        if (auto near = closest(k, allowed)) {
            message += "; did you mean '" + *near + "'?";
        } else {
            std::vector<std::string> names(allowed.begin(), allowed.end());
            message += "; allowed keys: " + join_names(names);
        }
        c.error(key.source(), message);
    }
    bus.effects.push_back(std::move(e));
}

std::span<const Field<BusDesc>> bus_fields() {
    static const Field<BusDesc> fields[] = {
        {"name", string_field(&BusDesc::name)},
        {"volume_db", number_field(&BusDesc::volume_db, kVolumeDb)},
        {"mute", bool_field(&BusDesc::mute)},
        {"solo", bool_field(&BusDesc::solo)},
        {"bypass_effects", bool_field(&BusDesc::bypass_effects)},
        {"send_to",
         [](Checker& c, const Item& it, BusDesc& b) {
             if (auto v = read_string(c, it)) {
                 b.send_to = std::move(*v);
                 b.send_to_where = c.at(it.node.source());
             }
         }},
        {"sends", [](Checker& c, const Item& it, BusDesc& b) { read_sends(c, it, b.sends); }},
        {"effect",
         [](Checker& c, const Item& it, BusDesc& b) {
             for_each_table(c, it, "[[bus.effect]]", [&](const toml::table& t) { read_effect(c, t, b); });
         },
         Shape::table_array},
    };
    return fields;
}

// Problems with a sound file, or nothing when it can be opened for reading.
std::optional<std::string> unreadable(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::strerror(errno);
    if (S_ISDIR(st.st_mode)) return "it is a directory, not a file";
    if (!S_ISREG(st.st_mode)) return "it is not a regular file";
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return std::strerror(errno);
    std::fclose(f);
    return std::nullopt;
}

void read_file_key(Checker& c, const Item& it, SoundEntry& s) {
    auto given = read_string(c, it);
    if (!given) return;
    fs::path p(*given);
    if (p.is_relative()) p = c.dir() / p;
    s.desc.file = p.string();
    s.desc.file_where = c.at(it.node.source());
    if (auto why = unreadable(s.desc.file)) {
        const std::string resolved = s.desc.file == *given ? "" : " (resolved to " + quote(s.desc.file) + ")";
        c.error(it.node.source(), it.subject() + ": cannot open " + quote(*given) + resolved + ": " + *why);
    }
}

void read_stream_mode(Checker& c, const Item& it, SoundEntry& s) {
    if (auto* b = it.node.as_boolean()) {
        s.desc.stream = b->get() ? StreamMode::always : StreamMode::never;
        return;
    }
    if (auto* str = it.node.as_string(); str && str->get() == "auto") {
        s.desc.stream = StreamMode::automatic;
        return;
    }
    c.error(it.node.source(), it.subject() + " must be \"auto\", true or false, found " + describe(it.node));
}

// Adapts a SoundDesc reader to the SoundEntry the sound fields fill.
Reader<SoundEntry> on_desc(Reader<SoundDesc> read) {
    return [read = std::move(read)](Checker& c, const Item& it, SoundEntry& s) { read(c, it, s.desc); };
}

std::span<const Field<SoundEntry>> sound_fields() {
    static const Field<SoundEntry> fields[] = {
        {"name",
         [](Checker& c, const Item& it, SoundEntry& s) {
             if (auto v = read_string(c, it)) {
                 s.desc.name = std::move(*v);
                 s.name = &it.node;
             }
         }},
        {"file", read_file_key},
        {"bus",
         [](Checker& c, const Item& it, SoundEntry& s) {
             if (auto v = read_string(c, it)) {
                 s.desc.bus = std::move(*v);
                 s.desc.bus_where = c.at(it.node.source());
             }
         }},
        {"volume_db", on_desc(number_field(&SoundDesc::volume_db, kVolumeDb))},
        {"pitch", on_desc(number_field(&SoundDesc::pitch, Range{0.01, 16, false, ""}))},
        {"loop", on_desc(bool_field(&SoundDesc::loop))},
        {"loop_start", on_desc(number_field(&SoundDesc::loop_start, seconds()))},
        {"loop_end", on_desc(number_field(&SoundDesc::loop_end, seconds()))},
        {"start", on_desc(number_field(&SoundDesc::start, seconds()))},
        {"from_position", on_desc(number_field(&SoundDesc::from_position, seconds()))},
        {"fade_in", on_desc(number_field(&SoundDesc::fade_in, seconds()))},
        {"fade_out", on_desc(number_field(&SoundDesc::fade_out, seconds()))},
        {"pan", on_desc(number_field(&SoundDesc::pan, kPan))},
        {"stop", on_desc(number_field(&SoundDesc::stop, seconds()))},
        {"enabled", on_desc(bool_field(&SoundDesc::enabled))},
        {"stream", read_stream_mode},
        {"sends", [](Checker& c, const Item& it, SoundEntry& s) { read_sends(c, it, s.desc.sends); }},
        {"spatial",
         [](Checker& c, const Item& it, SoundEntry& s) { read_spatial(c, it, s.desc.spatial.emplace()); },
         Shape::table},
    };
    return fields;
}

void read_bus(Checker& c, const toml::table& table, Draft& d) {
    BusDesc bus;
    bus.where = c.at(table.source());
    const Seen seen = read_table(c, table, kBus, bus_fields(), bus);
    const toml::node* name = seen.find("name");
    if (!name) {
        c.error(table.source(), "missing required key 'name' in [[bus]]");
        return;
    }
    if (bus.name.empty()) return;  // already reported
    const auto first = std::find_if(d.scene.buses.begin(), d.scene.buses.end(),
                                    [&](const BusDesc& b) { return b.name == bus.name && b.where.line; });
    if (first != d.scene.buses.end()) {
        c.error(name->source(), "bus " + quote(bus.name) + " is declared twice (first at " + first->where.str() + ")");
        return;
    }
    if (bus.name != kMaster) {
        d.scene.buses.push_back(std::move(bus));
        return;
    }
    // Master is the output: it feeds nothing.
    if (const toml::node* to = seen.find("send_to"))
        c.error(to->source(), "bus \"Master\" is the output and has no 'send_to'");
    if (const toml::node* sends = seen.find("sends"))
        c.error(sends->source(), "bus \"Master\" is the output and cannot have 'sends' (they would feed back into it)");
    bus.send_to.clear();
    d.scene.buses.front() = std::move(bus);
}

void read_sound(Checker& c, const toml::table& table, Draft& d) {
    SoundEntry s;
    s.desc.where = c.at(table.source());
    const Seen seen = read_table(c, table, kSound, sound_fields(), s);
    if (!seen.find("file")) c.error(table.source(), "missing required key 'file' in [[sound]]");
    if (!seen.find("name") && !s.desc.file.empty()) s.desc.name = fs::path(s.desc.file).filename().string();
    if (const toml::node* pan = seen.find("pan"); pan && seen.find("spatial"))
        c.error(pan->source(), "'pan' in [[sound]] is for 2D sounds; a sound with [sound.spatial] is panned by its "
                               "position");
    const auto& desc = s.desc;
    if (const toml::node* stop = seen.find("stop"); stop && desc.stop && *desc.stop <= desc.start)
        c.error(stop->source(), "'stop' in [[sound]] must be after its start (" + format_number(desc.start) +
                                    " s), found " + literal(*stop));
    if (const toml::node* end = seen.find("loop_end"); end && desc.loop_end != 0 && desc.loop_end <= desc.loop_start)
        c.error(end->source(), "'loop_end' in [[sound]] must be greater than loop_start (" +
                                   format_number(desc.loop_start) + " s), or 0 for the end of the file, found " +
                                   literal(*end));
    d.sounds.push_back(std::move(s));
}

// `source` of a [[stream]]: "-" or a path that exists (a FIFO, a file), resolved like `file`.
void read_stream_source(Checker& c, const Item& it, StreamDesc& st) {
    auto given = read_string(c, it);
    if (!given) return;
    st.source_where = c.at(it.node.source());
    if (*given == "-") {
        st.source = "-";
        return;
    }
    fs::path p(*given);
    if (p.is_relative()) p = c.dir() / p;
    st.source = p.string();
    struct stat info {};
    const char* why = ::stat(st.source.c_str(), &info) != 0 ? std::strerror(errno)
                      : S_ISDIR(info.st_mode)                ? "it is a directory"
                                                             : nullptr;
    if (why) {
        const std::string resolved = st.source == *given ? "" : " (resolved to " + quote(st.source) + ")";
        c.error(it.node.source(), it.subject() + ": cannot open " + quote(*given) + resolved + ": " + why +
                                      " (\"-\" reads standard input)");
    }
}

std::span<const Field<StreamDesc>> stream_fields() {
    static const Field<StreamDesc> fields[] = {
        {"source", read_stream_source},
        {"format", choice_field(&StreamDesc::format, std::span<const Choice<PcmFormat>>(kPcmFormatNames))},
        {"rate", integer_field(&StreamDesc::rate, 8000, 192000, "Hz")},
        {"channels", integer_field(&StreamDesc::channels, 1, 8)},
        {"bus",
         [](Checker& c, const Item& it, StreamDesc& st) {
             if (auto v = read_string(c, it)) {
                 st.bus = std::move(*v);
                 st.bus_where = c.at(it.node.source());
             }
         }},
        {"volume_db", number_field(&StreamDesc::volume_db, kVolumeDb)},
        {"pan", number_field(&StreamDesc::pan, kPan)},
        {"buffer_ms", integer_field(&StreamDesc::buffer_ms, 5, 10000, "ms")},
    };
    return fields;
}

void read_stream(Checker& c, const toml::table& table, Draft& d) {
    StreamDesc st;
    st.where = c.at(table.source());
    const Seen seen = read_table(c, table, kStream, stream_fields(), st);
    if (!seen.find("source")) c.error(table.source(), "missing required key 'source' in [[stream]] (\"-\" for standard input)");
    st.format_given = seen.find("format") != nullptr;
    d.scene.streams.push_back(std::move(st));
}

void read_version(Checker& c, const Item& it, Draft& d) {
    d.has_version = true;
    auto* v = it.node.as_integer();
    if (!v)
        type_error(c, it, "the integer 1");
    else if (v->get() != 1)
        c.error(it.node.source(), "unsupported scene format version " + std::to_string(v->get()) + "; " +
                                      product() + " reads version = 1");
}

std::span<const Field<Draft>> root_fields() {
    static const Field<Draft> fields[] = {
        {"version", read_version},
        {"engine",
         [](Checker& c, const Item& it, Draft& d) {
             if (auto* t = it.node.as_table())
                 read_table(c, *t, kEngine, engine_fields(), d.scene.engine);
             else
                 type_error(c, it, "a table ([engine])");
         },
         Shape::table},
        {"listener", [](Checker& c, const Item& it, Draft& d) { read_listener(c, it, d.scene.listener); },
         Shape::table},
        {"bus",
         [](Checker& c, const Item& it, Draft& d) {
             for_each_table(c, it, kBus.header, [&](const toml::table& t) { read_bus(c, t, d); });
         },
         Shape::table_array},
        {"sound",
         [](Checker& c, const Item& it, Draft& d) {
             for_each_table(c, it, kSound.header, [&](const toml::table& t) { read_sound(c, t, d); });
         },
         Shape::table_array},
        {"stream",
         [](Checker& c, const Item& it, Draft& d) {
             for_each_table(c, it, kStream.header, [&](const toml::table& t) { read_stream(c, t, d); });
         },
         Shape::table_array},
    };
    return fields;
}

// Reports a bus name that no [[bus]] declares, with the closest one.
void check_bus_name(Checker& c, const Draft& d, const std::string& name, const SourceLocation& where,
                    const std::string& what) {
    std::vector<std::string> known;
    for (const auto& b : d.scene.buses) known.push_back(b.name);
    if (std::find(known.begin(), known.end(), name) != known.end()) return;
    std::string message = "unknown bus " + quote(name) + " " + what;
    if (auto near = closest(name, std::span<const std::string>(known))) {
        message += "; did you mean " + quote(*near) + "?";
        if (edit_distance(name, *near) == 0) message += " (bus names are case-sensitive)";
    }
    message += " (buses: " + join_names(known) + ")";
    c.error(where, message);
}

// The rules across sounds, once every bus is known.
void check_sounds(Checker& c, Draft& d) {
    std::map<std::string, SourceLocation, std::less<>> names;
    for (auto& s : d.sounds) {
        if (s.name) {
            const auto [first, inserted] = names.emplace(s.desc.name, c.at(s.name->source()));
            if (!inserted)
                c.error(s.name->source(), "duplicate sound name " + quote(s.desc.name) + " (first used at " +
                                              first->second.str() + "); sound names must be unique");
        }
        check_bus_name(c, d, s.desc.bus, s.desc.bus_where.line ? s.desc.bus_where : s.desc.where, "in [[sound]]");
        for (const auto& send : s.desc.sends) check_bus_name(c, d, send.bus, send.where, "in the sends of [[sound]]");
    }
}

// Streams go to buses that exist; only one can read standard input.
void check_streams(Checker& c, Draft& d) {
    const StreamDesc* stdin_reader = nullptr;
    for (const auto& st : d.scene.streams) {
        check_bus_name(c, d, st.bus, st.bus_where.line ? st.bus_where : st.where, "in [[stream]]");
        if (st.source != "-" || !st.source_where.line) continue;
        if (stdin_reader)
            c.error(st.source_where, "only one stream can read standard input (\"-\"); the first is at " +
                                         stdin_reader->source_where.str() + "; give the others a FIFO path");
        else
            stdin_reader = &st;
    }
}

// Every name in the bus graph resolves, effects fit the engine rate, and no
// bus feeds itself through send_to, sends or a sidechain.
void check_buses(Checker& c, Draft& d) {
    const size_t errors_before = c.count();
    const auto& buses = d.scene.buses;
    for (const auto& b : buses) {
        const std::string of = "of bus " + quote(b.name);
        if (b.name != kMaster)
            check_bus_name(c, d, b.send_to, b.send_to_where.line ? b.send_to_where : b.where, "in 'send_to' " + of);
        for (const auto& send : b.sends) check_bus_name(c, d, send.bus, send.where, "in the sends " + of);
        for (const auto& e : b.effects) {
            if (!e.config.sidechain.empty())
                check_bus_name(c, d, e.config.sidechain, e.sidechain_where, "in the sidechain " + of);
            const EffectType* type = find_effect_type(e.config.type);
            if (type && type->check)
                if (auto problem = type->check(e.config, d.scene.engine.sample_rate); !problem.empty())
                    c.error(e.where, "effect " + quote(type->name) + " " + of + ": " + problem);
        }
    }
    if (c.count() != errors_before) return;  // a cycle can only be named once every name resolves

    auto index = [&](const std::string& name) {
        return static_cast<size_t>(std::find_if(buses.begin(), buses.end(), [&](const BusDesc& b) { return b.name == name; }) -
                                   buses.begin());
    };
    std::vector<BusLinks> links(buses.size());
    std::vector<std::string> names;
    for (size_t i = 0; i < buses.size(); ++i) {
        if (buses[i].name != kMaster) links[i].parent = index(buses[i].send_to);
        for (const auto& send : buses[i].sends) links[i].sends.push_back(index(send.bus));
        for (const auto& e : buses[i].effects)
            if (!e.config.sidechain.empty()) links[i].keys.push_back(index(e.config.sidechain));
        names.push_back(buses[i].name);
    }
    const TopoResult r = bus_render_order(links);
    if (!r.cycle.empty()) c.error(buses[r.cycle.front()].where, bus_cycle_message(r.cycle, names));
}

Scene validate(const toml::table& root, const std::string& path) {
    Checker c(path);
    Draft d;
    d.scene.path = path;
    d.scene.buses.push_back(BusDesc{.name = kMaster, .send_to = "", .where = SourceLocation{path, 0, 0}});
    read_table(c, root, kRoot, root_fields(), d);
    if (!d.has_version)
        c.error(SourceLocation{path, 1, 1}, "missing required key 'version' at the top level; a scene starts "
                                            "with version = 1");
    check_sounds(c, d);
    check_streams(c, d);
    check_buses(c, d);
    auto diags = c.take();
    if (!diags.empty()) throw SceneError(std::move(diags));
    for (auto& s : d.sounds) d.scene.sounds.push_back(std::move(s.desc));
    return std::move(d.scene);
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

// Reads at most `limit` bytes (nullopt when the file is longer, or on a read error).
std::optional<std::string> read_all(std::FILE* f, size_t limit) {
    std::string text;
    char buf[65536];
    while (true) {
        const size_t got = std::fread(buf, 1, sizeof buf, f);
        text.append(buf, got);
        if (text.size() > limit) return std::nullopt;
        if (got < sizeof buf) break;
    }
    if (std::ferror(f)) return std::nullopt;
    return text;
}

}  // namespace

SceneError::SceneError(std::vector<SceneDiagnostic> diags)
    : InputError(join_diagnostics(diags)), diags_(std::move(diags)) {}

Scene load_scene_text(std::string_view text, const std::string& path) {
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        throw SceneError({SceneDiagnostic{SourceLocation{path, begin.line, begin.column},
                                          "TOML syntax error: " + std::string(e.description())}});
    }
    return validate(root, path);
}

Scene load_scene_file(const std::string& path) {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f) throw InputError(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fileno(f.get()), &st) == 0 && S_ISDIR(st.st_mode))
        throw InputError(path + ": cannot open: " + std::strerror(EISDIR));
    std::string text;
    char buf[65536];
    size_t got = 0;
    while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, got);
    if (std::ferror(f.get())) throw InputError(path + ": read error: " + std::strerror(errno));
    return load_scene_text(text, path);
}

namespace {

template <class T>
SceneTableKeys keys_of(std::string_view table, std::span<const Field<T>> fields) {
    SceneTableKeys t{std::string(table), {}};
    for (const auto& f : fields)
        if (f.read) t.keys.emplace_back(f.key);
    return t;
}

}  // namespace

std::vector<SceneTableKeys> scene_keys() {
    // Read from the same tables the loader validates with; effects' keys
    // depend on their type (see effect_types()).
    std::vector<SceneTableKeys> all = {
        keys_of("(top level)", root_fields()),
        keys_of(kEngine.header, engine_fields()),
        keys_of(kListener.header, listener_fields()),
        keys_of(kBus.header, bus_fields()),
        keys_of("[[bus]] sends", send_fields()),
        keys_of(kSound.header, sound_fields()),
        keys_of("[[sound]] sends", send_fields()),
        keys_of(kSpatial.header, spatial_fields()),
        keys_of("[sound.spatial] cone", cone_fields()),
        keys_of(kStream.header, stream_fields()),
        keys_of("[[bus.effect]] bands (eq)", band_fields()),
    };
    all.push_back({"[[bus.effect]]", {"type", "enabled"}});
    return all;
}

namespace {

// The shape of TOML: every line that says something is a [table] or
// [[array]] header or a `key = value`, and at least one is a key. Prose,
// code and other text formats fail on their first few lines.
bool has_toml_shape(std::string_view text) {
    size_t keys = 0, lines = 0, other = 0;
    bool in_multiline = false;  // inside a multi-line string or array: no shape to check
    auto opens_multiline = [](std::string_view v) {
        return v.find("'''") != std::string_view::npos || v.find("\"\"\"") != std::string_view::npos;
    };
    while (!text.empty() && lines < 200) {
        const size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        ++lines;
        if (in_multiline) {
            if (opens_multiline(line) || line.front() == ']') in_multiline = false;
            continue;
        }
        if (line.front() == '[') {
            if (line.find(']') == std::string_view::npos) ++other;
            continue;
        }
        const size_t eq = line.find('=');
        const std::string_view key = line.substr(0, eq);
        constexpr std::string_view kKeyChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.\"' ";
        if (eq == std::string_view::npos || eq == 0 || key.find_first_not_of(kKeyChars) != std::string_view::npos) {
            ++other;
            continue;
        }
        ++keys;
        const std::string_view value = line.substr(eq + 1);
        if (opens_multiline(value) || (value.find('[') != std::string_view::npos && value.find(']') == std::string_view::npos))
            in_multiline = true;
    }
    return keys > 0 && other * 10 <= lines;  // a stray line in ten: a syntax error the loader will point at
}

bool has_toml_suffix(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return ext == ".toml";
}

}  // namespace

// A text file is a scene when it is named .toml or has the shape of TOML:
// then the loader, not the audio sniffer, says what is wrong with it (a
// trailing comma, a missing or unsupported version) with file:line:col,
// instead of "not a supported audio file".
bool looks_like_scene(const std::string& path) {
    constexpr size_t limit = 1 << 20;
    try {
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) return false;
        std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
        if (!f) return false;
        // Binary files show a NUL byte almost at once; check the start before reading on.
        char head[4096];
        const size_t got = std::fread(head, 1, sizeof head, f.get());
        if (std::memchr(head, '\0', got)) return false;
        std::string text(head, got);
        if (got == sizeof head) {
            auto rest = read_all(f.get(), limit - text.size());
            if (!rest || rest->find('\0') != std::string::npos) return false;
            text += *rest;
        }
        if (has_toml_suffix(path) || has_toml_shape(text)) return true;
        // Any valid TOML document with a version key is meant as a scene too.
        const toml::table root = toml::parse(text, std::string_view(path));
        return root.contains("version");
    } catch (...) {
        return false;
    }
}

}  // namespace simvx
