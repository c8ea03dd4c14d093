// --watch: the scene file is polled (off the audio thread) and, when it
// changes, reloaded and reconciled with the running engine:
//  - bus volumes and mutes ramp to their new values (10 ms);
//  - effect parameters go to Processor::update (the effects ramp them);
//  - a changed effect chain, routing, solo or bypass, or a parameter an
//    effect cannot take while running (the limiter's lookahead_ms): a new
//    render plan is built here and crossfaded in over 20 ms while the old one keeps running;
//  - sounds (matched by name) whose volume changed ramp; added sounds start
//    (at their start time, or at once if it has passed); removed sounds fade
//    out over 50 ms; a sound with any other change fades out and starts anew.
// A scene that does not validate is reported and the old scene plays on.
// What cannot change while playing (the bus list, [engine], [listener],
// streams: see app/scene_diff.hpp) is reported as needing a restart, and the
// old scene plays on: no edit is applied in part or dropped unsaid.
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "mix/engine.hpp"
#include "scene/scene.hpp"

namespace simvx {

struct ReloadResult {
    bool ok = false;
    std::vector<std::string> changes;  // what was applied, for people
    std::vector<std::string> errors;   // one problem per line (file:line:col first)
};

class SceneWatch {
public:
    // `voices`: the names of the engine's voices by id (as prepared).
    SceneWatch(const Options& options, Scene scene, const std::vector<std::string>& voices);

    // Control thread, called often: when the file changed (and then stayed
    // unchanged for one poll, so a half-written file is not read), reloads
    // and applies it to `engine`.
    std::optional<ReloadResult> poll(Engine& engine);

private:
    // None: the engine's queues have no room for it yet (tried again at the next poll).
    std::optional<ReloadResult> reload(Engine& engine);
    struct Stamp {
        int64_t mtime_ns = 0;
        int64_t size = -1;
        bool operator==(const Stamp&) const = default;
    };
    Stamp stamp() const;

    Options options_;
    std::string path_;
    Scene scene_;
    std::map<std::string, size_t> voice_of_;  // sound key → engine voice id
    Stamp applied_, seen_;
    std::chrono::steady_clock::time_point next_poll_{};
};

}  // namespace simvx
