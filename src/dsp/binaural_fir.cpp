#include "dsp/binaural_fir.hpp"

#include <algorithm>
#include <cstring>

#include "dsp/true_peak_convolve.hpp"

namespace simvx {

BinauralFir::BinauralFir(size_t taps)
    : taps_(std::max<size_t>(taps, 1)),
      history_(taps_ - 1 + kChunk, 0.0f),
      reversed_(4 * taps_, 0.0f),
      convolve_(convolve_taps_kernels().front().run) {}

// The kernel correlates (g[i] = sum_k h[k] x[i + k]): each ear's filter goes
// in last tap first, so that it convolves.
void BinauralFir::reverse_into(const float* pair, float* dst) const noexcept {
    for (size_t ear = 0; ear < 2; ++ear)
        std::reverse_copy(pair + ear * taps_, pair + (ear + 1) * taps_, dst + ear * taps_);
}

void BinauralFir::push(const float* in, size_t frames) noexcept {
    const size_t keep = taps_ - 1;
    float* buf = history_.data();
    if (frames >= keep) {
        std::memcpy(buf, in + frames - keep, keep * sizeof(float));
        return;
    }
    std::memmove(buf, buf + frames, (keep - frames) * sizeof(float));
    std::memcpy(buf + keep - frames, in, frames * sizeof(float));
}

void BinauralFir::process(const float* in, size_t frames, const float* from, const float* to, float* out, Fade fade) noexcept {
    float* buf = history_.data();
    const size_t keep = taps_ - 1;
    const auto taps = static_cast<uint32_t>(taps_);
    const bool fading = from != to;
    reverse_into(from, reversed_.data());
    if (fading) reverse_into(to, reversed_.data() + 2 * taps_);
    const float* h = reversed_.data();
    const float inv = 1.0f / static_cast<float>(std::max<size_t>(fade.length, 1));
    for (size_t done = 0; done < frames;) {
        const size_t n = std::min(kChunk, frames - done);
        std::memcpy(buf + keep, in + done, n * sizeof(float));
        if (!fading) {
            float y[2][kChunk];
            for (size_t p = 0; p < 2; ++p) convolve_(buf, h + p * taps_, taps, y[p], n);
            for (size_t j = 0; j < n; ++j) {
                out[2 * (done + j)] = y[0][j];
                out[2 * (done + j) + 1] = y[1][j];
            }
        } else {
            float y[4][kChunk];
            for (size_t p = 0; p < 4; ++p) convolve_(buf, h + p * taps_, taps, y[p], n);
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
