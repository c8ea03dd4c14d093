// Shared pieces of the dynamics effects (compressor, limiter): the soft-knee
// static curve and the log-domain level detector of Giannoulis, Massberg and
// Reiss, "Digital Dynamic Range Compressor Design — A Tutorial and Analysis"
// (JAES 2012). Real-time safe; no allocation.
#pragma once
#include <cstddef>
#include <cstdint>

namespace simvx::dynamics {

// exp(-1 / (time · rate)): the pole of a one-pole smoother whose step response
// reaches 1 − 1/e of its change after `ms` milliseconds.
double time_coefficient(double ms, uint32_t sample_rate) noexcept;

// The static curve (paper, eq. 4) as a gain reduction: the dB by which a
// steady level x is lowered. Output level y = x − reduction_db(x):
//   y = x                                      below T − W/2
//   y = x + (1/R − 1)(x − T + W/2)² / (2W)     inside the knee
//   y = T + (x − T)/R                          above T + W/2
// An infinite ratio (slope −1) is the limiter's curve.
class SoftKnee {
public:
    SoftKnee() noexcept { set(0.0, 1.0, 0.0); }
    void set(double threshold_db, double ratio, double knee_db) noexcept;

    // The same curve in a branch-free form, inline so per-sample loops
    // vectorize: with d = clamp(x − T + W/2, 0, W),
    //   reduction = −slope · (d²/(2W) + max(x − T − W/2, 0)).
    // (Each select only clamps a value it compares, so GCC cannot sink a
    // computation into a branch, which would stop the vectorizer.)
    // Below the knee d = 0; inside it the second term is 0; above it
    // d²/(2W) = W/2 and the sum is x − T. A NaN level gives NaN.
    float reduction_db(float level_db) const noexcept {
        const float over = level_db - threshold_;
        float d = over + half_knee_;
        d = d < 0.0f ? 0.0f : d;
        d = d > knee_ ? knee_ : d;
        float above = over - half_knee_;
        above = above < 0.0f ? 0.0f : above;
        return -slope_ * (d * d * inv_2knee_ + above);
    }
    // Levels at or below this (linear peak) are never reduced: the knee's start.
    float knee_start_linear() const noexcept { return knee_start_; }

private:
    float threshold_ = 0, knee_ = 0, slope_ = 0;  // slope = 1/R − 1 (≤ 0)
    float half_knee_ = 0, inv_2knee_ = 0, knee_start_ = 1;
};

// Smooths the gain reduction (dB, ≥ 0) computed from the instantaneous peak
// level: the paper's log-domain detector placed after the gain computer, in
// its decoupled form (paper, eq. 19), with one change to the second stage.
//   Stage 1 (release): y1 = max(c, α_R·y1 + (1 − α_R)·c) — rises at once,
//     falls exponentially with the release time; it bridges the gaps between
//     a waveform's peaks, so a steady sine of peak −10 dBFS holds the
//     reduction of a steady level x = −10 (ripple < 0.05 dB at 1 kHz).
//   Stage 2 (attack): y = α_A·y + (1 − α_A)·y1 while y1 > y, else y = y1 —
//     rises exponentially with the attack time, follows stage 1 down directly
//     (the paper's smoothing stage would add the attack time to the release).
// Time constants, as the tests measure them: after a step of the input's peak
// level, the reduction in dB reaches 1 − 1/e of its change after attack_ms
// (rising) or release_ms (falling).
class GainDetector {
public:
    void set_times(double attack_ms, double release_ms, uint32_t sample_rate) noexcept;
    void reset() noexcept { y1_ = y_ = 0.0; }

    // Takes the instantaneous reduction (dB), returns the smoothed one.
    float next(float reduction_db) noexcept {
        return step(reduction_db, y1_, y_, attack_, release_);
    }
    // next() over a block, in place: reduction[i] (dB) becomes the smoothed
    // reduction. State and coefficients stay in registers for the loop: it
    // is the one serial part of the compressor.
    void process(float* reduction, size_t n) noexcept {
        double y1 = y1_, y = y_;
        const double attack = attack_, release = release_;
        for (size_t i = 0; i < n; ++i) reduction[i] = step(reduction[i], y1, y, attack, release);
        y1_ = y1;
        y_ = y;
    }
    // Resets itself if the state went non-finite; call once per block.
    void sanitize() noexcept;

private:
    // The state stays in double: with a long release (5000 ms at 192 kHz, a
    // pole of 1 − 1.04e-6) the per-sample change is only ~17 float ulps, and
    // float rounding would distort the time constant.
    static float step(float reduction_db, double& y1, double& y, double attack, double release) noexcept {
        const double c = reduction_db;
        const double r = release * y1 + (1.0 - release) * c;
        y1 = c > r ? c : r;
        // y = y1 > y ? a : y1, branch-free: a lies between y and y1, so it
        // is below y1 exactly when y1 > y (up to rounding in the last bit).
        const double a = attack * y + (1.0 - attack) * y1;
        y = a < y1 ? a : y1;
        if (y < 1e-6) y = 0.0;  // unity gain again once the release is inaudible
        return static_cast<float>(y);
    }

    double attack_ = 0.0, release_ = 0.0;
    double y1_ = 0.0, y_ = 0.0;
};

}  // namespace simvx::dynamics
