// Inside the scene layer: the scene format's tables, as field lists for the
// TOML schema reader (toml_schema.hpp), in scene_tables.cpp, spatial_tables.cpp
// (3D) and effect_table.cpp ([[bus.effect]]). The loader reads a document with
// read_scene() and lists the keys from the same lists (scene_keys()); the
// rules across tables (scene_rules.hpp) read the Draft it fills.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "core/time_limit.hpp"
#include "scene/scene.hpp"
#include "scene/toml_schema.hpp"

namespace simvx::scene_format {

inline constexpr schema::TableKind kRoot{"", ""};
inline constexpr schema::TableKind kEngine{"engine", "[engine]"};
inline constexpr schema::TableKind kListener{"listener", "[listener]"};
inline constexpr schema::TableKind kBus{"bus", "[[bus]]"};
inline constexpr schema::TableKind kSound{"sound", "[[sound]]"};
inline constexpr schema::TableKind kSpatial{"sound.spatial", "[sound.spatial]"};
inline constexpr schema::TableKind kRepeat{"sound.repeat", "[sound.repeat]"};
inline constexpr schema::TableKind kStream{"stream", "[[stream]]"};

inline const std::string kMaster = "Master";

// A time in seconds: from 0 up to the one bound every time value shares.
constexpr schema::Range seconds() { return schema::Range{0, kMaxTimeSeconds, false, "s"}; }

// A [[sound]] while the scene is read: the description and the nodes the
// cross-sound rules need.
struct SoundEntry {
    SoundDesc desc;
    const toml::node* name = nullptr;  // only when given
};

// The scene while it is read.
struct Draft {
    Scene scene;
    bool has_version = false;
    std::vector<SoundEntry> sounds;
};

// Reads the document into `d` (a new Draft; the Master bus is added first),
// reporting every problem of a table on its own, a missing version too.
void read_scene(schema::Checker& c, const toml::table& root, Draft& d);

// One list per table of the format: a new key is a row in one of these.
std::span<const schema::Field<Draft>> root_fields();
std::span<const schema::Field<EngineSettings>> engine_fields();
std::span<const schema::Field<ListenerDesc>> listener_fields();
std::span<const schema::Field<BusDesc>> bus_fields();
std::span<const schema::Field<SendDesc>> send_fields();
std::span<const schema::Field<SoundEntry>> sound_fields();
std::span<const schema::Field<SpatialDesc>> spatial_fields();
std::span<const schema::Field<ConeDesc>> cone_fields();
std::span<const schema::Field<StreamDesc>> stream_fields();
std::span<const schema::Field<RepeatDesc>> repeat_fields();
// An eq band as the scene writes it: its values, and the envelope each of
// freq, q and gain_db may follow instead (read_effect moves them into the
// effect's envelopes).
struct BandDesc {
    EqBand::Type type = EqBand{}.type;
    double freq = EqBand{}.freq, q = EqBand{}.q, gain_db = EqBand{}.gain_db;
    std::optional<Envelope> freq_envelope, q_envelope, gain_db_envelope;
};
std::span<const schema::Field<BandDesc>> band_fields();  // eq's bands = [{...}]

// The tables read by more than their rows.
void read_listener(schema::Checker& c, const schema::Item& it, ListenerDesc& l);
void read_spatial(schema::Checker& c, const schema::Item& it, SpatialDesc& s);
void read_repeat(schema::Checker& c, const schema::Item& it, RepeatDesc& r);

// A sound key that may also be drawn per trigger, `{ random = [lo, hi] }`
// (variation_table.cpp): such a table goes into `slot`, anything else to `plain`.
schema::Reader<SoundEntry> randomizable(schema::Reader<SoundEntry> plain, std::optional<RandomRange> SoundVariation::*slot,
                                        schema::Range range);
void read_effect(schema::Checker& c, const toml::table& table, BusDesc& bus);  // its keys depend on its type

}  // namespace simvx::scene_format
