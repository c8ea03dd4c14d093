// Variable-ratio resampling for voices: pitch, doppler and the file's own
// rate conversion in one step. The ratio (input frames per output frame) may
// change before every block; it then moves linearly, sample by sample, from
// the old value to the new one across that block, so a gliding pitch never
// steps.
//
// The sinc kind is a Kaiser-windowed sinc (64 taps, beta 10.06: about 100 dB
// of stopband from 0.55 of the lower of the two sample rates), read from a
// table of 256 phases with the coefficients interpolated linearly between
// phases. When the ratio is above 1 the kernel is stretched (64 × stretch
// taps), so content above the output's Nyquist frequency is filtered out
// instead of aliasing: by the next of 32 tabulated stretches per octave up to
// 2, 16 per octave above, at or above the ratio (one table per frame, no
// interpolation between stretches). Measured: every spurious component of a
// tone at 0.45 of the sample rate 98 dB or more below it, at ratios from 0.5
// to 12; the passband holds to 0.43 of the sample rate (within 0.02 dB).
// Tables are built by the constructor, only those its max_ratio can reach.
// cubic (Catmull-Rom) and linear trade that quality for speed.
//
// Real-time safe: all memory is taken in the constructor.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/interpolator.hpp"

namespace simvx {

class Varispeed {
public:
    // Where input frames come from: writes up to `frames` interleaved frames
    // into `out` and returns how many; fewer means the input has ended.
    using Pull = size_t (*)(void* context, float* out, size_t frames) noexcept;

    // channels: 1 or 2. Ratios are clamped to [kMinRatio, max_ratio], and
    // max_ratio to [1, kMaxRatio].
    Varispeed(Interpolator kind, uint32_t channels, double initial_ratio, double max_ratio);

    static constexpr double kMinRatio = 1.0 / 1024;
    static constexpr double kMaxRatio = 64;
    static constexpr uint32_t kSincTaps = 64;

    // The ratio to reach at the end of the next process() call.
    void set_ratio(double ratio) noexcept;
    double ratio() const noexcept { return ratio_; }
    // Sets the ratio at once (before the first process(): later it would step).
    void jump_to_ratio(double ratio) noexcept { ratio_ = target_ = clamp(ratio); }

    // Writes up to `frames` interleaved output frames. Fewer only once the
    // read position has passed the last input frame: an input of N frames
    // played at a constant ratio r gives ceil(N / r) frames.
    size_t process(float* out, size_t frames, Pull pull, void* context) noexcept;

    Interpolator kind() const noexcept { return kind_; }
    uint32_t channels() const noexcept { return channels_; }

private:
    void refill(Pull pull, void* context) noexcept;
    double clamp(double ratio) const noexcept;

    Interpolator kind_;
    uint32_t channels_;
    double max_ratio_;
    double ratio_, target_;
    size_t left_, right_;       // history kept before / needed after the read position
    size_t capacity_;           // frames of history per channel
    std::vector<float> hist_;   // planar: channel c at hist_[c * capacity_]
    size_t avail_ = 0;          // valid frames in the history (zeros after the end)
    size_t ipos_ = 0;           // history index of the frame at or before the read position
    uint32_t frac_ = 0;         // read position - ipos_, in units of 2^-32
    bool ended_ = false;
    size_t end_index_ = 0;      // history index just after the last input frame, once ended
};

}  // namespace simvx
