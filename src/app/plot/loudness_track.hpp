// The output's loudness over time for --plot: the short-term loudness (3 s
// window, EBU R 128) and the true peak of every 100 ms, through libebur128
// (the loudness meter of --stats is used through its public API only, for
// the integrated loudness of the title, so both say the same). Bounded
// memory (halving_series.hpp); fed in order from one (non-audio) thread.
#pragma once
#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "app/measure/loudness_meter.hpp"
#include "app/plot/halving_series.hpp"

namespace simvx {

// The largest value over a stretch (-inf: silence).
struct LevelCell {
    float db = -INFINITY;
    void merge(const LevelCell& o) { db = std::max(db, o.db); }
};

class LoudnessTrack {
public:
    static constexpr size_t kCells = 4096;

    LoudnessTrack(uint32_t channels, uint32_t rate);
    ~LoudnessTrack();
    LoudnessTrack(const LoudnessTrack&) = delete;
    LoudnessTrack& operator=(const LoudnessTrack&) = delete;

    void add(const float* interleaved, size_t frames);

    // Cell i: the 100 ms hop of frames [i·hop, (i+1)·hop) (merged as the signal grows).
    const HalvingSeries<LevelCell>& shortterm() const noexcept { return shortterm_; }  // LUFS at the hop's end
    const HalvingSeries<LevelCell>& true_peak() const noexcept { return true_peak_; }  // dBTP within the hop
    double integrated_lufs() const { return meter_.stats().integrated_lufs; }

private:
    void end_hop();

    ebur128_state* state_;
    uint32_t channels_;
    size_t hop_;
    size_t in_hop_ = 0;
    double hop_peak_ = 0;
    HalvingSeries<LevelCell> shortterm_, true_peak_;
    LoudnessMeter meter_;
};

}  // namespace simvx
