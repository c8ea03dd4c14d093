// ITU-R BS.1770-4 K-weighting, the filter in front of every loudness
// measurement (EBU R 128): a high shelf (+4 dB above ~1.7 kHz, the head's
// effect) then a ~38 Hz highpass (RLB), each a biquad. The standard gives
// the coefficients at 48 kHz only; they come from analog prototypes, whose
// parameters are recovered from them (as libebur128 does), so any rate gets
// its own bilinear design with the same response (within 0.01 dB below
// 10 kHz, tests/unit/dsp/k_weighting_test.cpp).
//
// KWeightedEnergy filters interleaved blocks and returns the channel-weighted
// sum of squares that BS.1770 averages into loudness; it works in double
// (a 38 Hz highpass in float state drifts by hundredths of a LU on bass),
// in direct form I so each channel's recursion is one multiply-add deep, and
// two channels at a time so their chains run side by side (four, two stereo
// signals, with AVX: feed_pair). No allocation after construction.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/biquad.hpp"

namespace simvx {

struct KWeighting {
    BiquadCoeffs shelf;     // stage 1: the head's high shelf
    BiquadCoeffs highpass;  // stage 2: the revised low-frequency B curve (RLB)
    bool operator==(const KWeighting&) const = default;
};

KWeighting design_k_weighting(double sample_rate) noexcept;

// BS.1770-4's channel weights in libebur128's and ffmpeg's default order:
// L, R, C 1.0, the LFE (the 4th of 6 or more) 0, surrounds 1.41 (7.1's back
// and side pairs both, as ffmpeg's ebur128 weighs them); 4 channels are
// L R Ls Rs and 5 are L R C Ls Rs; channels past the 8th are not weighed.
double bs1770_channel_weight(uint32_t channel, uint32_t channels) noexcept;

class KWeightedEnergy {
public:
    KWeightedEnergy(uint32_t channels, double sample_rate);

    // Filters `frames` interleaved frames, adding each channel's K-weighted
    // samples squared to its running sum (in frame order, so how the input
    // is cut into calls changes no bit of what take() returns).
    void feed(const float* interleaved, size_t frames) noexcept;
    // The sum since the last take() of each channel's weight times its
    // running sum (0 when a NaN or infinity got in), and a fresh start; the
    // filter memory carries on (settled: tiny values zeroed, NaN cleared).
    double take() noexcept;
    // a.feed(xa, frames) and b.feed(xb, frames) at once: two stereo signals
    // fill the four lanes of an AVX register (where the CPU has AVX), for
    // the same bits as two feeds. Any other pair is fed one after the other.
    static void feed_pair(KWeightedEnergy& a, const float* xa, KWeightedEnergy& b, const float* xb,
                          size_t frames) noexcept;
    // feed() then take(): the energy of these frames alone.
    double add(const float* interleaved, size_t frames) noexcept {
        feed(interleaved, frames);
        return take();
    }
    void reset() noexcept;
    const KWeighting& filter() const noexcept { return k_; }

    // One channel's filter memory: the two stages in direct form I.
    struct State {
        double x1 = 0, x2 = 0;  // input
        double y1 = 0, y2 = 0;  // shelf output (highpass input)
        double z1 = 0, z2 = 0;  // highpass output
        double sum = 0;         // of the output squared, since the last take()
    };

private:
    KWeighting k_;
    uint32_t channels_;
    std::vector<uint32_t> weighed_;  // the channels with a nonzero weight
    std::vector<double> weights_;    // theirs, in the same order
    std::vector<State> state_;       // one per weighed channel
};

}  // namespace simvx
