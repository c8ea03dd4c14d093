// --stats for one signal: sample peak, true peak (dsp/true_peak: exact, where
// libebur128's 4x interpolator reads low), loudness (EBU R 128 on
// dsp/k_weighting: integrated, short-term maximum; the loudness range from
// the short-term values every 100 ms, as EBU Tech 3342 and ffmpeg take them)
// and clipped samples.
// Fed in order from one thread; allocation-free after construction, yet it
// runs on the render's pull thread or a metering thread, never on the live
// audio thread (see bus_meters.hpp).
// Memory is bounded however long the signal: the 400 ms gating blocks (for
// the integrated loudness) and the short-term values (for the range) go into
// histograms of 0.01 LU steps that also sum each step's energy, as ffmpeg's
// ebur128 keeps them, instead of a growing block list (libebur128's
// histogram mode has 0.1 LU steps and moves a steady tone by 0.05 LU).
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "dsp/k_weighting.hpp"
#include "dsp/sample_levels.hpp"
#include "dsp/true_peak.hpp"

namespace simvx {

struct LoudnessStats {
    double sample_peak_db = 0;    // dBFS
    double true_peak_db = 0;      // dBTP (dsp/true_peak.hpp)
    double integrated_lufs = 0;   // -inf: nothing above the absolute gate
    double range_lu = 0;
    double shortterm_max_lufs = 0;
    uint64_t clipped = 0;         // samples with |x| > 1.0
    uint64_t frames = 0;
};

class LoudnessMeter {
public:
    LoudnessMeter(uint32_t channels, uint32_t rate);

    // Returns the block's own sample levels (measured on the way, for
    // BusMeters), their energy only when asked for.
    SampleLevels add(const float* interleaved, size_t frames, bool energy = true);
    // a.add(xa, frames) and b.add(xb, frames) at once, their K-weighting side
    // by side (KWeightedEnergy::feed_pair): the same readings, in less time.
    static std::pair<SampleLevels, SampleLevels> add_pair(LoudnessMeter& a, const float* xa, LoudnessMeter& b,
                                                          const float* xb, size_t frames, bool energy = true);
    LoudnessStats stats() const;

private:
    // Everything but the loudness: the levels, clips and true peak.
    SampleLevels add_levels(const float* interleaved, size_t frames, bool energy);
    // `frames` more K-weighted, fed already: the 100 ms hops they complete.
    void advance(size_t frames);
    double mean_loudness(size_t hops) const;

    KWeightedEnergy k_weighted_;
    TruePeakMeter true_peak_;
    uint32_t channels_;
    size_t hop_;                 // short-term loudness is sampled every 100 ms
    size_t since_hop_ = 0;
    float peak_ = 0;
    uint64_t clipped_ = 0;
    uint64_t frames_ = 0;
    double shortterm_max_;
    // The K-weighted mean square of each of the last 30 hops of 100 ms, a ring.
    static constexpr size_t kHopRing = 30;
    double hop_power_[kHopRing] = {};
    uint64_t hops_ = 0;

    // Loudness values above the absolute gate (-70 LUFS): how many fell in
    // each 0.01 LU step and their summed power, so a relative gate and a mean
    // over what passes it are exact but for the one step the gate falls in.
    struct GatedHistogram {
        GatedHistogram();
        void add(double lufs);
        double gated_mean() const;  // integrated loudness (BS.1770-4), -inf when nothing passed
        double range() const;       // loudness range (EBU Tech 3342), LU
        // The step a gate `lu_below` the power mean of all values falls in; needs n > 0.
        size_t relative_gate_step(double lu_below) const;
        std::vector<uint32_t> counts;
        std::vector<double> power;
        uint64_t n = 0;
        double total_power = 0;
    };
    GatedHistogram blocks_;     // every 100 ms: the last 400 ms (BS.1770 gating blocks)
    GatedHistogram shortterm_;  // every 100 ms once a full 3 s window exists
};

}  // namespace simvx
