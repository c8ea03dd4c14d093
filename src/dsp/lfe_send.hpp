// The LFE send of a 5.1 or 7.1 output: the sum of the full-range channels,
// low-passed (Linkwitz-Riley, 24 dB per octave: two Butterworth stages, -6 dB
// at the cutoff) and added to the LFE channel at the send's gain, as a bass
// manager's "LFE from mains" feed does. The sum, not the average: a sound in
// one speaker sends its own bass level whatever the layout. Real-time safe.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/realtime.hpp"
#include "dsp/biquad.hpp"

namespace simvx {

class LfeSend {
public:
    // `channels` 6 or 8 (core/speakers.hpp: the LFE is the 4th); `gain`
    // linear; blocks of up to `max_block` frames.
    LfeSend(uint32_t channels, uint32_t rate, float gain, double cutoff_hz, uint32_t max_block);

    // Adds the send into the LFE channel of `frames` interleaved frames.
    void process(float* audio, size_t frames) noexcept SIMVX_REALTIME;
    void reset() noexcept;

    // Where a layout's LFE channel is; none for the layouts without one.
    static constexpr uint32_t kLfeChannel = 3;
    static constexpr bool has_lfe(uint32_t channels) { return channels == 6 || channels == 8; }

private:
    uint32_t channels_;
    float gain_;
    Biquad stages_[2];
    std::vector<float> sum_;
};

}  // namespace simvx
