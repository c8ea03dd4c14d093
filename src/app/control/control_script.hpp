// --control-script FILE: commands to apply at given frames, one JSON object
// per line with a "frame" (engine frames of scene time) beside the request's
// own keys; what --record-control writes, or a script written by hand.
// Read whole before the run starts, so a bad line stops it before any sound.
//
// Two things make scene time alone not enough to say when a line applies,
// and the script's clock carries both: a whole-mix pause holds scene time
// still while the output goes on (a line may say how many output frames
// it came after, "held"), and a seek makes scene time jump (the lines after
// a "seek" line count from where it went, and wait until it has landed).
#pragma once
#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace simvx {

// When a step applies, and where a run is: seeks landed, the scene frame,
// and the output frames held silent at that frame; compared in that order.
struct ScriptClock {
    uint64_t seeks = 0, frame = 0, held = 0;
    auto operator<=>(const ScriptClock&) const = default;
};

class ControlScript {
public:
    struct Step {
        ScriptClock at;
        std::string request;  // the line without "frame" and "held"
        bool seek = false;    // a "seek": the lines after it count from where it goes
    };
    // Throws InputError naming FILE:LINE for a line that is not a JSON object
    // with a whole-number "frame" (and "held", if any), not before the
    // previous line's (after a seek, not before where it went).
    static ControlScript read(const std::string& path);

    // The steps whose time has come (at <= now), in order; each once.
    std::vector<Step> due(const ScriptClock& now);
    // Output frames a run at `now` may render before the next step is due
    // (0: due now; none left: UINT64_MAX). A step after a seek that has not
    // landed yet gives UINT64_MAX too: the engine says how long that takes.
    uint64_t frames_until_next(const ScriptClock& now) const;
    // The seek step just run was refused: the steps after it apply where
    // the run is instead of waiting for a seek that will never land.
    void seek_refused();
    const Step* next() const { return next_ < steps_.size() ? &steps_[next_] : nullptr; }
    bool done() const { return next_ >= steps_.size(); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::vector<Step> steps_;
    size_t next_ = 0;
};

}  // namespace simvx
