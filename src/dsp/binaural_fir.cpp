#include "dsp/binaural_fir.hpp"

#include <algorithm>
#include <cstring>

namespace simvx {
namespace {

// Adds to y[j] (j < n) the convolution of the input at buf[taps - 1 + j]
// with both ears' coefficients. The loop over j is innermost: each tap is
// one multiply-add across the chunk, which the vectorizer turns into SIMD
// without reordering any sum (the output is the same on every run).
template <size_t Pairs>
inline void convolve(const float* __restrict buf, size_t taps, const float* const (&h)[Pairs], size_t n,
                     float (&y)[Pairs][BinauralFir::kChunk]) noexcept {
    for (size_t k = 0; k < taps; ++k) {
        const float* __restrict x = buf + (taps - 1 - k);
        for (size_t p = 0; p < Pairs; ++p) {
            const float c = h[p][k];
            float* __restrict acc = y[p];
            for (size_t j = 0; j < n; ++j) acc[j] += c * x[j];
        }
    }
}

}  // namespace

BinauralFir::BinauralFir(size_t taps) : taps_(std::max<size_t>(taps, 1)), history_(taps_ - 1 + kChunk, 0.0f) {}

void BinauralFir::reset() noexcept { std::fill(history_.begin(), history_.end(), 0.0f); }

void BinauralFir::process(const float* in, size_t frames, const float* from, const float* to, float* out, Fade fade) noexcept {
    float* buf = history_.data();
    const size_t keep = taps_ - 1;
    const float inv = 1.0f / static_cast<float>(std::max<size_t>(fade.length, 1));
    for (size_t done = 0; done < frames;) {
        const size_t n = std::min(kChunk, frames - done);
        std::memcpy(buf + keep, in + done, n * sizeof(float));
        if (from == to) {
            float y[2][kChunk] = {};
            const float* const h[2] = {from, from + taps_};
            convolve(buf, taps_, h, n, y);
            for (size_t j = 0; j < n; ++j) {
                out[2 * (done + j)] = y[0][j];
                out[2 * (done + j) + 1] = y[1][j];
            }
        } else {
            float y[4][kChunk] = {};
            const float* const h[4] = {from, from + taps_, to, to + taps_};
            convolve(buf, taps_, h, n, y);
            for (size_t j = 0; j < n; ++j) {
                const float w = std::min(1.0f, static_cast<float>(fade.offset + done + j + 1) * inv);
                out[2 * (done + j)] = y[0][j] + w * (y[2][j] - y[0][j]);
                out[2 * (done + j) + 1] = y[1][j] + w * (y[3][j] - y[1][j]);
            }
        }
        std::memmove(buf, buf + n, keep * sizeof(float));
        done += n;
    }
}

}  // namespace simvx
