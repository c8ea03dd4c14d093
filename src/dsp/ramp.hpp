// A gain that moves linearly to its target over a fixed number of frames, so
// changes never step (no zipper noise, no clicks). Real-time safe. Once it
// arrives, value() is exactly the target (unity stays bit-exact).
//
// Every gain of the engine passes through one of these, so this is where a
// non-finite gain (a NaN from a bad control value) is stopped: it becomes
// silence instead of NaN or full-scale DC at the output.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace simvx {

class GainRamp {
public:
    explicit GainRamp(float initial = 1.0f, uint32_t ramp_frames = 480) noexcept
        : value_(sane(initial)), target_(value_), ramp_frames_(ramp_frames ? ramp_frames : 1) {}

    void set_ramp_frames(uint32_t frames) noexcept { ramp_frames_ = frames ? frames : 1; }
    uint32_t ramp_frames() const noexcept { return ramp_frames_; }
    // Starts moving towards `target`; reaching it takes ramp_frames.
    void set_target(float target) noexcept {
        target_ = sane(target);
        remaining_ = value_ == target ? 0 : ramp_frames_;
        step_ = remaining_ ? (target_ - value_) / static_cast<float>(remaining_) : 0.0f;
    }
    // Jumps without a ramp (before playback starts).
    void reset(float value) noexcept {
        value_ = target_ = sane(value);
        remaining_ = 0;
        step_ = 0;
    }
    bool ramping() const noexcept { return remaining_ != 0; }
    uint32_t remaining() const noexcept { return remaining_; }  // frames until the target
    float value() const noexcept { return value_; }
    float target() const noexcept { return target_; }

    // The gain for the next frame.
    float next() noexcept {
        if (remaining_ == 0) return value_;
        if (--remaining_ == 0) value_ = target_;
        else value_ += step_;
        return value_;
    }
    // The gains of the next `n` frames, as n calls of next() give them (the
    // ramp's one chain of additions, without its branches in the caller's
    // loop, which then vectorizes over the array).
    void fill(float* out, size_t n) noexcept {
        float v = value_;  // in registers: `out` could alias the members
        const float step = step_;
        uint32_t left = remaining_;
        size_t i = 0;
        if (left > 1) {  // the steps before the last, which lands on the target
            const size_t steps = std::min<size_t>(n, left - 1);
            for (; i < steps; ++i) out[i] = v += step;
            left -= static_cast<uint32_t>(steps);
        }
        if (i < n && left == 1) {
            left = 0;
            out[i++] = v = target_;
        }
        for (; i < n; ++i) out[i] = v;
        value_ = v;
        remaining_ = left;
    }

private:
    static float sane(float gain) noexcept { return std::isfinite(gain) ? gain : 0.0f; }

    float value_, target_;
    float step_ = 0.0f;
    uint32_t remaining_ = 0;
    uint32_t ramp_frames_;
};

}  // namespace simvx
