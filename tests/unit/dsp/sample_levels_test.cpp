// The vectorized level kernels against plain loops written here: every
// length (the four- and eight-lane bodies and their tails), every kernel
// width this CPU runs, NaN skipped as documented.
#include "dsp/sample_levels.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace simvx {
namespace {

std::vector<float> noise(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0, 0.6f);  // a few samples past full scale
    std::vector<float> x(n);
    for (float& v : x) v = d(rng);
    return x;
}

// NaN is skipped by the peak and the clip count (the energy makes no such
// promise, so it is read on the same samples with the NaN at zero).
TEST(SampleLevels, PeakClipsAndEnergyAreThePlainLoops) {
    for (size_t n = 0; n < 70; ++n) {
        auto clean = noise(n, static_cast<uint32_t>(n));
        if (n > 5) clean[n / 2] = 0;
        auto x = clean;
        if (n > 5) x[n / 2] = NAN;
        float peak = 0;
        uint64_t clipped = 0;
        double energy = 0;
        for (float v : clean) {
            peak = std::max(peak, std::fabs(v));
            clipped += std::fabs(v) > 1.0f;
            energy += static_cast<double>(v) * v;
        }
        const SampleLevels all = sample_levels(clean.data(), n), some = sample_peak_and_clips(x.data(), n);
        EXPECT_EQ(all.peak, peak) << n;
        EXPECT_EQ(all.clipped, clipped) << n;
        EXPECT_NEAR(all.energy, energy, 1e-12 * std::max(1.0, energy)) << n;
        EXPECT_EQ(sample_levels(x.data(), n).peak, peak) << n;
        EXPECT_EQ(some.peak, peak) << n;
        EXPECT_EQ(some.clipped, clipped) << n;
        EXPECT_EQ(some.energy, 0.0) << n;
        EXPECT_EQ(peak_magnitude(x.data(), n), peak) << n;
        for (const LevelKernel& k : level_kernels()) EXPECT_EQ(k.peak(x.data(), n), peak) << k.isa << ", " << n;
    }
}

// A block past full scale: the clip count's own pass.
TEST(SampleLevels, ClipsAreCountedOnlyWhereThePeakPassesFullScale) {
    std::vector<float> x(1000, 0.5f);
    EXPECT_EQ(sample_peak_and_clips(x.data(), x.size()).clipped, 0u);
    x[3] = -1.0f;  // full scale is not past it
    EXPECT_EQ(sample_peak_and_clips(x.data(), x.size()).clipped, 0u);
    x[10] = 1.5f, x[999] = -1.0001f, x[500] = NAN;
    const SampleLevels l = sample_peak_and_clips(x.data(), x.size());
    EXPECT_EQ(l.clipped, 2u);
    EXPECT_EQ(l.peak, 1.5f);
}

// Every length from 0 to 200 with chunks of 16 (the true-peak screen's, four
// chunks folded at a time), of 4 (whole SSE2 vectors, not AVX ones) and of 7
// (no four-lane body at all), NaN here and there; in every kernel width.
TEST(SampleLevels, ChunkPeaksAndBendsAreThePlainLoops) {
    for (const size_t chunk : {size_t{16}, size_t{7}, size_t{4}}) {
        for (size_t n = 0; n <= 200; ++n) {
            auto x = noise(n, static_cast<uint32_t>(1000 + n));
            for (size_t i = 13; i < n; i += 61) x[i] = NAN;
            const size_t chunks = (n + chunk - 1) / chunk;
            const size_t bend_count = n >= 2 ? n - 2 : 0;
            const size_t bend_chunks = (bend_count + chunk - 1) / chunk;
            for (const LevelKernel& kernel : level_kernels()) {
                std::vector<float> peaks(chunks + 1, -1.0f), bends(chunks + 1, -1.0f);
                kernel.chunks(x.data(), n, chunk, peaks.data(), bends.data());
                for (size_t q = 0; q < chunks; ++q) {
                    float p = 0, b = 0;
                    for (size_t k = q * chunk; k < std::min(n, (q + 1) * chunk); ++k) {
                        if (!std::isnan(x[k])) p = std::max(p, std::fabs(x[k]));
                        if (k < bend_count) {
                            const float d = std::fabs((x[k] + x[k + 2]) - (x[k + 1] + x[k + 1]));
                            if (!std::isnan(d)) b = std::max(b, d);
                        }
                    }
                    EXPECT_EQ(peaks[q], p) << kernel.isa << ", chunk " << chunk << ", n " << n << ", q " << q;
                    if (q < bend_chunks) {
                        EXPECT_EQ(bends[q], b) << kernel.isa << ", chunk " << chunk << ", n " << n << ", q " << q;
                    }
                }
                EXPECT_EQ(peaks[chunks], -1.0f) << "written past the last chunk";
                EXPECT_EQ(bends[bend_chunks], -1.0f) << "written past the last chunk of second differences";
            }
        }
    }
}

}  // namespace
}  // namespace simvx
