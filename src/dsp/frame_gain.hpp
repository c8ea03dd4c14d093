// A gain per frame on every channel of interleaved frames: what bus volumes,
// the output's fades, the gain effect's ramp and a linked compressor all do.
#pragma once
#include <cstddef>
#include <cstdint>

namespace simvx {

// Every channel of `frames` frames times the frame's gain from `next()`,
// called once per frame in order.
template <typename Next>
inline void scale_frames(float* audio, size_t frames, uint32_t channels, Next&& next) noexcept {
    if (channels == 2) {  // stereo: the compiler sees the pair
        for (size_t i = 0; i < frames; ++i) {
            const float g = next();
            audio[2 * i] *= g;
            audio[2 * i + 1] *= g;
        }
        return;
    }
    for (size_t i = 0; i < frames; ++i) {
        const float g = next();
        for (uint32_t c = 0; c < channels; ++c) audio[i * channels + c] *= g;
    }
}

// Every channel of `frames` frames times that frame's gain in `gains`.
inline void scale_frames_by(float* __restrict audio, size_t frames, uint32_t channels, const float* __restrict gains) noexcept {
    if (channels == 2) {
        for (size_t i = 0; i < frames; ++i) {
            audio[2 * i] *= gains[i];
            audio[2 * i + 1] *= gains[i];
        }
        return;
    }
    for (size_t i = 0; i < frames; ++i)
        for (uint32_t c = 0; c < channels; ++c) audio[i * channels + c] *= gains[i];
}

}  // namespace simvx
