// The gain ramp every engine gain passes through: exact arrival, linear
// path, and non-finite gains stopped as silence.
#include "dsp/ramp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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
