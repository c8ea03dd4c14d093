#include "app/scene_watch.hpp"

#include <sys/stat.h>

#include <sstream>

#include "app/input_scene.hpp"
#include "app/prepare.hpp"
#include "core/error.hpp"
#include "core/gain.hpp"

namespace simvx {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr double kGainRampMs = 10, kCrossfadeMs = 20, kRemoveFadeMs = 50, kReplaceFadeMs = 20;

// Sounds are matched by name; a repeated name gets "#2", "#3"... in scene order.
std::vector<std::string> keys_of(const std::vector<std::string>& names) {
    std::map<std::string, int> seen;
    std::vector<std::string> keys;
    for (const auto& n : names) {
        const int k = ++seen[n];
        keys.push_back(k == 1 ? n : n + "#" + std::to_string(k));
    }
    return keys;
}

std::vector<std::string> sound_names(const Scene& s) {
    std::vector<std::string> n;
    for (const auto& d : s.sounds) n.push_back(d.name);
    return n;
}

bool same_sends(const std::vector<SendDesc>& a, const std::vector<SendDesc>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].bus != b[i].bus || a[i].volume_db != b[i].volume_db) return false;
    return true;
}

// What needs a new render plan: routing, solo, bypass, the effect chain's shape.
bool same_structure(const BusDesc& a, const BusDesc& b) {
    if (a.send_to != b.send_to || !same_sends(a.sends, b.sends) || a.solo != b.solo ||
        a.bypass_effects != b.bypass_effects || a.effects.size() != b.effects.size())
        return false;
    for (size_t i = 0; i < a.effects.size(); ++i) {
        const EffectConfig &x = a.effects[i].config, &y = b.effects[i].config;
        if (x.type != y.type || x.enabled != y.enabled || x.sidechain != y.sidechain) return false;
    }
    return true;
}

bool same_params(const EffectConfig& a, const EffectConfig& b) {
    if (a.values != b.values || a.bands.size() != b.bands.size()) return false;
    for (size_t i = 0; i < a.bands.size(); ++i)
        if (a.bands[i].type != b.bands[i].type || a.bands[i].freq != b.bands[i].freq || a.bands[i].q != b.bands[i].q ||
            a.bands[i].gain_db != b.bands[i].gain_db)
            return false;
    return true;
}

float bus_gain(const BusDesc& b) { return b.mute ? 0.0f : db_to_gain(b.volume_db); }

// Everything of a sound but its volume (those changes ramp instead).
bool same_but_volume(const SoundDesc& a, const SoundDesc& b) {
    return a.file == b.file && a.bus == b.bus && a.pitch == b.pitch && a.loop == b.loop && a.loop_start == b.loop_start &&
           a.loop_end == b.loop_end && a.start == b.start && a.from_position == b.from_position &&
           a.fade_in == b.fade_in && a.fade_out == b.fade_out && a.pan == b.pan && a.stream == b.stream &&
           same_sends(a.sends, b.sends);
}

std::string db(double v) {
    std::ostringstream o;
    o << v << " dB";
    return o.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

}  // namespace

SceneWatch::SceneWatch(const Options& options, Scene scene, const std::vector<std::string>& voices)
    : options_(options), path_(scene.path), scene_(std::move(scene)) {
    const auto keys = keys_of(voices);
    for (size_t id = 0; id < keys.size(); ++id) voice_of_[keys[id]] = id;
    applied_ = seen_ = stamp();
}

SceneWatch::Stamp SceneWatch::stamp() const {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return {};
    return {static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, static_cast<int64_t>(st.st_size)};
}

std::optional<ReloadResult> SceneWatch::poll(Engine& engine) {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_poll_) return std::nullopt;
    next_poll_ = now + kPollInterval;
    const Stamp s = stamp();
    const bool settled = s == seen_;  // unchanged since the last look: the writer is done
    seen_ = s;
    if (!settled || s == applied_ || s.size < 0) return std::nullopt;
    applied_ = s;
    return reload(engine);
}

ReloadResult SceneWatch::reload(Engine& engine) {
    ReloadResult r;
    Scene next;
    PreparedScene p;
    try {
        next = scene_from_options(options_);
        if (next.engine.sample_rate != scene_.engine.sample_rate || next.engine.channels != scene_.engine.channels)
            throw InputError(path_ + ": the engine's sample rate or channels changed: restart simvxplay to apply that");
        bool same_buses = next.buses.size() == scene_.buses.size();
        for (size_t i = 0; same_buses && i < next.buses.size(); ++i) same_buses = next.buses[i].name == scene_.buses[i].name;
        if (!same_buses)
            throw InputError(path_ + ": buses were added, removed, renamed or reordered: restart simvxplay to apply that");
        // Live streams keep playing as they are: preparing them again would
        // open their inputs a second time and take data from the playing ones.
        Scene without_streams = next;
        without_streams.streams.clear();
        p = prepare_scene(without_streams);
    } catch (const Error& e) {
        r.errors = lines_of(e.what());
        return r;
    }
    const uint32_t rate = next.engine.sample_rate;
    auto frames = [rate](double ms) { return static_cast<uint32_t>(rate * ms / 1000.0); };
    bool queued = true;

    // Buses: a new plan when the structure changed (it carries the new gains
    // and parameters too), otherwise ramps and parameter updates.
    bool rebuild = false;
    for (size_t i = 0; i < next.buses.size(); ++i)
        if (!same_structure(scene_.buses[i], next.buses[i])) {
            rebuild = true;
            r.changes.push_back("bus " + next.buses[i].name + ": routing or effect chain rebuilt");
        }
    if (rebuild) {
        engine.replace_plan(std::move(p.plan), frames(kCrossfadeMs));
    } else {
        for (size_t i = 0; i < next.buses.size(); ++i) {
            const BusDesc &was = scene_.buses[i], &now = next.buses[i];
            if (bus_gain(was) != bus_gain(now)) {
                queued = engine.ramp_bus_gain(i, bus_gain(now), frames(kGainRampMs)) && queued;
                r.changes.push_back("bus " + now.name + ": " + (now.mute ? std::string("muted") : db(now.volume_db)));
            }
            for (size_t k = 0; k < now.effects.size(); ++k)
                if (!same_params(was.effects[k].config, now.effects[k].config)) {
                    queued = engine.update_effect(i, k, now.effects[k].config) && queued;
                    r.changes.push_back("bus " + now.name + ": " + now.effects[k].config.type + " parameters");
                }
        }
    }

    // Sounds, by name.
    std::map<std::string, const SoundDesc*> old_sounds, new_sounds;
    const auto old_keys = keys_of(sound_names(scene_)), new_keys = keys_of(sound_names(next));
    for (size_t i = 0; i < old_keys.size(); ++i) old_sounds[old_keys[i]] = &scene_.sounds[i];
    for (size_t i = 0; i < new_keys.size(); ++i) new_sounds[new_keys[i]] = &next.sounds[i];
    std::map<std::string, VoiceSetup*> prepared;
    std::vector<std::string> names;
    for (const auto& v : p.voices) names.push_back(v.name);
    const auto voice_keys = keys_of(names);
    for (size_t i = 0; i < voice_keys.size(); ++i) prepared[voice_keys[i]] = &p.voices[i];

    auto release = [&](const std::string& key, double ms) {
        if (auto it = voice_of_.find(key); it != voice_of_.end()) {
            queued = engine.release_voice(it->second, frames(ms)) && queued;
            voice_of_.erase(it);
        }
    };
    auto start = [&](const std::string& key) {
        auto it = prepared.find(key);
        if (it == prepared.end()) return;  // over before --start-at
        VoiceSetup v = std::move(*it->second);
        // A start time already passed: from its beginning, now.
        const uint64_t pos = engine.position();
        if (v.start_frame < pos) {
            const uint64_t shift = pos - v.start_frame;
            v.start_frame += shift;
            if (v.end_frame) *v.end_frame += shift;
        }
        if (auto id = engine.add_voice(std::move(v))) voice_of_[key] = *id;
        else queued = false;
    };
    for (const auto& [key, was] : old_sounds) {
        auto it = new_sounds.find(key);
        if (it == new_sounds.end()) {
            release(key, kRemoveFadeMs);
            r.changes.push_back("sound " + key + ": removed");
        } else if (!same_but_volume(*was, *it->second)) {
            release(key, kReplaceFadeMs);
            start(key);
            r.changes.push_back("sound " + key + ": restarted with its new settings");
        } else if (was->volume_db != it->second->volume_db) {
            if (auto v = voice_of_.find(key); v != voice_of_.end())
                queued = engine.ramp_voice_gain(v->second, db_to_gain(it->second->volume_db), frames(kGainRampMs)) && queued;
            r.changes.push_back("sound " + key + ": " + db(it->second->volume_db));
        }
    }
    for (const auto& [key, now] : new_sounds)
        if (!old_sounds.count(key)) {
            start(key);
            r.changes.push_back("sound " + key + ": added");
        }
    if (!queued)
        r.changes.push_back("some edits could not be queued (too many at once): save the file again to apply them");
    scene_ = std::move(next);
    r.ok = true;
    return r;
}

}  // namespace simvx
