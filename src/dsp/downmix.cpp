#include "dsp/downmix.hpp"

#include <cmath>

#include "core/speakers.hpp"

namespace simvx {

namespace {
const float kMinus3Db = static_cast<float>(1.0 / std::sqrt(2.0));
}  // namespace

std::vector<uint32_t> channel_speakers(uint32_t channels, uint32_t mask) {
    if (mask == 0) mask = speaker::default_mask(channels);
    std::vector<uint32_t> out(channels);
    for (uint32_t c = 0; c < channels; ++c) out[c] = speaker::speaker_of(mask, c);
    return out;
}

DownmixMatrix stereo_downmix(uint32_t channels, uint32_t mask) {
    const float h = kMinus3Db;
    DownmixMatrix m;
    m.left.assign(channels, 0.0f);
    m.right.assign(channels, 0.0f);
    const std::vector<uint32_t> speakers = channel_speakers(channels, mask);
    for (uint32_t c = 0; c < channels; ++c) {
        const uint32_t spk = speakers[c];
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

SpeakerMatrix speaker_matrix(uint32_t in_channels, uint32_t in_mask, uint32_t out_channels) {
    SpeakerMatrix m{in_channels, out_channels, std::vector<float>(size_t{in_channels} * out_channels, 0.0f)};
    if (out_channels == 2) {
        const DownmixMatrix d = stereo_downmix(in_channels, in_mask);
        for (uint32_t i = 0; i < in_channels; ++i) {
            m.gain[i] = d.left[i];
            m.gain[in_channels + i] = d.right[i];
        }
        return m;
    }
    const std::vector<uint32_t> outs = channel_speakers(out_channels, 0);
    const uint32_t out_mask = speaker::default_mask(out_channels);
    auto put = [&](uint32_t speaker_bit, uint32_t i, float g) {
        for (uint32_t o = 0; o < out_channels; ++o)
            if (outs[o] == speaker_bit) m.gain[o * in_channels + i] = g;
    };
    const std::vector<uint32_t> ins = channel_speakers(in_channels, in_mask);
    for (uint32_t i = 0; i < in_channels; ++i) {
        using namespace speaker;
        const uint32_t spk = ins[i];
        if (spk && (out_mask & spk)) {
            put(spk, i, 1.0f);
        } else if (spk == SL || spk == SR) {
            put(spk == SL ? BL : BR, i, 1.0f);
        } else if (spk == BL || spk == BR) {
            put(spk == BL ? SL : SR, i, 1.0f);
        } else if (spk == BC) {
            put(BL, i, kMinus3Db);
            put(BR, i, kMinus3Db);
        } else if (spk == FLC || spk == FRC) {
            put(spk == FLC ? FL : FR, i, 1.0f);
        } else if (spk != LFE) {  // FC on quad, and channels without a speaker
            put(FL, i, kMinus3Db);
            put(FR, i, kMinus3Db);
        }
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
