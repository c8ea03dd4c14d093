#include "dsp/downmix.hpp"

#include <cmath>

#include "core/speakers.hpp"

namespace simvx {

DownmixMatrix stereo_downmix(uint32_t channels, uint32_t mask) {
    if (mask == 0) mask = speaker::default_mask(channels);
    const float h = static_cast<float>(1.0 / std::sqrt(2.0));
    DownmixMatrix m;
    m.left.assign(channels, 0.0f);
    m.right.assign(channels, 0.0f);
    uint32_t bits = mask;
    for (uint32_t c = 0; c < channels; ++c) {
        // The c-th set bit of the mask is the speaker of channel c.
        uint32_t spk = 0;
        if (bits) {
            spk = bits & (~bits + 1);
            bits &= bits - 1;
        }
        using namespace speaker;
        if (spk == FL || spk == FLC) m.left[c] = 1.0f;
        else if (spk == FR || spk == FRC) m.right[c] = 1.0f;
        else if (spk == BL || spk == SL) m.left[c] = h;
        else if (spk == BR || spk == SR) m.right[c] = h;
        else if (spk == LFE) continue;  // BS.775 leaves the LFE out of the downmix
        else m.left[c] = m.right[c] = h;  // FC, BC and anything unnamed
    }
    return m;
}

void apply_downmix(const DownmixMatrix& m, std::span<const float> in, std::span<float> out) {
    const size_t ch = m.left.size();
    const size_t frames = in.size() / ch;
    for (size_t i = 0; i < frames; ++i) {
        const float* f = &in[i * ch];
        float l = 0.0f, r = 0.0f;
        for (size_t c = 0; c < ch; ++c) {
            l += f[c] * m.left[c];
            r += f[c] * m.right[c];
        }
        out[2 * i] = l;
        out[2 * i + 1] = r;
    }
}

}  // namespace simvx
