// Automation envelopes against WebAudio's AudioParam formulas, written out
// here independently: each curve's values, the segment after a target, loops,
// the cursor against value_at at every frame (seeks included), and the
// envelopes WebAudio refuses.
#include "dsp/envelope.hpp"
#include "dsp/fast_math.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace simvx {
namespace {

using C = EnvelopeCurve;

TEST(Envelope, EachCurveFollowsItsFormula) {
    const Envelope step({{0, 1}, {2, 3, C::step}}, false);
    EXPECT_EQ(step.value_at(1.999), 1.0);
    EXPECT_EQ(step.value_at(2.0), 3.0);

    const Envelope linear({{1, -60}, {3, 0, C::linear}}, false);
    EXPECT_EQ(linear.value_at(0.5), -60.0);  // before the first point: its value
    EXPECT_NEAR(linear.value_at(2.5), -60 + 60 * 0.75, 1e-12);
    EXPECT_EQ(linear.value_at(9.0), 0.0);

    const Envelope expo({{0, 100}, {2, 6400, C::exponential}}, false);
    for (double t : {0.0, 0.5, 1.0, 1.7})
        EXPECT_NEAR(expo.value_at(t), 100 * std::pow(64.0, t / 2), 1e-9) << t;

    const Envelope target({{0, 1}, {4, 0, C::target, 0.5}}, false);
    for (double t : {0.0, 0.25, 1.0, 3.9, 6.0})  // a final target keeps approaching after its point
        EXPECT_NEAR(target.value_at(t), std::exp(-t / 0.5), 1e-12) << t;
}

TEST(Envelope, TheSegmentAfterATargetStartsFromTheValueReached) {
    const Envelope e({{0, 0}, {1, 10, C::target, 1.0}, {2, 0, C::linear}}, false);
    const double reached = 10 * (1 - std::exp(-1.0));
    EXPECT_NEAR(e.value_at(1.0), reached, 1e-12);
    EXPECT_NEAR(e.value_at(1.5), reached / 2, 1e-12);
    EXPECT_EQ(e.min(), 0.0);
    EXPECT_EQ(e.max(), 10.0);
}

TEST(Envelope, ALoopRepeatsItsCycle) {
    const Envelope lfo({{0.5, -1}, {1.0, 1}, {1.5, -1}}, true);
    EXPECT_EQ(lfo.value_at(0.25), -1.0);  // before the cycle starts
    for (double t : {0.6, 0.75, 1.2})
        for (int cycle : {0, 1, 7, 1000})
            EXPECT_NEAR(lfo.value_at(t + cycle), lfo.value_at(t), 1e-9) << t << " cycle " << cycle;
    EXPECT_NEAR(lfo.value_at(100.75), 0.0, 1e-9);
}

TEST(Envelope, TheCursorMatchesValueAtOnEveryFrameAndAfterSeeks) {
    const Envelope e({{0, 0}, {0.01, 1, C::linear}, {0.02, 0.25, C::exponential}, {0.03, 2, C::target, 0.004},
                      {0.04, 0, C::step}},
                     true);
    EnvelopeCursor cursor(e, 8000);
    // Along the lines by increments: value_at's to within rounding in double.
    for (uint64_t f = 0; f < 2000; ++f) ASSERT_NEAR(cursor.at(f), e.value_at(static_cast<double>(f) / 8000), 1e-12) << f;
    for (uint64_t f : {1500u, 3u, 999u, 77u, 0u})  // backwards and forwards: computed afresh
        EXPECT_EQ(cursor.at(f), e.value_at(static_cast<double>(f) / 8000)) << f;
    float block[64];
    cursor.fill(block, 100, 64);
    for (size_t i = 0; i < 64; ++i) EXPECT_NEAR(block[i], e.value_at((100.0 + i) / 8000), 1e-6);
}

// Asked every 32 frames, as effect automation asks (and at strides that
// vary), the cursor follows lines and exponential ramps without starting
// afresh: value_at's values, to within rounding in double, across segment
// ends and a loop's wraps.
TEST(Envelope, TheCursorAtAutomationStepsMatchesValueAt) {
    const double rate = 48000;
    const Envelope e({{0, 800}, {10, 9000, C::exponential}, {30, 800, C::exponential}, {31, 400, C::linear},
                      {32, 400, C::step}, {40, 1200, C::linear}},
                     true);
    EnvelopeCursor cursor(e, rate);
    double worst = 0;
    for (uint64_t f = 0, stride = 32; f < static_cast<uint64_t>(rate * 130); f += stride, stride = f % 7 ? 32 : 29) {
        const double want = e.value_at(static_cast<double>(f) / rate);
        const double got = cursor.at(f);
        worst = std::max(worst, std::fabs(got - want) / std::fabs(want));
        ASSERT_NEAR(got, want, 1e-12 * std::fabs(want)) << "frame " << f;
    }
    std::printf("largest relative difference from value_at: %.2g\n", worst);
}

// The cursor follows step and linear segments by increments: every frame of
// every block, however the blocks are cut, across segment ends and a loop's
// wrap, is value_at's to within rounding, and the step lands on its frame.
TEST(Envelope, FillingBlocksFollowsValueAtAcrossSegmentsAndLoops) {
    const double rate = 48000;
    const Envelope e({{0.5, -12}, {1.25, 3, C::linear}, {1.5, 3, C::linear}, {2.0, -20, C::step},
                      {2.75, 6, C::linear}, {3.0, 1, C::exponential}, {3.5, 0, C::target, 0.1},
                      {4.0, -12, C::linear}},
                     true);
    EnvelopeCursor cursor(e, rate);
    const uint64_t total = static_cast<uint64_t>(rate * 9.3);
    std::vector<float> block(4096);
    double worst = 0;
    uint64_t f = 0;
    for (size_t n = 1; f < total; n = n * 7 % 4093 + 1) {
        n = std::min<uint64_t>(n, total - f);
        cursor.fill(block.data(), f, n);
        for (size_t i = 0; i < n; ++i) {
            const double want = e.value_at(static_cast<double>(f + i) / rate);
            worst = std::max(worst, std::fabs(block[i] - want) / std::max(1.0, std::fabs(want)));
            ASSERT_NEAR(block[i], want, 1e-5 * std::max(1.0, std::fabs(want))) << "frame " << f + i;
        }
        f += n;
    }
    EXPECT_LT(worst, 1e-6);  // float rounding of the values themselves
    // The step at 2.0 s (and its repeats every 3.5 s) lands on its frame.
    for (double at : {2.0, 5.5, 9.0}) {
        const auto frame = static_cast<uint64_t>(at * rate);
        cursor.fill(block.data(), frame - 2, 4);
        EXPECT_EQ(block[0], 3.0f) << at;
        EXPECT_EQ(block[1], 3.0f) << at;
        EXPECT_EQ(block[2], -20.0f) << at;
        EXPECT_LT(block[3], -19.99f) << at;  // on the line up from -20
    }
}

// What the per-sample volumes, pans and sends read, a run of frames at a
// time: the same bits as asking at() frame by frame (a second cursor), for
// every curve, across segment ends, a loop's wrap, the hold before the
// first point and after the last, in blocks of every size. The gains are
// the same bits in blocks of every size too (a frame at a time, a second
// cursor), and fast_db_to_gain of those values within 1e-6 (1e-5 dB: on a
// line, a group's gain times the line's step, not each frame's exponential).
TEST(Envelope, FillingIsAtFrameByFrameToTheBit) {
    const double rate = 48000;
    const std::vector<EnvelopePoint> points = {{0.25, -12}, {1.25, 3, C::linear}, {1.5, 3, C::linear},
                                               {2.0, -20, C::step}, {2.75, 6, C::linear}, {3.0, 1, C::exponential},
                                               {3.5, 0, C::target, 0.1}, {4.0, -12, C::linear}};
    for (const bool loop : {true, false}) {
        SCOPED_TRACE(loop ? "looping" : "once");
        EnvelopeCursor filled(Envelope(points, loop), rate), single(Envelope(points, loop), rate);
        EnvelopeCursor gains(Envelope(points, loop), rate), doubles(Envelope(points, loop), rate);
        EnvelopeCursor single_gains(Envelope(points, loop), rate);
        const uint64_t total = static_cast<uint64_t>(rate * 9.3);
        std::vector<float> block(EnvelopeCursor::kFillRun), gain_block(EnvelopeCursor::kFillRun);
        std::vector<double> double_block(EnvelopeCursor::kFillRun);
        uint64_t f = 0;
        size_t mismatches = 0;
        double worst = 0;  // of a gain against fast_db_to_gain of its value, relative
        for (size_t n = 1; f < total; n = n * 5 % EnvelopeCursor::kFillRun + 1) {
            n = std::min<uint64_t>(n, total - f);
            filled.fill(block.data(), f, n);
            doubles.fill(double_block.data(), f, n);
            gains.fill_gains(gain_block.data(), f, n);
            for (size_t i = 0; i < n; ++i) {
                const double want = single.at(f + i);
                mismatches += block[i] != static_cast<float>(want);
                mismatches += double_block[i] != want;
                float alone;
                single_gains.fill_gains(&alone, f + i, 1);
                mismatches += gain_block[i] != alone;
                const double exact = fast_db_to_gain(static_cast<float>(want));
                worst = std::max(worst, std::fabs(gain_block[i] / exact - 1));
            }
            f += n;
        }
        EXPECT_EQ(mismatches, 0u);
        EXPECT_LT(worst, 1e-6);
    }
}

TEST(Envelope, RefusesWhatWebAudioRefuses) {
    auto why = [](std::vector<EnvelopePoint> points, bool loop = false) {
        const auto p = Envelope::problem(points, loop);
        return p ? std::to_string(p->point) + ": " + p->message : std::string();
    };
    EXPECT_EQ(why({{0, 0}, {1, 1, C::exponential}}),
              "1: an exponential ramp from 0 to 1 is impossible: both ends must be non-zero and of the same sign");
    EXPECT_EQ(why({{0, 2}, {1, 2, C::linear}, {2, -1, C::exponential}}).substr(0, 37),
              "2: an exponential ramp from 2 to -1 i");
    // After a target the ramp starts from the value reached, which is never 0 here.
    EXPECT_EQ(why({{0, 1}, {1, 2, C::target, 0.1}, {2, 3, C::exponential}}), "");
    EXPECT_EQ(why({{0, 1}, {1, 1, C::linear}, {1, 2, C::linear}}),
              "2: its time (1 s) must be later than the point before's (1 s)");
    EXPECT_EQ(why({{0, 1}, {1, 2, C::target, 0}}), "1: a \"target\" curve needs a time constant greater than 0 s");
    EXPECT_NE(why({{0, 1}}, true).find("at least two points"), std::string::npos);
    EXPECT_NE(why({}).find("at least one point"), std::string::npos);
    EXPECT_THROW(Envelope({{0, 0}, {1, 1, C::exponential}}, false), std::invalid_argument);
}

}  // namespace
}  // namespace simvx
