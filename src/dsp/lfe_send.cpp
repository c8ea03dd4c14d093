#include "dsp/lfe_send.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace simvx {

LfeSend::LfeSend(uint32_t channels, uint32_t rate, float gain, double cutoff_hz, uint32_t max_block)
    : channels_(channels), gain_(gain), sum_(max_block) {
    if (!has_lfe(channels))
        throw std::invalid_argument("an LFE send needs 6 or 8 channels, not " + std::to_string(channels));
    const BiquadCoeffs butterworth = design_biquad({FilterShape::lowpass, cutoff_hz, 0.7071067811865476, 0.0}, rate);
    for (Biquad& s : stages_) {
        s.set_channels(1);
        s.set(butterworth);
    }
}

void LfeSend::reset() noexcept {
    for (Biquad& s : stages_) s.reset();
}

void LfeSend::process(float* audio, size_t frames) noexcept {
    for (size_t done = 0; done < frames;) {
        const size_t n = std::min(sum_.size(), frames - done);
        float* x = audio + done * channels_;
        for (size_t i = 0; i < n; ++i) {
            float s = 0;
            for (uint32_t c = 0; c < channels_; ++c)
                if (c != kLfeChannel) s += x[i * channels_ + c];
            sum_[i] = s;
        }
        for (Biquad& s : stages_) s.process(sum_.data(), n);
        for (size_t i = 0; i < n; ++i) x[i * channels_ + kLfeChannel] += sum_[i] * gain_;
        done += n;
    }
}

}  // namespace simvx
