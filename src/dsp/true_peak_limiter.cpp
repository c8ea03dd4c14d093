#include "dsp/true_peak_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "dsp/dynamics.hpp"
#include "dsp/kaiser.hpp"

namespace simvx {
namespace {

// Kaiser window, beta 7: with 64 taps, flat to a few hundredths of a dB up to
// 0.9 of Nyquist, where noise and cymbals put inter-sample peaks.
constexpr double kBeta = 7.0;


}  // namespace

TruePeakLimiter::TruePeakLimiter(uint32_t channels, uint32_t rate, const Settings& s)
    : channels_(channels),
      lookahead_(std::max<uint32_t>(1, static_cast<uint32_t>(std::lround(s.lookahead_ms * 1e-3 * rate)))),
      ceiling_(static_cast<float>(std::pow(10.0, s.ceiling_db / 20))),
      release_(dynamics::time_coefficient(s.release_ms, rate)) {
    // Point p + 1 (1..7) lies (p + 1)/8 of a sample after x[kHalfTaps - 1]; tap k weighs x[k].
    for (uint32_t p = 0; p < kPoints; ++p) {
        double sum = 0;
        double row[kTaps];
        for (uint32_t k = 0; k < kTaps; ++k) {
            const double t = static_cast<double>(k) - (kHalfTaps - 1) - (p + 1) / static_cast<double>(kPoints + 1);
            const double r = t / kHalfTaps;
            const double w = kaiser(r, kBeta);
            row[k] = std::sin(std::numbers::pi * t) / (std::numbers::pi * t) * w;
            sum += row[k];
        }
        for (uint32_t k = 0; k < kTaps; ++k) coeff_[p][k] = static_cast<float>(row[k] / sum);  // unity at DC
    }
    history_.assign(static_cast<size_t>(channels_) * 2 * kTaps, 0.0f);
    delay_.assign(static_cast<size_t>(latency()) * channels_, 0.0f);
    min_value_.assign(lookahead_ + 2 * kHold + 2, 0.0f);
    min_index_.assign(lookahead_ + 2 * kHold + 2, 0);
    average_ring_.assign(lookahead_ + 1, 1.0);
    average_sum_ = lookahead_ + 1;
}

float TruePeakLimiter::gap_peak(const float* x) const noexcept {
    float peak = std::max(std::fabs(x[kHalfTaps - 1]), std::fabs(x[kHalfTaps]));
    for (uint32_t p = 0; p < kPoints; ++p) {
        float v = 0;
        for (uint32_t k = 0; k < kTaps; ++k) v += coeff_[p][k] * x[k];
        peak = std::max(peak, std::fabs(v));
    }
    return peak;
}

// One frame in (frame i of the block), the frame latency() earlier out, in its place.
void TruePeakLimiter::step(size_t i, float* io) noexcept {
    float* frame = io + i * channels_;
    // Timing, at input sample j: the newest sample completes the window of
    // the gap after sample j - kHalfTaps; with the gap before it, that gives
    // the need of sample s = j - kHalfTaps. The gain computed at j is at most
    // the needs of samples s - lookahead - 2 kHold .. s - lookahead, around
    // s - lookahead - kHold = j - latency(), which goes out now.
    float peak = 0;
    for (uint32_t c = 0; c < channels_; ++c) {
        float* h = history_.data() + static_cast<size_t>(c) * 2 * kTaps;
        h[history_at_] = h[history_at_ + kTaps] = frame[c];
        peak = std::max(peak, gap_peak(h + history_at_ + 1));
    }
    history_at_ = (history_at_ + 1) % kTaps;
    // What the sample before that gap needs: the gaps on both sides of it under the ceiling.
    const float gap_need = peak > ceiling_ ? ceiling_ / peak : 1.0f;
    const float need = std::min(gap_need, previous_need_);
    previous_need_ = gap_need;
    const uint64_t n = sample_++;
    // Running minimum over the last lookahead + 2 kHold + 1 needs.
    const size_t cap = min_value_.size();
    while (min_size_ && min_value_[(min_head_ + min_size_ - 1) % cap] >= need) --min_size_;
    min_value_[(min_head_ + min_size_) % cap] = need;
    min_index_[(min_head_ + min_size_) % cap] = n;
    ++min_size_;
    while (min_index_[min_head_] + lookahead_ + 2 * kHold < n) {
        min_head_ = (min_head_ + 1) % cap;
        --min_size_;
    }
    const double minimum = min_value_[min_head_];
    released_ = std::min(minimum, 1.0 - release_ * (1.0 - released_));
    // Its moving average over lookahead + 1: at most the needs of the samples
    // lookahead + kHold back and kHold on either side of it.
    average_sum_ += released_ - average_ring_[average_at_];
    average_ring_[average_at_] = released_;
    average_at_ = (average_at_ + 1) % average_ring_.size();
    const double gain = std::min(1.0, average_sum_ / static_cast<double>(average_ring_.size()));
    min_gain_ = std::min(min_gain_, gain);
    // The delay: in goes this frame, out comes the one latency() frames back.
    float* slot = delay_.data() + delay_at_ * channels_;
    for (uint32_t c = 0; c < channels_; ++c) {
        const float out = slot[c];
        slot[c] = frame[c];
        frame[c] = static_cast<float>(out * gain);
    }
    delay_at_ = (delay_at_ + 1) % (delay_.size() / channels_);
}

void TruePeakLimiter::process(float* interleaved, size_t frames) noexcept {
    for (size_t i = 0; i < frames; ++i) step(i, interleaved);
}

double TruePeakLimiter::max_reduction_db() const noexcept { return -20.0 * std::log10(min_gain_); }

}  // namespace simvx
