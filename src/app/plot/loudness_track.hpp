// The output's loudness over time for --plot: the short-term loudness (3 s
// window, EBU R 128) and the true peak of every 100 ms, and the integrated
// loudness for the title, from one libebur128 state (true peak is most of
// the cost, so it is computed once). Its histogram mode keeps memory bounded
// and puts the integrated value within 0.05 LU of --stats' finer histogram
// (loudness_meter.hpp). Bounded memory (halving_series.hpp); fed in order
// from one (non-audio) thread.
#pragma once
#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

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
    double integrated_lufs() const;  // -inf: nothing above the gate

private:
    void end_hop();

    ebur128_state* state_;
    uint32_t channels_;
    size_t hop_;
    size_t in_hop_ = 0;
    double hop_peak_ = 0;
    HalvingSeries<LevelCell> shortterm_, true_peak_;
};

}  // namespace simvx
