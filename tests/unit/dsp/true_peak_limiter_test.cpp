// The true-peak limiter: what stays under the ceiling passes unchanged,
// only delayed; what would pass it comes out with its true peak (the exact
// meter's) at the ceiling, the gain falling before each peak and recovering
// after it; and the output does not depend on how the input is cut into blocks.
#include "dsp/true_peak_limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "dsp/true_peak.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;
constexpr double kPi = std::numbers::pi;

double db(double a) { return 20 * std::log10(a); }

// Stereo: a 220 Hz tone at `tone` peak, with a decaying 3 kHz "hit" of
// `hit` peak every 0.25 s, the right channel a little different.
std::vector<float> tone_with_hits(double seconds, double tone, double hit) {
    const auto n = static_cast<size_t>(seconds * kRate);
    std::vector<float> x(2 * n);
    for (size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / kRate, since = std::fmod(t, 0.25);
        const double h = hit * std::exp(-since * 60) * std::sin(2 * kPi * 3000 * since);
        x[2 * i] = static_cast<float>(tone * std::sin(2 * kPi * 220 * t) + h);
        x[2 * i + 1] = static_cast<float>(tone * std::sin(2 * kPi * 220 * t + 0.3) + 0.8 * h);
    }
    return x;
}

std::vector<float> limited(std::vector<float> x, const TruePeakLimiter::Settings& s, size_t block) {
    TruePeakLimiter l(2, kRate, s);
    for (size_t at = 0; at < x.size() / 2; at += block) l.process(x.data() + 2 * at, std::min(block, x.size() / 2 - at));
    return x;
}

float true_peak(const std::vector<float>& x) {
    TruePeakMeter m(2);
    m.add(x.data(), x.size() / 2);
    return m.peak();
}

TEST(TruePeakLimiter, BelowTheCeilingOnlyDelays) {
    const auto x = tone_with_hits(1, 0.2, 0.3);
    TruePeakLimiter l(2, kRate, {.ceiling_db = -1});
    EXPECT_EQ(l.latency(), 2 * TruePeakLimiter::kHalfTaps + 96u);  // 2 ms at 48 kHz, and the span after the peak
    auto y = x;
    l.process(y.data(), y.size() / 2);
    const size_t d = 2 * l.latency();
    for (size_t i = 0; i < d; ++i) ASSERT_EQ(y[i], 0.0f);
    for (size_t i = d; i < y.size(); ++i) ASSERT_EQ(y[i], x[i - d]) << i;
    EXPECT_EQ(l.max_reduction_db(), 0.0);
}

TEST(TruePeakLimiter, PeaksOverTheCeilingComeOutAtIt) {
    const auto x = tone_with_hits(3, 0.3, 1.6);  // hits up to +5 dBFS over a -10.5 dBFS tone
    const TruePeakLimiter::Settings s{.ceiling_db = -1};
    TruePeakLimiter probe(2, kRate, s);
    const size_t d = 2 * probe.latency();
    const auto y = limited(x, s, 4096);
    const double in = db(true_peak(x)), out = db(true_peak(y));
    std::printf("true peak %.3f dBTP in, %.3f dBTP out (ceiling -1)\n", in, out);
    EXPECT_GT(in, 4.0);
    EXPECT_LE(out, -1.0 + 0.05);  // the 4x grid reads a 3 kHz peak within a few hundredths of a dB
    EXPECT_GT(out, -1.3);
    // Between the hits the tone comes back to its level: 0.24 s after a hit, the release is done.
    for (double t : {0.24, 1.24, 2.24}) {
        const auto i = static_cast<size_t>(t * kRate) * 2;
        EXPECT_NEAR(y[i + d], x[i], 0.02 * 0.3) << t;
    }
    TruePeakLimiter l(2, kRate, s);
    auto z = x;
    l.process(z.data(), z.size() / 2);
    EXPECT_NEAR(l.max_reduction_db(), in - (-1), 0.6);
}

TEST(TruePeakLimiter, TheOutputDoesNotDependOnTheBlocks) {
    const auto x = tone_with_hits(1, 0.5, 1.2);
    const TruePeakLimiter::Settings s{.ceiling_db = -2};
    const auto whole = limited(x, s, x.size());
    for (size_t block : {1, 37, 512}) EXPECT_TRUE(limited(x, s, block) == whole) << block;
}

}  // namespace
}  // namespace simvx
