#include "app/plot/loudness_track.hpp"

#include <algorithm>
#include <cmath>
#include <new>

#include "app/measure/expect.hpp"

namespace simvx {

LoudnessTrack::LoudnessTrack(uint32_t channels, uint32_t rate)
    : state_(ebur128_init(channels, rate, EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_HISTOGRAM | EBUR128_MODE_TRUE_PEAK)),
      channels_(channels),
      hop_(std::max<size_t>(rate / 10, 1)),
      shortterm_(hop_, kCells),
      true_peak_(hop_, kCells) {
    if (!state_) throw std::bad_alloc();
}

LoudnessTrack::~LoudnessTrack() { ebur128_destroy(&state_); }

void LoudnessTrack::add(const float* x, size_t frames) {
    while (frames) {
        const size_t n = std::min(frames, hop_ - in_hop_);
        ebur128_add_frames_float(state_, x, n);
        for (uint32_t c = 0; c < channels_; ++c) {
            double peak = 0;
            ebur128_prev_true_peak(state_, c, &peak);
            hop_peak_ = std::max(hop_peak_, peak);
        }
        x += n * channels_;
        frames -= n;
        if ((in_hop_ += n) == hop_) end_hop();
    }
}

double LoudnessTrack::integrated_lufs() const {
    double lufs = -HUGE_VAL;
    ebur128_loudness_global(state_, &lufs);
    return lufs;
}

void LoudnessTrack::end_hop() {
    double lufs = -HUGE_VAL;
    ebur128_loudness_shortterm(state_, &lufs);
    shortterm_.push({static_cast<float>(lufs)});
    true_peak_.push({static_cast<float>(to_db(hop_peak_))});
    hop_peak_ = 0;
    in_hop_ = 0;
}

}  // namespace simvx
