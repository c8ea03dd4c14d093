// --normalize-limit's limiter: a lookahead brickwall on true peaks, so that
// the gain that puts a render on its loudness target does not lift its
// inter-sample peaks over the ceiling.
//
// Each gap between two samples is interpolated at 1/8, 2/8, ... 7/8 (a
// 64-tap windowed sinc); the gain a sample needs is the ceiling over the
// largest magnitude on either side of it. The gain applied is the moving
// average, over the lookahead, of the running minimum of those needs over the
// lookahead and the interpolator's span on both sides (with an exponential
// release after it): every term of the average is at most the need of every
// sample within the span around the one it is applied to, so the gain reaches
// it in time, has no steps, and is no higher anywhere the interpolation of a
// peak reads from (a gain falling across a peak would lift its inter-sample
// values). An 8x grid can read a peak near Nyquist up to 0.2 dB low (noise,
// cymbals); --normalize measures the result with the exact meter
// (dsp/true_peak.hpp) and lowers the ceiling it gives here by what passed.
// Deterministic (the same input gives the same output bit for bit);
// allocation-free after construction, so it can run on the render thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/realtime.hpp"

namespace simvx {

class TruePeakLimiter {
public:
    struct Settings {
        double ceiling_db = -1.0;    // dBTP (of the 8x grid)
        double lookahead_ms = 2.0;   // the attack: how long before a peak the gain starts to fall
        double release_ms = 60.0;    // 1 − 1/e of the way back to unity after the last peak
    };
    TruePeakLimiter(uint32_t channels, uint32_t rate, const Settings& settings);

    // In place: `frames` interleaved frames in, as many out, latency() frames
    // late (the first latency() frames out are silence).
    void process(float* interleaved, size_t frames) noexcept SIMVX_REALTIME;
    uint32_t latency() const noexcept { return kHalfTaps + lookahead_ + kHold; }
    // The deepest gain reduction so far (dB, ≥ 0).
    double max_reduction_db() const noexcept;

    static constexpr uint32_t kTaps = 64;       // per interpolated point
    static constexpr uint32_t kHalfTaps = kTaps / 2;
    static constexpr uint32_t kPoints = 7;      // between two samples: 1/8 .. 7/8
    static constexpr uint32_t kHold = kHalfTaps;  // the gain holds this many samples on each side of a peak

private:
    float gap_peak(const float* x) const noexcept SIMVX_REALTIME;  // x: kTaps samples, the gap after x[kHalfTaps - 1]
    void step(size_t frame_in_block, float* interleaved) noexcept SIMVX_REALTIME;

    uint32_t channels_;
    uint32_t lookahead_;          // frames
    float ceiling_;               // linear
    double release_;              // the pole of the release
    float coeff_[kPoints][kTaps];
    // Per channel: the last kTaps input samples, twice over, so a window is contiguous.
    std::vector<float> history_;
    size_t history_at_ = 0;
    // The input awaiting output: latency() frames, a ring.
    std::vector<float> delay_;
    size_t delay_at_ = 0;
    float previous_need_ = 1.0f;  // the gap before the newest one
    // The running minimum of the needs over lookahead + 2 kHold + 1 samples: a
    // monotonic queue (values and their sample numbers) in a ring.
    std::vector<float> min_value_;
    std::vector<uint64_t> min_index_;
    size_t min_head_ = 0, min_size_ = 0;
    uint64_t sample_ = 0;
    double released_ = 1.0;       // the running minimum after the release
    // The moving average of `released_` over lookahead + 1 samples.
    std::vector<double> average_ring_;
    size_t average_at_ = 0;
    double average_sum_;
    double min_gain_ = 1.0;
};

}  // namespace simvx
