// How the channels of an N-channel bus (WAV order, core/speakers.hpp) group
// for effects that treat speakers differently: the left/right pairs (FL/FR,
// BL/BR, FLC/FRC, SL/SR), the lone channels (FC, BC, the mono bus's one
// channel) and the LFE. The surround reverb gives each pair a stereo tank,
// each lone channel a mono one, and the LFE none.
#pragma once
#include <array>
#include <cstdint>

namespace simvx {

struct SpeakerGroups {
    static constexpr uint32_t kNone = UINT32_MAX;

    uint32_t pair_count = 0, lone_count = 0;
    std::array<std::array<uint32_t, 2>, 4> pairs{};  // channel indices, left then right, front to back
    std::array<uint32_t, 8> lone{};                  // channel indices, in channel order
    uint32_t lfe = kNone;                            // the LFE's channel index, if any
};

// The groups of the usual layout of `channels` (speaker::default_mask), 1..8.
SpeakerGroups speaker_groups(uint32_t channels) noexcept;

}  // namespace simvx
