// A send into another bus, the one piece the engine's bus sends and a
// voice's own sends both mix through: a fixed gain, or its volume_db
// automation's gain at every frame (filled a run at a time). Real-time safe.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/gain.hpp"
#include "dsp/envelope.hpp"

namespace simvx {

// Adds `frames` frames of `channels` interleaved channels of `src` into `dst`
// at `gain`, times the automation's value at its frames t0, t0 + 1... when
// there is one.
inline void mix_send(float* dst, const float* src, size_t frames, uint32_t channels, float gain,
                     EnvelopeCursor* automation, uint64_t t0) noexcept {
    if (!automation) {
        for (size_t k = 0; k < channels * frames; ++k) dst[k] += src[k] * gain;
        return;
    }
    float gains[EnvelopeCursor::kFillRun];
    for (size_t base = 0; base < frames; base += EnvelopeCursor::kFillRun) {
        const size_t n = std::min(EnvelopeCursor::kFillRun, frames - base);
        automation->fill_gains(gains, t0 + base, n);
        float* d = dst + channels * base;
        const float* s = src + channels * base;
        if (channels == 2) {  // the stereo buses: the compiler sees the pair
            for (size_t k = 0; k < n; ++k) {
                const float g = gain * gains[k];
                d[2 * k] += s[2 * k] * g;
                d[2 * k + 1] += s[2 * k + 1] * g;
            }
            continue;
        }
        for (size_t k = 0; k < n; ++k) {
            const float g = gain * gains[k];
            for (uint32_t c = 0; c < channels; ++c) d[channels * k + c] += s[channels * k + c] * g;
        }
    }
}

}  // namespace simvx
