#include "app/measure/loudness_meter.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace simvx {
namespace {
double db(double amplitude) { return amplitude > 0 ? 20.0 * std::log10(amplitude) : -INFINITY; }

// EBU Tech 3342: short-term values above -70 LUFS, then above 20 LU under
// their power mean; the spread between the 10th and 95th percentiles.
double loudness_range(std::vector<double> st) {
    std::erase_if(st, [](double l) { return !(l > -70.0); });
    if (st.empty()) return 0;
    double power = 0;
    for (double l : st) power += std::pow(10.0, l / 10);
    const double gate = 10 * std::log10(power / static_cast<double>(st.size())) - 20.0;
    std::erase_if(st, [gate](double l) { return l < gate; });
    if (st.empty()) return 0;
    std::sort(st.begin(), st.end());
    // Nearest rank (as ffmpeg counts it): the k-th smallest, k = round(n·p), at least the first.
    const auto at = [&](double p) {
        const auto k = static_cast<size_t>(static_cast<double>(st.size()) * p + 0.5);
        return st[std::min(st.size(), std::max<size_t>(k, 1)) - 1];
    };
    return at(0.95) - at(0.10);
}
}  // namespace

LoudnessMeter::LoudnessMeter(uint32_t channels, uint32_t rate)
    : state_(ebur128_init(channels, rate, EBUR128_MODE_I | EBUR128_MODE_S | EBUR128_MODE_TRUE_PEAK)),
      channels_(channels),
      hop_(rate / 10),
      shortterm_max_(-INFINITY) {
    if (!state_) throw std::runtime_error("libebur128 could not start a meter");
}

LoudnessMeter::~LoudnessMeter() { ebur128_destroy(&state_); }

void LoudnessMeter::add(const float* x, size_t frames) {
    const size_t samples = frames * channels_;
    for (size_t i = 0; i < samples; ++i) {
        const float a = std::fabs(x[i]);
        peak_ = std::max(peak_, a);
        clipped_ += a > 1.0f;
    }
    frames_ += frames;
    // In pieces that end on the 100 ms grid, so the short-term maximum sees every hop.
    while (frames) {
        const size_t n = std::min(frames, hop_ - since_hop_);
        feed(x, n);
        x += n * channels_;
        frames -= n;
        since_hop_ += n;
        if (since_hop_ == hop_) {
            since_hop_ = 0;
            double st = -INFINITY;
            // The first full 3 s window is the first short-term value (as meters show it).
            if (frames_ - frames >= hop_ * 30 && ebur128_loudness_shortterm(state_, &st) == EBUR128_SUCCESS) {
                shortterm_max_ = std::max(shortterm_max_, st);
                shortterm_.push_back(st);
            }
        }
    }
}

void LoudnessMeter::feed(const float* x, size_t frames) {
    if (frames) ebur128_add_frames_float(state_, x, frames);
}

LoudnessStats LoudnessMeter::stats() const {
    LoudnessStats s;
    s.sample_peak_db = db(peak_);
    double tp = 0;
    for (uint32_t c = 0; c < channels_; ++c) {
        double v = 0;
        if (ebur128_true_peak(state_, c, &v) == EBUR128_SUCCESS) tp = std::max(tp, v);
    }
    s.true_peak_db = db(tp);
    if (ebur128_loudness_global(state_, &s.integrated_lufs) != EBUR128_SUCCESS) s.integrated_lufs = -INFINITY;
    s.range_lu = loudness_range(shortterm_);
    s.shortterm_max_lufs = shortterm_max_;
    s.clipped = clipped_;
    s.frames = frames_;
    return s;
}

}  // namespace simvx
