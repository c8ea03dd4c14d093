// The true-peak meter's convolution in every vector width this CPU runs:
// each output the same to the bit as the plain loop's (the same multiplies
// and adds in the same order; the build has -ffp-contract=off), so --stats
// and --normalize read the same on every machine. Sizes cover each width's
// whole steps, its remainders and the one-at-a-time tail.
#include "dsp/true_peak_convolve.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace simvx {
namespace {

std::vector<float> noise(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

TEST(TruePeakConvolve, EveryWidthGivesThePlainLoopsBits) {
    const auto kernels = convolve_taps_kernels();
    ASSERT_FALSE(kernels.empty());
    std::string names;
    for (const auto& k : kernels) names += std::string(k.isa) + " ";
    std::printf("convolution kernels on this CPU: %s\n", names.c_str());
    for (const uint32_t taps : {4u, 96u}) {
        const std::vector<float> h = noise(taps, 7);
        for (const size_t points : {size_t{0}, size_t{1}, size_t{3}, size_t{15}, size_t{16}, size_t{17}, size_t{31},
                                    size_t{33}, size_t{63}, size_t{64}, size_t{65}, size_t{100}, size_t{512}}) {
            const std::vector<float> x = noise(points + taps, static_cast<uint32_t>(points));
            std::vector<float> want(points);
            for (size_t i = 0; i < points; ++i) {
                float sum = 0;
                for (uint32_t k = 0; k < taps; ++k) sum += h[k] * x[i + k];
                want[i] = sum;
            }
            for (const auto& k : kernels) {
                std::vector<float> got(points + 1, 42.0f);  // and nothing written past the end
                k.run(x.data(), h.data(), taps, got.data(), points);
                EXPECT_TRUE(points == 0 || std::memcmp(got.data(), want.data(), points * sizeof(float)) == 0)
                    << k.isa << ", " << taps << " taps, " << points << " points";
                EXPECT_EQ(got[points], 42.0f) << k.isa;
            }
        }
    }
}

}  // namespace
}  // namespace simvx
