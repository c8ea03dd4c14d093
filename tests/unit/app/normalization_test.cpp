// --normalize's arithmetic: the gain on target, held at the ceiling, or none
// for silence, and what the output then measures.
#include "app/measure/normalization.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

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
                             "peak would be +3.00 dBTP, above --true-peak-max -1 dBTP (--normalize-limit limits the "
                             "peaks instead)");
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

// --normalize-limit against a model of a limited render: each dB of gain
// past where the peaks meet the limiter's ceiling costs 0.4 LU, and the
// limiter's 4x grid lets 0.05 dB through. The plan raises the gain until the
// loudness is on the target and lowers the limiter's ceiling until the peak
// is under the real one.
TEST(Normalization, TheLimiterPlanLandsOnTheTargetUnderTheCeiling) {
    const OutputLoudness first{.integrated_lufs = -20, .true_peak_db = -3};
    const Normalization held = plan_normalization(-14, -1, first);
    int calls = 0;
    const auto n = plan_limited_normalization(held, [&](double gain, double ceiling) -> std::optional<LimitedPass> {
        ++calls;
        const double over = std::max(0.0, first.true_peak_db + gain - ceiling);
        return LimitedPass{{first.integrated_lufs + gain - 0.4 * over, std::min(first.true_peak_db + gain, ceiling + 0.05)},
                           over};
    });
    ASSERT_TRUE(n);
    EXPECT_EQ(n->outcome, Normalization::Outcome::limited);
    EXPECT_NEAR(n->output().integrated_lufs, -14, kLimitedTolerance);
    EXPECT_LE(n->output().true_peak_db, -1);
    EXPECT_NEAR(*n->limiter_ceiling_db, -1.08, 1e-9);
    EXPECT_GT(n->gain_db, 6);
    EXPECT_EQ(n->passes, calls + 1);
    EXPECT_LE(calls, 5);
    EXPECT_EQ(n->shortfall(), "");
    EXPECT_NE(n->describe().find("limited by up to"), std::string::npos) << n->describe();
    // A plan on target needs no limiter, and an interruption stops the passes.
    const Normalization easy = plan_normalization(-16, -1, {.integrated_lufs = -23.5, .true_peak_db = -9});
    EXPECT_FALSE(plan_limited_normalization(easy, [](double, double) -> std::optional<LimitedPass> {
                     ADD_FAILURE();
                     return std::nullopt;
                 })->limiter_ceiling_db);
    EXPECT_FALSE(plan_limited_normalization(held, [](double, double) { return std::optional<LimitedPass>(); }));
}

}  // namespace
}  // namespace simvx
