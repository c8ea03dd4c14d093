// Pan laws: a run of positions (what an automated voice mixes by) gives the
// same bits as the positions one at a time, for both laws.
#include "dsp/pan.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace simvx {
namespace {

std::vector<double> positions() {
    std::vector<double> p = {-1.0, -0.0, 0.0, 1.0, -1e-300, 1e-300, -0.5, 0.5, 0.25, -0.999999999, 0.999999999};
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (int i = 0; i < 2000; ++i) p.push_back(u(rng));
    return p;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(Pan, ARunGivesTheSameBitsAsEachPosition) {
    const std::vector<double> p = positions();
    for (PanLaw law : {PanLaw::balance, PanLaw::constant_power}) {
        std::vector<float> left(p.size()), right(p.size());
        pan_gains(law, p.data(), left.data(), right.data(), p.size());
        for (size_t i = 0; i < p.size(); ++i) {
            const StereoGain one = pan_gains(law, p[i]);
            EXPECT_TRUE(same_bits(left[i], one.left)) << "pan " << p[i] << ": " << left[i] << " vs " << one.left;
            EXPECT_TRUE(same_bits(right[i], one.right)) << "pan " << p[i] << ": " << right[i] << " vs " << one.right;
        }
    }
}

TEST(Pan, TheBalanceLawLeavesTheCentreAndCutsTheOtherSide) {
    const double p[] = {0.0, 0.5, -0.5, 1.0};
    float left[4], right[4];
    pan_gains(PanLaw::balance, p, left, right, 4);
    EXPECT_EQ(left[0], 1.0f);
    EXPECT_EQ(right[0], 1.0f);
    EXPECT_EQ(left[1], 0.5f);
    EXPECT_EQ(right[1], 1.0f);
    EXPECT_EQ(left[2], 1.0f);
    EXPECT_EQ(right[2], 0.5f);
    EXPECT_EQ(left[3], 0.0f);
    EXPECT_EQ(right[3], 1.0f);
}

}  // namespace
}  // namespace simvx
