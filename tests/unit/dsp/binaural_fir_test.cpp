// The binaural FIR against a direct double-precision convolution: blocks of
// any size (one frame, across its internal chunks, many chunks) give the same
// output as one long convolution, and a change of filters is the per-sample
// linear crossfade of the two filters' outputs across the block.
#include "dsp/binaural_fir.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace simvx {
namespace {

std::vector<float> random_values(size_t n, uint32_t seed, float scale) {
    std::vector<float> v(n);
    for (float& x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = scale * (static_cast<float>(seed >> 8) / 8388608.0f - 1.0f);
    }
    return v;
}

// y[t] of `h` (taps coefficients) over the whole input.
double convolve_at(const std::vector<float>& x, const float* h, size_t taps, size_t t) {
    double y = 0;
    for (size_t k = 0; k < taps && k <= t; ++k) y += double(h[k]) * x[t - k];
    return y;
}

TEST(BinauralFir, AnyBlockSizesGiveTheOneLongConvolution) {
    const size_t taps = 560;
    const auto x = random_values(5000, 1, 0.5f);
    const auto h = random_values(2 * taps, 2, 0.1f);
    BinauralFir fir(taps);
    std::vector<float> out(2 * x.size());
    const size_t blocks[] = {1, 7, 128, 129, 300, 1000, 3435};
    size_t at = 0;
    for (size_t n : blocks) {
        fir.process(x.data() + at, n, h.data(), h.data(), out.data() + 2 * at, {0, n});
        at += n;
    }
    ASSERT_EQ(at, x.size());
    double worst = 0;
    for (size_t t = 0; t < x.size(); ++t) {
        worst = std::max(worst, std::fabs(out[2 * t] - convolve_at(x, h.data(), taps, t)));
        worst = std::max(worst, std::fabs(out[2 * t + 1] - convolve_at(x, h.data() + taps, taps, t)));
    }
    EXPECT_LT(worst, 1e-5);
}

TEST(BinauralFir, PushedInputIsHistoryForTheNextBlock) {
    // A block not heard (a virtual voice's) only pushed; the next one's
    // outputs are those of the one long convolution. Short pushes and a long one.
    const size_t taps = 300;
    const auto x = random_values(3000, 6, 0.5f);
    const auto h = random_values(2 * taps, 7, 0.1f);
    BinauralFir fir(taps);
    std::vector<float> out(2 * x.size());
    fir.process(x.data(), 500, h.data(), h.data(), out.data(), {0, 500});
    fir.push(x.data() + 500, 100);
    fir.push(x.data() + 600, 100);
    fir.process(x.data() + 700, 300, h.data(), h.data(), out.data() + 2 * 700, {0, 300});
    fir.push(x.data() + 1000, 1000);
    fir.process(x.data() + 2000, 1000, h.data(), h.data(), out.data() + 2 * 2000, {0, 1000});
    double worst = 0;
    for (size_t t : {700u, 850u, 999u, 2000u, 2150u, 2999u})
        for (size_t ear = 0; ear < 2; ++ear)
            worst = std::max(worst, std::fabs(out[2 * t + ear] - convolve_at(x, h.data() + ear * taps, taps, t)));
    EXPECT_LT(worst, 1e-5);
}

TEST(BinauralFir, ANewPairIsCrossfadedAcrossTheBlock) {
    const size_t taps = 64, n = 1000;
    const auto x = random_values(2 * n, 3, 0.5f);
    const auto a = random_values(2 * taps, 4, 0.2f), b = random_values(2 * taps, 5, 0.2f);
    BinauralFir fir(taps);
    std::vector<float> out(4 * n);
    fir.process(x.data(), n, a.data(), a.data(), out.data(), {0, n});
    // The second block in two pieces, its fade spanning both.
    fir.process(x.data() + n, 300, a.data(), b.data(), out.data() + 2 * n, {0, n});
    fir.process(x.data() + n + 300, n - 300, a.data(), b.data(), out.data() + 2 * (n + 300), {300, n});
    double worst = 0;
    for (size_t j = 0; j < n; ++j) {
        const size_t t = n + j;
        const double w = double(j + 1) / n;
        for (size_t ear = 0; ear < 2; ++ear) {
            const double want = (1 - w) * convolve_at(x, a.data() + ear * taps, taps, t) + w * convolve_at(x, b.data() + ear * taps, taps, t);
            worst = std::max(worst, std::fabs(out[2 * t + ear] - want));
        }
    }
    EXPECT_LT(worst, 1e-5);
}

}  // namespace
}  // namespace simvx
