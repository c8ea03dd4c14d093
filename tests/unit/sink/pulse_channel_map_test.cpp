// The PulseAudio channel map of each layout: WAV's speakers, in WAV order
// (libpulse's own default and WAVEEX maps are not, sink/pulse_channel_map.hpp).
#include <gtest/gtest.h>

#include <vector>

#include "core/speakers.hpp"
#include "sink/pulse_channel_map.hpp"

namespace simvx {
namespace {

std::vector<pa_channel_position_t> positions(uint32_t channels) {
    const pa_channel_map map = pulse_channel_map(channels);
    EXPECT_EQ(map.channels, channels);
    return std::vector<pa_channel_position_t>(map.map, map.map + map.channels);
}

using P = std::vector<pa_channel_position_t>;

TEST(PulseChannelMap, MonoAndStereoAsBefore) {
    // What PA_CHANNEL_MAP_DEFAULT gave them.
    EXPECT_EQ(positions(1), P{PA_CHANNEL_POSITION_MONO});
    EXPECT_EQ(positions(2), (P{PA_CHANNEL_POSITION_FRONT_LEFT, PA_CHANNEL_POSITION_FRONT_RIGHT}));
}

TEST(PulseChannelMap, Quad) {
    EXPECT_EQ(positions(4), (P{PA_CHANNEL_POSITION_FRONT_LEFT, PA_CHANNEL_POSITION_FRONT_RIGHT,
                               PA_CHANNEL_POSITION_REAR_LEFT, PA_CHANNEL_POSITION_REAR_RIGHT}));
}

TEST(PulseChannelMap, FivePointOne) {
    EXPECT_EQ(positions(6), (P{PA_CHANNEL_POSITION_FRONT_LEFT, PA_CHANNEL_POSITION_FRONT_RIGHT,
                               PA_CHANNEL_POSITION_FRONT_CENTER, PA_CHANNEL_POSITION_LFE, PA_CHANNEL_POSITION_REAR_LEFT,
                               PA_CHANNEL_POSITION_REAR_RIGHT}));
}

// The mask's bit order puts the back pair (BL BR) before the side pair (SL SR).
TEST(PulseChannelMap, SevenPointOne) {
    EXPECT_EQ(positions(8), (P{PA_CHANNEL_POSITION_FRONT_LEFT, PA_CHANNEL_POSITION_FRONT_RIGHT,
                               PA_CHANNEL_POSITION_FRONT_CENTER, PA_CHANNEL_POSITION_LFE, PA_CHANNEL_POSITION_REAR_LEFT,
                               PA_CHANNEL_POSITION_REAR_RIGHT, PA_CHANNEL_POSITION_SIDE_LEFT,
                               PA_CHANNEL_POSITION_SIDE_RIGHT}));
}

TEST(PulseChannelMap, EverySpeakerBitHasItsPosition) {
    EXPECT_EQ(pulse_position(speaker::FLC), PA_CHANNEL_POSITION_FRONT_LEFT_OF_CENTER);
    EXPECT_EQ(pulse_position(speaker::FRC), PA_CHANNEL_POSITION_FRONT_RIGHT_OF_CENTER);
    EXPECT_EQ(pulse_position(speaker::BC), PA_CHANNEL_POSITION_REAR_CENTER);
    // 7 channels: FL FR FC LFE BC SL SR.
    EXPECT_EQ(positions(7)[4], PA_CHANNEL_POSITION_REAR_CENTER);
    EXPECT_EQ(positions(7)[6], PA_CHANNEL_POSITION_SIDE_RIGHT);
}

// A count with no layout still gets a valid map: numbered auxiliary channels.
TEST(PulseChannelMap, NoLayoutIsAux) {
    const P p = positions(10);
    for (uint32_t c = 0; c < 10; ++c)
        EXPECT_EQ(p[c], static_cast<pa_channel_position_t>(PA_CHANNEL_POSITION_AUX0 + c));
}

}  // namespace
}  // namespace simvx
