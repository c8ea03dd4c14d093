// --normalize's arithmetic: the gain on target, held at the ceiling, or none
// for silence, and what the output then measures.
#include "app/measure/normalization.hpp"

#include <gtest/gtest.h>

namespace simvx {
namespace {

TEST(Normalization, TheGainPutsTheLoudnessOnTheTarget) {
    const Normalization n = plan_normalization(-16, -1, {.integrated_lufs = -23.5, .true_peak_db = -9});
    EXPECT_EQ(n.outcome, Normalization::Outcome::on_target);
    EXPECT_DOUBLE_EQ(n.gain_db, 7.5);
    EXPECT_DOUBLE_EQ(n.output().integrated_lufs, -16);
    EXPECT_DOUBLE_EQ(n.output().true_peak_db, -1.5);
    EXPECT_EQ(n.shortfall(), "");
    EXPECT_EQ(n.describe(), "gain +7.50 dB: -16.00 LUFS, true peak -1.50 dBTP (measured -23.50 LUFS, -9.00 dBTP)");
}

TEST(Normalization, APeakAboveTheCeilingHoldsTheGainThere) {
    const Normalization n = plan_normalization(-14, -1, {.integrated_lufs = -20, .true_peak_db = -3});
    EXPECT_EQ(n.outcome, Normalization::Outcome::held_by_ceiling);
    EXPECT_DOUBLE_EQ(n.gain_db, 2);
    EXPECT_DOUBLE_EQ(n.output().true_peak_db, -1);
    EXPECT_DOUBLE_EQ(n.output().integrated_lufs, -18);
    EXPECT_EQ(n.shortfall(), "--normalize -14: the render reaches -18.00 LUFS, not the target: at -14 LUFS its true "
                             "peak would be +3.00 dBTP, above --true-peak-max -1 dBTP");
}

TEST(Normalization, ALouderRenderIsTurnedDown) {
    const Normalization n = plan_normalization(-23, -1, {.integrated_lufs = -8, .true_peak_db = 0.5});
    EXPECT_EQ(n.outcome, Normalization::Outcome::on_target);
    EXPECT_DOUBLE_EQ(n.gain_db, -15);
}

TEST(Normalization, SilenceIsLeftAsItIs) {
    const Normalization n = plan_normalization(-16, -1, {});
    EXPECT_EQ(n.outcome, Normalization::Outcome::silent);
    EXPECT_EQ(n.gain_db, 0);
    EXPECT_NE(n.shortfall().find("silent"), std::string::npos);
}

}  // namespace
}  // namespace simvx
