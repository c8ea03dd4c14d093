// The PulseAudio channel map of a stream in simvxplay's channel order: the
// WAV speaker layout of its channel count (core/speakers.hpp). None of
// libpulse's built-in maps is that for every count: PA_CHANNEL_MAP_DEFAULT
// (AIFF) makes 4 channels L C R RC and 6 channels FL FLC FC FR FRC RC and has
// none for 8; PA_CHANNEL_MAP_WAVEEX takes the first n mask bits, which makes
// 4 channels FL FR FC LFE and 8 channels end in FLC FRC instead of SL SR.
#pragma once
#include <pulse/channelmap.h>

#include <cstdint>

namespace simvx {

// The position of one speaker bit (speaker::FL ...); AUX0 for a bit PulseAudio has no name for.
pa_channel_position_t pulse_position(uint32_t speaker_bit);

// Mono is PA's "mono" (played on both sides of a stereo sink); otherwise one
// position per bit of speaker::default_mask(channels), in bit order, and
// AUX positions for channels the mask does not cover.
pa_channel_map pulse_channel_map(uint32_t channels);

}  // namespace simvx
