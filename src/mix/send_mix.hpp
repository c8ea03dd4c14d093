// A send into another bus, the one piece the engine's bus sends and a
// voice's own sends both mix through: a fixed gain, or its volume_db
// automation read per frame. Real-time safe.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/gain.hpp"
#include "dsp/fast_math.hpp"
#include "dsp/envelope.hpp"

namespace simvx {

// Adds `frames` stereo frames of `src` into `dst` at `gain`, times the
// automation's value at its frames t0, t0 + 1... when there is one.
inline void mix_send(float* dst, const float* src, size_t frames, float gain, EnvelopeCursor* automation,
                     uint64_t t0) noexcept {
    if (!automation) {
        for (size_t k = 0; k < 2 * frames; ++k) dst[k] += src[k] * gain;
        return;
    }
    for (size_t k = 0; k < frames; ++k) {
        const float g = gain * fast_db_to_gain(static_cast<float>(automation->at(t0 + k)));
        dst[2 * k] += src[2 * k] * g;
        dst[2 * k + 1] += src[2 * k + 1] * g;
    }
}

}  // namespace simvx
