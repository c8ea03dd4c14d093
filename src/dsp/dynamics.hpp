// Shared pieces of the dynamics effects (compressor, limiter): the soft-knee
// static curve and the log-domain level detector of Giannoulis, Massberg and
// Reiss, "Digital Dynamic Range Compressor Design — A Tutorial and Analysis"
// (JAES 2012). Real-time safe; no allocation.
#pragma once
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

    float reduction_db(float level_db) const noexcept;
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
        const double c = reduction_db;
        const double r = release_ * y1_ + (1.0 - release_) * c;
        y1_ = c > r ? c : r;
        y_ = y1_ > y_ ? attack_ * y_ + (1.0 - attack_) * y1_ : y1_;
        if (y_ < 1e-6) y_ = 0.0;  // unity gain again once the release is inaudible
        return static_cast<float>(y_);
    }
    // Resets itself if the state went non-finite; call once per block.
    void sanitize() noexcept;

private:
    double attack_ = 0.0, release_ = 0.0;
    double y1_ = 0.0, y_ = 0.0;
};

}  // namespace simvx::dynamics
