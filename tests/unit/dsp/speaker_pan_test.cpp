// Pairwise VBAP over the surround layouts: a source at a speaker's angle
// plays there alone, the power stays 1 all round the circle and above it,
// gains move smoothly, and the LFE never takes part.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "spatial/speaker_pan.hpp"

namespace simvx {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

// SOFA's axes: x ahead, y left, z up; azimuth clockwise (right positive).
Vec3 toward(double azimuth_deg, double elevation_deg = 0) {
    const double a = azimuth_deg * kDeg, e = elevation_deg * kDeg;
    return {std::cos(e) * std::cos(a), -std::cos(e) * std::sin(a), std::sin(e)};
}

double power(const SpeakerGains& g) {
    double p = 0;
    for (float x : g) p += double{x} * x;
    return p;
}

TEST(SpeakerPan, LayoutsPlaceTheirSpeakersAsTheItuDoes) {
    const auto quad = speaker_azimuths(4), five = speaker_azimuths(6), seven = speaker_azimuths(8);
    EXPECT_EQ(quad[0], -45);
    EXPECT_EQ(quad[3], 135);
    EXPECT_EQ(five[2], 0);
    EXPECT_TRUE(std::isnan(five[3]));  // LFE
    EXPECT_EQ(five[4], -110);
    EXPECT_EQ(seven[5], 150);
    EXPECT_EQ(seven[6], -90);
    EXPECT_EQ(seven[7], 90);
}

TEST(SpeakerPan, ASourceAtASpeakersAngleIsInThatSpeakerAlone) {
    for (uint32_t channels : {4u, 6u, 8u}) {
        const SpeakerPanner panner(channels);
        const auto azimuths = speaker_azimuths(channels);
        for (uint32_t c = 0; c < channels; ++c) {
            if (std::isnan(azimuths[c])) continue;
            const SpeakerGains g = panner.gains(toward(azimuths[c]));
            EXPECT_NEAR(g[c], 1.0, 1e-6) << channels << " channels, speaker " << c;
            for (uint32_t o = 0; o < speaker::kMaxChannels; ++o) {
                if (o == c) continue;
                EXPECT_LT(std::fabs(g[o]), std::pow(10.0, -60.0 / 20)) << channels << ": " << c << " leaks into " << o;
            }
        }
    }
}

TEST(SpeakerPan, PowerIsConstantAllRoundAndAboveAndGainsMoveSmoothly) {
    for (uint32_t channels : {4u, 6u, 8u}) {
        const SpeakerPanner panner(channels);
        for (double elevation : {0.0, 30.0, 60.0, 90.0, -45.0}) {
            SpeakerGains last = panner.gains(toward(-180, elevation));
            for (double az = -180; az <= 180; az += 0.5) {
                const SpeakerGains g = panner.gains(toward(az, elevation));
                EXPECT_NEAR(10 * std::log10(power(g)), 0.0, 1e-4) << channels << " channels at " << az << "/" << elevation;
                for (uint32_t c = 0; c < speaker::kMaxChannels; ++c) {
                    EXPECT_GE(g[c], 0.0f);
                    // Half a degree moves no gain by more than a few hundredths.
                    EXPECT_LT(std::fabs(g[c] - last[c]), 0.03) << channels << " channels, " << c << " at " << az;
                }
                last = g;
            }
        }
    }
}

TEST(SpeakerPan, BetweenTwoSpeakersOnlyThoseTwoPlayAndTheVectorPointsAtTheSource) {
    const SpeakerPanner panner(6);  // FL -30, FR 30, FC 0, LFE, BL -110, BR 110
    const auto azimuths = speaker_azimuths(6);
    for (double az : {10.0, 50.0, 100.0, 160.0, -170.0, -70.0}) {
        const SpeakerGains g = panner.gains(toward(az));
        int playing = 0;
        double ahead = 0, right = 0;
        for (uint32_t c = 0; c < 6; ++c) {
            if (g[c] < 1e-6f) continue;
            ++playing;
            ahead += g[c] * std::cos(azimuths[c] * kDeg);
            right += g[c] * std::sin(azimuths[c] * kDeg);
        }
        EXPECT_EQ(playing, 2) << az;
        EXPECT_NEAR(std::atan2(right, ahead) / kDeg, az, 1e-3) << az;
    }
}

TEST(SpeakerPan, OverheadEverySpeakerPlaysEquallyAndTheLfeNever) {
    const SpeakerPanner panner(8);
    const SpeakerGains g = panner.gains({0, 0, 1});
    for (uint32_t c = 0; c < 8; ++c) {
        if (c == 3) {
            EXPECT_EQ(g[c], 0.0f);
        } else {
            EXPECT_NEAR(g[c], 1 / std::sqrt(7.0), 1e-6);
        }
    }
    const SpeakerGains ahead = panner.gains({0, 0, 0});  // at the listener: straight ahead
    EXPECT_NEAR(ahead[2], 1.0, 1e-6);
    EXPECT_THROW(SpeakerPanner(2), std::invalid_argument);
    EXPECT_THROW(SpeakerPanner(5), std::invalid_argument);
}

}  // namespace
}  // namespace simvx
