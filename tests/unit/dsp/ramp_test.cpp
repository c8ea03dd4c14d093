// The gain ramp every engine gain passes through: exact arrival, linear
// path, and non-finite gains stopped as silence.
#include "dsp/ramp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace simvx {
namespace {

TEST(GainRamp, MovesLinearlyAndArrivesExactly) {
    GainRamp g(0.0f, 4);
    g.set_target(1.0f);
    EXPECT_FLOAT_EQ(g.next(), 0.25f);
    EXPECT_FLOAT_EQ(g.next(), 0.5f);
    EXPECT_FLOAT_EQ(g.next(), 0.75f);
    EXPECT_EQ(g.next(), 1.0f);
    EXPECT_FALSE(g.ramping());
}

// fill() is n calls of next(), to the bit, however the frames are cut:
// across a ramp's end, from a standing start, and while still.
TEST(GainRamp, FillGivesWhatNextGives) {
    for (size_t piece : {1, 3, 7, 100, 1000}) {
        GainRamp a(0.3f, 37), b(0.3f, 37);
        std::vector<float> want, got;
        for (int round = 0; round < 3; ++round) {
            a.set_target(round == 1 ? 0.3f : 0.9f - 0.2f * static_cast<float>(round));
            b.set_target(a.target());
            for (int i = 0; i < 60; ++i) want.push_back(a.next());
            for (size_t done = 0; done < 60; done += piece) {
                const size_t n = std::min<size_t>(piece, 60 - done);
                got.resize(got.size() + n);
                b.fill(got.data() + got.size() - n, n);
            }
            EXPECT_EQ(a.ramping(), b.ramping());
            EXPECT_EQ(a.value(), b.value());
        }
        EXPECT_EQ(got, want) << "pieces of " << piece;
    }
}

TEST(GainRamp, NonFiniteGainsBecomeSilence) {
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity()}) {
        GainRamp g(bad, 4);
        EXPECT_EQ(g.value(), 0.0f);
        GainRamp h(1.0f, 4);
        h.set_target(bad);
        for (int i = 0; i < 4; ++i) EXPECT_TRUE(std::isfinite(h.next()));
        EXPECT_EQ(h.value(), 0.0f);
        h.reset(bad);
        EXPECT_EQ(h.value(), 0.0f);
    }
}

}  // namespace
}  // namespace simvx
