#include "app/scene_watch.hpp"

#include <sys/stat.h>

#include <sstream>

#include "app/input_scene.hpp"
#include "assemble/prepare.hpp"
#include "assemble/scene_diff.hpp"
#include "core/error.hpp"
#include "core/gain.hpp"
#include "dsp/effect_types.hpp"

namespace simvx {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr double kGainRampMs = 10, kCrossfadeMs = 20, kRemoveFadeMs = 50, kReplaceFadeMs = 20;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

}  // namespace

SceneWatch::SceneWatch(const Options& options, Scene scene, const std::vector<std::string>& voices)
    : options_(options), path_(scene.path), scene_(std::move(scene)) {
    const auto keys = sound_keys(voices);
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
    const Stamp before = applied_;
    applied_ = s;
    auto r = reload(engine);
    if (!r) applied_ = before;  // waits for room in the engine's queues: again at the next poll
    return r;
}

std::optional<ReloadResult> SceneWatch::reload(Engine& engine) {
    ReloadResult r;
    Scene next;
    try {
        next = scene_from_options(options_);
    } catch (const Error& e) {
        r.errors = lines_of(e.what());
        return r;
    }
    SceneDiff diff = diff_scenes(scene_, next);
    if (!diff.needs_restart.empty()) {
        for (const auto& what : diff.needs_restart) r.errors.push_back(path_ + ": " + what + ": restart simvxplay to apply that");
        return r;
    }
    // Everything the reload queues must fit, or none of it is queued: a
    // reload applied in part would leave the watcher believing edits that are
    // not playing. A reload larger than the queues can never fit.
    size_t commands = diff.bus_gains.size(), voices = 0;
    for (const auto& s : diff.sounds) {
        commands += s.kind != SceneDiff::Sound::Kind::added;
        voices += s.kind == SceneDiff::Sound::Kind::added || s.kind == SceneDiff::Sound::Kind::restarted;
    }
    if (commands > engine.command_capacity() || diff.effect_updates.size() > engine.effect_update_capacity() ||
        voices > Engine::kMaxAddedVoices) {
        r.errors.push_back(path_ + ": too many changes at once: restart simvxplay to apply them");
        return r;
    }
    if (engine.command_room() < commands || engine.effect_update_room() < diff.effect_updates.size() ||
        engine.voice_room() < voices)
        return std::nullopt;
    PreparedScene p;
    try {
        // Live streams keep playing as they are (the diff refuses edits to
        // them): preparing them again would open their inputs a second time.
        Scene without_streams = next;
        without_streams.streams.clear();
        p = prepare_scene(without_streams);
    } catch (const Error& e) {
        r.errors = lines_of(e.what());
        return r;
    }
    const uint32_t rate = next.engine.sample_rate;
    auto frames = [rate](double ms) { return static_cast<uint32_t>(rate * ms / 1000.0); };
    // Each of these fits: the rooms were looked at above, and only this thread fills the queues.
    bool queued = true;

    if (diff.rebuild_plan) engine.replace_plan(std::move(p.plan), frames(kCrossfadeMs));
    for (const auto& g : diff.bus_gains) queued = engine.ramp_bus_gain(g.bus, g.gain, frames(kGainRampMs)) && queued;
    for (const auto& u : diff.effect_updates)
        queued = engine.update_effect(u.bus, u.effect, effect_params(next.buses[u.bus].effects[u.effect].config)) && queued;

    std::map<std::string, VoiceSetup*> prepared;
    std::vector<std::string> names;
    for (const auto& v : p.voices) names.push_back(v.name);
    const auto voice_keys = sound_keys(names);
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
    using Kind = SceneDiff::Sound::Kind;
    for (const auto& s : diff.sounds) {
        switch (s.kind) {
            case Kind::removed: release(s.key, kRemoveFadeMs); break;
            case Kind::restarted:
                release(s.key, kReplaceFadeMs);
                start(s.key);
                break;
            case Kind::volume:
                if (auto v = voice_of_.find(s.key); v != voice_of_.end())
                    queued = engine.ramp_voice_gain(v->second, db_to_gain(s.volume_db), frames(kGainRampMs)) && queued;
                break;
            case Kind::added: start(s.key); break;
        }
    }
    r.changes = std::move(diff.changes);
    if (!queued)  // cannot happen (see above); said rather than lost if it ever does
        r.changes.push_back("some edits could not be queued: restart simvxplay to apply them");
    scene_ = std::move(next);
    r.ok = true;
    return r;
}

}  // namespace simvx
