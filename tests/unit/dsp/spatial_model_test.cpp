// The 3D model against the OpenAL 1.1 formulas written out again here:
// distance models, cones, doppler from both velocities, the pan of the
// azimuth, motion paths, and a Spatializer putting them together.
#include "spatial/model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "spatial/spatializer.hpp"

namespace simvx {
namespace {

TEST(SpatialDistance, OpenAlClampedModels) {
    // inverse: min / (min + rolloff (d - min)), d clamped to [min, max]
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::inverse, 4, 1, 100, 1), 0.25);
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::inverse, 4, 2, 100, 0.5), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::inverse, 0.5, 1, 100, 1), 1.0);       // inside min
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::inverse, 500, 1, 100, 1), 0.01);      // beyond max
    // linear: 1 - rolloff (d - min) / (max - min)
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::linear, 25.75, 1, 100, 1), 0.75);
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::linear, 100, 1, 100, 2), 0.0);         // never negative
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::linear, 1000, 1, 100, 1), 0.0);
    // exponential: (d / min)^-rolloff
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::exponential, 8, 2, 100, 0.5), 0.5);
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::exponential, 400, 1, 100, 1), 0.01);
    EXPECT_DOUBLE_EQ(distance_gain(Attenuation::none, 400, 1, 100, 1), 1.0);
}

// OpenAL EFX: 5 kHz loses 0.0523 dB per metre per unit of factor beyond
// min_distance, growing with f²; the cutoff is where the loss is 3 dB.
TEST(SpatialAirAbsorption, CutoffWhereTheLossReachesThreeDecibels) {
    for (double factor : {0.5, 1.0, 3.0})
        for (double d : {5.0, 20.0, 100.0}) {
            const double fc = air_absorption_cutoff(factor, d, 1.0, 1000.0);
            const double loss_db = -20 * std::log10(0.994) * factor * (d - 1.0) * (fc / 5000) * (fc / 5000);
            EXPECT_NEAR(loss_db, 3.0, 1e-9) << factor << " at " << d << " m";
        }
    // 100 m at factor 1: 3.8 kHz; farther is lower; clamped to max_distance.
    EXPECT_NEAR(air_absorption_cutoff(1.0, 100.0, 1.0, 1000.0), 3806.95, 0.01);
    EXPECT_LT(air_absorption_cutoff(1.0, 200.0, 1.0, 1000.0), air_absorption_cutoff(1.0, 100.0, 1.0, 1000.0));
    EXPECT_EQ(air_absorption_cutoff(1.0, 500.0, 1.0, 100.0), air_absorption_cutoff(1.0, 100.0, 1.0, 100.0));
    // None at or inside min_distance, and none with factor 0.
    EXPECT_TRUE(std::isinf(air_absorption_cutoff(1.0, 0.5, 1.0, 100.0)));
    EXPECT_TRUE(std::isinf(air_absorption_cutoff(0.0, 50.0, 1.0, 100.0)));
}

TEST(SpatialCone, InnerOuterAndBetween) {
    const ConeDesc cone{.inner_deg = 60, .outer_deg = 180, .outer_gain_db = -20, .direction = {0, 0, 1}};
    EXPECT_DOUBLE_EQ(cone_gain(cone, 0), 1.0);
    EXPECT_DOUBLE_EQ(cone_gain(cone, 30), 1.0);
    EXPECT_DOUBLE_EQ(cone_gain(cone, 90), 0.1);
    EXPECT_DOUBLE_EQ(cone_gain(cone, 170), 0.1);
    EXPECT_DOUBLE_EQ(cone_gain(cone, 60), 1.0 + (0.1 - 1.0) * 0.5);  // halfway: linear in gain
}

TEST(SpatialDoppler, OpenAlFormulaWithBothVelocities) {
    const double c = 343.3;
    // Source approaching the listener at c/10: c / (c - v) = 1.1111.
    EXPECT_NEAR(doppler_shift({0, 0, -100}, {0, 0, 34.33}, {0, 0, 0}, {0, 0, 0}, c, 1), 1.0 / 0.9, 1e-12);
    // Listener approaching the source at c/10: (c + v) / c = 1.1.
    EXPECT_NEAR(doppler_shift({0, 0, -100}, {0, 0, 0}, {0, 0, 0}, {0, 0, -34.33}, c, 1), 1.1, 1e-12);
    // Receding source.
    EXPECT_NEAR(doppler_shift({0, 0, -100}, {0, 0, -34.33}, {0, 0, 0}, {0, 0, 0}, c, 1), 1.0 / 1.1, 1e-12);
    // Both moving the same way at the same speed: no shift.
    EXPECT_NEAR(doppler_shift({0, 0, -100}, {0, 0, 10}, {0, 0, 0}, {0, 0, 10}, c, 1), 1.0, 1e-12);
    // Velocity across the line of sight: none either.
    EXPECT_NEAR(doppler_shift({0, 0, -100}, {30, 0, 0}, {0, 0, 0}, {0, 0, 0}, c, 1), 1.0, 1e-12);
    // The doppler factor scales the velocities; 0 disables.
    EXPECT_NEAR(doppler_shift({0, 0, -100}, {0, 0, 17.165}, {0, 0, 0}, {0, 0, 0}, c, 2), 1.0 / 0.9, 1e-12);
    EXPECT_EQ(doppler_shift({0, 0, -100}, {0, 0, 34.33}, {0, 0, 0}, {0, 0, 0}, c, 0), 1.0);
    // At the speed of sound the shift is clamped instead of infinite.
    EXPECT_EQ(doppler_shift({0, 0, -100}, {0, 0, 400}, {0, 0, 0}, {0, 0, 0}, c, 1), kMaxDopplerShift);
}

TEST(SpatialPan, AzimuthInTheListenersFrame) {
    const ListenerFrame f = listener_frame({0, 0, -1}, {0, 1, 0});
    EXPECT_NEAR(azimuth_pan(f, {5, 0, 0}), 1.0, 1e-12);    // right
    EXPECT_NEAR(azimuth_pan(f, {-5, 0, 0}), -1.0, 1e-12);  // left
    EXPECT_NEAR(azimuth_pan(f, {0, 0, -5}), 0.0, 1e-12);   // ahead
    EXPECT_NEAR(azimuth_pan(f, {0, 0, 5}), 0.0, 1e-12);    // behind
    EXPECT_NEAR(azimuth_pan(f, {1, 0, -1}), std::sqrt(0.5), 1e-12);
    EXPECT_EQ(azimuth_pan(f, {0, 0, 0}), 0.0);
    // Turned to face +x: what was on the right is now ahead, and -z is on the left.
    const ListenerFrame turned = listener_frame({1, 0, 0}, {0, 1, 0});
    EXPECT_NEAR(azimuth_pan(turned, {5, 0, 0}), 0.0, 1e-12);
    EXPECT_NEAR(azimuth_pan(turned, {0, 0, -5}), -1.0, 1e-12);
}

TEST(SpatialPath, LinearPositionsAndSegmentVelocity) {
    const MotionPath path{{{1, {0, 0, 0}}, {3, {10, 0, -4}}, {4, {10, 0, -4}}}};
    const Trajectory on(path, {}, {});
    Motion m = on.at(2);
    EXPECT_EQ(m.position, (Vec3{5, 0, -2}));
    EXPECT_EQ(m.velocity, (Vec3{5, 0, -2}));
    m = on.at(0);  // before: rests at the first point
    EXPECT_EQ(m.position, (Vec3{0, 0, 0}));
    EXPECT_EQ(m.velocity, (Vec3{0, 0, 0}));
    m = on.at(3.5);
    EXPECT_EQ(m.velocity, (Vec3{0, 0, 0}));
    m = on.at(9);
    EXPECT_EQ(m.position, (Vec3{10, 0, -4}));
    m = Trajectory({}, {1, 2, 3}, {4, 5, 6}).at(9);  // no path: fixed position, given velocity
    EXPECT_EQ(m.position, (Vec3{1, 2, 3}));
    EXPECT_EQ(m.velocity, (Vec3{4, 5, 6}));
}

// Each coordinate follows its curve's formula, and the velocity is its derivative
// (checked against a central difference of the positions).
TEST(SpatialPath, CurvesPerSegmentAndTheirDerivatives) {
    const MotionPath path{{{0, {1, 0, -2}},
                           {2, {16, 0, -2}, EnvelopeCurve::exponential},      // x: 1 → 16 (doubling every 0.5 s)
                           {3, {16, 5, -2}, EnvelopeCurve::target, 0.25},    // y: towards 5, τ 0.25 s
                           {4, {0, 5, -2}, EnvelopeCurve::step}}};           // x jumps at 4 s
    const Trajectory on(path, {}, {});
    auto close = [](const Vec3& a, const Vec3& b, double tol) {
        return std::fabs(a[0] - b[0]) < tol && std::fabs(a[1] - b[1]) < tol && std::fabs(a[2] - b[2]) < tol;
    };
    EXPECT_TRUE(close(on.at(1).position, {4, 0, -2}, 1e-12));
    const double y25 = 5 * (1 - std::exp(-0.5 / 0.25));
    EXPECT_TRUE(close(on.at(2.5).position, {16, y25, -2}, 1e-12));
    const double y3 = 5 * (1 - std::exp(-1 / 0.25));  // the step starts from the value reached
    EXPECT_TRUE(close(on.at(3.5).position, {16, y3, -2}, 1e-12));
    EXPECT_TRUE(close(on.at(4).position, {0, 5, -2}, 1e-12));
    for (double t : {0.3, 1.0, 1.7, 2.2, 2.9}) {
        const double h = 1e-6;
        const Vec3 numeric = (on.at(t + h).position - on.at(t - h).position) * (1 / (2 * h));
        EXPECT_TRUE(close(on.at(t).velocity, numeric, 1e-5 * (1 + length(numeric)))) << t;
    }
    EXPECT_EQ(on.at(3.5).velocity, (Vec3{0, 0, 0}));  // a step holds still
}

TEST(SpatialPath, ALoopCirclesForEver) {
    // A square around the listener, 4 s a lap.
    const MotionPath path{{{0, {-1, 0, -1}}, {1, {1, 0, -1}}, {2, {1, 0, 1}}, {3, {-1, 0, 1}}, {4, {-1, 0, -1}}}, true};
    const Trajectory on(path, {}, {});
    for (double t : {0.5, 1.25, 2.75, 3.5})
        for (int lap : {1, 7, 250}) {
            EXPECT_EQ(on.at(t + 4 * lap).position, on.at(t).position) << t << " lap " << lap;
            EXPECT_EQ(on.at(t + 4 * lap).velocity, on.at(t).velocity) << t << " lap " << lap;
        }
    EXPECT_EQ(on.at(1.5).velocity, (Vec3{0, 0, 2}));
}

TEST(SpatialPath, ExponentialSegmentsNeedEachMovingCoordinateOnOneSide) {
    // y stays 0 (equal ends: held), x goes 2 → 8: fine.
    EXPECT_FALSE(path_problem({{{0, {2, 0, 1}}, {1, {8, 0, 1}, EnvelopeCurve::exponential}}}));
    // x crosses 0: refused, naming the coordinate and the keyframe.
    const auto why = path_problem({{{0, {-2, 0, 1}}, {1, {8, 0, 1}, EnvelopeCurve::exponential}}});
    ASSERT_TRUE(why);
    EXPECT_EQ(why->point, 1u);
    EXPECT_EQ(why->message.substr(0, 3), "x: ") << why->message;
    EXPECT_THROW(Trajectory({{{0, {0, 0, 1}}, {1, {0, 3, 1}, EnvelopeCurve::exponential}}}, {}, {}), std::invalid_argument);
}

TEST(Spatializer, CombinesDistanceConePanAndDoppler) {
    SpatialSetup s;
    s.source.position = {3, 0, 0};  // 3 m to the right
    s.source.min_distance = 1;
    s.source.cone = {.inner_deg = 0, .outer_deg = 0, .outer_gain_db = -6.0206, .direction = {0, 0, -1}};
    s.source.path = {{{0, {3, 0, 0}}, {1, {3, 0, -34.33}}}};  // moving away... sideways then along -z
    s.rate = 1000;
    const Spatializer sp(s);
    const SpatialState st = sp.at(0);
    EXPECT_NEAR(st.gain.left, 0.0, 1e-7);                      // balance law, hard right
    EXPECT_NEAR(st.gain.right, 1.0 / 3.0 * 0.5, 1e-6);         // inverse 1/3, cone -6 dB (pointing away)
    EXPECT_TRUE(sp.has_doppler());
    // Mid-path the source recedes partly along the line of sight: shift below 1.
    EXPECT_LT(sp.at(500).doppler, 1.0);
    s.source.path = {};
    EXPECT_FALSE(Spatializer(s).has_doppler());
}

}  // namespace
}  // namespace simvx
