#include "assemble/scene_diff.hpp"

#include <map>
#include <sstream>

#include "assemble/prepare.hpp"
#include "core/gain.hpp"
#include "dsp/effect_types.hpp"

namespace simvx {
namespace {

bool same_sends(const std::vector<SendDesc>& a, const std::vector<SendDesc>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].bus != b[i].bus || a[i].volume_db != b[i].volume_db || a[i].volume_db_envelope != b[i].volume_db_envelope)
            return false;
    return true;
}

bool same_spatial(const std::optional<SpatialDesc>& a, const std::optional<SpatialDesc>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    const ConeDesc &x = a->cone, &y = b->cone;
    return a->position == b->position && a->velocity == b->velocity && a->path == b->path &&
           a->attenuation == b->attenuation && a->min_distance == b->min_distance &&
           a->max_distance == b->max_distance && a->rolloff == b->rolloff && a->doppler == b->doppler &&
           a->air_absorption == b->air_absorption &&
           x.inner_deg == y.inner_deg && x.outer_deg == y.outer_deg && x.outer_gain_db == y.outer_gain_db &&
           x.direction == y.direction;
}

bool same_listener(const ListenerDesc& a, const ListenerDesc& b) {
    return a.position == b.position && a.direction == b.direction && a.world_up == b.world_up &&
           a.velocity == b.velocity && a.path == b.path;
}

bool same_stream(const StreamDesc& a, const StreamDesc& b) {
    return a.source == b.source && a.format == b.format && a.format_given == b.format_given && a.rate == b.rate &&
           a.channels == b.channels && a.bus == b.bus && a.volume_db == b.volume_db && a.pan == b.pan &&
           a.buffer_ms == b.buffer_ms;
}

// Everything of a sound but its plain volume (a volume change ramps instead;
// a new envelope restarts the sound with it).
bool same_but_volume(const SoundDesc& a, const SoundDesc& b) {
    return a.volume_db_envelope == b.volume_db_envelope && a.pan_envelope == b.pan_envelope &&
           a.pitch_envelope == b.pitch_envelope && a.file == b.file && a.bus == b.bus && a.pitch == b.pitch && a.loop == b.loop && a.loop_start == b.loop_start &&
           a.loop_end == b.loop_end && a.start == b.start && a.from_position == b.from_position &&
           a.fade_in == b.fade_in && a.fade_out == b.fade_out && a.pan == b.pan && a.stream == b.stream &&
           same_sends(a.sends, b.sends) && same_spatial(a.spatial, b.spatial) &&
           a.follows_previous == b.follows_previous && a.stop == b.stop && a.voices == b.voices;
}

bool same_bands(const EffectConfig& a, const EffectConfig& b) {
    if (a.bands.size() != b.bands.size()) return false;
    for (size_t i = 0; i < a.bands.size(); ++i)
        if (a.bands[i].type != b.bands[i].type || a.bands[i].freq != b.bands[i].freq || a.bands[i].q != b.bands[i].q ||
            a.bands[i].gain_db != b.bands[i].gain_db)
            return false;
    return true;
}

bool same_params(const EffectConfig& a, const EffectConfig& b) { return a.values == b.values && same_bands(a, b); }

// Why a bus needs a new render plan (routing, solo, bypass, the effect chain's
// shape, or a parameter its effect cannot take while running), or "".
std::string rebuild_reason(const BusDesc& a, const BusDesc& b) {
    const std::string structure = "routing or effect chain rebuilt";
    if (a.volume_db_envelope != b.volume_db_envelope) return "volume_db envelope changed";
    if (a.send_to != b.send_to || !same_sends(a.sends, b.sends) || a.solo != b.solo ||
        a.bypass_effects != b.bypass_effects || a.effects.size() != b.effects.size())
        return structure;
    std::string reason;
    for (size_t i = 0; i < a.effects.size(); ++i) {
        const EffectConfig &x = a.effects[i].config, &y = b.effects[i].config;
        if (x.type != y.type || x.enabled != y.enabled || x.sidechain != y.sidechain) return structure;
        if (a.effects[i].envelopes != b.effects[i].envelopes) return y.type + " rebuilt with its new automation";
        if (reason.empty() && !same_params(x, y) && !updatable(x, y)) reason = y.type + " rebuilt with its new parameters";
    }
    return reason;
}


std::string db(double v) {
    std::ostringstream o;
    o << v << " dB";
    return o.str();
}

std::vector<std::string> names_of(const Scene& s) {
    std::vector<std::string> n;
    for (const auto& d : s.sounds) n.push_back(d.name);
    return n;
}

void engine_and_listener(const Scene& was, const Scene& now, std::vector<std::string>& restart) {
    const EngineSettings &a = was.engine, &b = now.engine;
    auto key = [&](bool same, const char* name) {
        if (!same) restart.push_back(std::string("[engine] ") + name + " changed");
    };
    key(a.sample_rate == b.sample_rate, "sample_rate");
    key(a.channels == b.channels, "channels");
    key(a.latency_ms == b.latency_ms, "latency_ms");
    key(a.duration == b.duration, "duration");
    key(a.pan_law == b.pan_law, "pan_law");
    key(a.interpolator == b.interpolator, "resampler");
    key(a.speed_of_sound == b.speed_of_sound, "speed_of_sound");
    key(a.doppler_factor == b.doppler_factor, "doppler_factor");
    key(a.air_absorption == b.air_absorption, "air_absorption");
    key(a.spatial == b.spatial, "spatial");
    key(a.hrtf_file == b.hrtf_file, "hrtf_file");
    key(a.virtual_below_db == b.virtual_below_db, "virtual_below_db");
    key(a.lfe_db == b.lfe_db, "lfe_db");
    key(a.lfe_cutoff_hz == b.lfe_cutoff_hz, "lfe_cutoff_hz");
    if (!same_listener(was.listener, now.listener)) restart.push_back("[listener] changed");
    bool same_streams = was.streams.size() == now.streams.size();
    for (size_t i = 0; same_streams && i < now.streams.size(); ++i) same_streams = same_stream(was.streams[i], now.streams[i]);
    if (!same_streams) restart.push_back("[[stream]] tables changed");  // live inputs are opened once
    bool same_buses = was.buses.size() == now.buses.size();
    for (size_t i = 0; same_buses && i < now.buses.size(); ++i) same_buses = was.buses[i].name == now.buses[i].name;
    if (!same_buses) restart.push_back("buses were added, removed, renamed or reordered");
    // A bus's limit decides which voices of several sounds give way: the whole timeline again.
    for (size_t i = 0; same_buses && i < now.buses.size(); ++i)
        if (!(was.buses[i].voices == now.buses[i].voices)) restart.push_back("max_voices of bus " + now.buses[i].name + " changed");
}

void buses(const Scene& was, const Scene& now, SceneDiff& d) {
    for (size_t i = 0; i < now.buses.size(); ++i)
        if (const auto why = rebuild_reason(was.buses[i], now.buses[i]); !why.empty()) {
            d.rebuild_plan = true;
            d.changes.push_back("bus " + now.buses[i].name + ": " + why);
        }
    if (d.rebuild_plan) return;  // the new plan has the new gains and parameters
    for (size_t i = 0; i < now.buses.size(); ++i) {
        const BusDesc &a = was.buses[i], &b = now.buses[i];
        if (bus_fader_gain(a) != bus_fader_gain(b)) {
            d.bus_gains.push_back({i, bus_fader_gain(b)});
            d.changes.push_back("bus " + b.name + ": " + (b.mute ? std::string("muted") : db(b.volume_db)));
        }
        for (size_t k = 0; k < b.effects.size(); ++k)
            if (!same_params(a.effects[k].config, b.effects[k].config)) {
                d.effect_updates.push_back({i, k});
                d.changes.push_back("bus " + b.name + ": " + b.effects[k].config.type + " parameters");
            }
    }
}

void sounds(const Scene& was, const Scene& now, SceneDiff& d) {
    std::map<std::string, const SoundDesc*> before, after;
    const auto old_keys = sound_keys(names_of(was)), new_keys = sound_keys(names_of(now));
    for (size_t i = 0; i < old_keys.size(); ++i) before[old_keys[i]] = &was.sounds[i];
    for (size_t i = 0; i < new_keys.size(); ++i) after[new_keys[i]] = &now.sounds[i];
    using Kind = SceneDiff::Sound::Kind;
    for (const auto& [key, a] : before) {
        const auto it = after.find(key);
        if (it == after.end()) {
            d.sounds.push_back({Kind::removed, key});
            d.changes.push_back("sound " + key + ": removed");
        } else if (!same_but_volume(*a, *it->second)) {
            d.sounds.push_back({Kind::restarted, key});
            d.changes.push_back("sound " + key + ": restarted with its new settings");
        } else if (a->volume_db != it->second->volume_db) {
            d.sounds.push_back({Kind::volume, key, it->second->volume_db});
            d.changes.push_back("sound " + key + ": " + db(it->second->volume_db));
        }
    }
    for (const auto& [key, b] : after)
        if (!before.count(key)) {
            d.sounds.push_back({Kind::added, key});
            d.changes.push_back("sound " + key + ": added");
        }
}

}  // namespace

std::vector<std::string> sound_keys(const std::vector<std::string>& names) {
    std::map<std::string, int> seen;
    std::vector<std::string> keys;
    for (const auto& n : names) {
        const int k = ++seen[n];
        keys.push_back(k == 1 ? n : n + "#" + std::to_string(k));
    }
    return keys;
}

SceneDiff diff_scenes(const Scene& was, const Scene& now) {
    SceneDiff d;
    engine_and_listener(was, now, d.needs_restart);
    if (!d.needs_restart.empty()) return d;  // nothing is applied: the bus lists may not even match
    buses(was, now, d);
    sounds(was, now, d);
    return d;
}

}  // namespace simvx
