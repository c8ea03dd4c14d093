// --control-script FILE: commands to apply at given frames, one JSON object
// per line with a "frame" (engine frames of scene time) beside the request's
// own keys; what --record-control writes, or a script written by hand.
// Read whole before the run starts, so a bad line stops it before any sound.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace simvx {

class ControlScript {
public:
    struct Step {
        uint64_t frame;
        std::string request;  // the line without "frame"
    };
    // Throws InputError naming FILE:LINE for a line that is not a JSON object
    // with a whole-number "frame" not before the previous line's.
    static ControlScript read(const std::string& path);

    // The steps whose frame has come (frame <= position), in order; each once.
    std::vector<Step> due(uint64_t position);
    // The frame of the next step, if any is left.
    const Step* next() const { return next_ < steps_.size() ? &steps_[next_] : nullptr; }
    bool done() const { return next_ >= steps_.size(); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::vector<Step> steps_;
    size_t next_ = 0;
};

}  // namespace simvx
