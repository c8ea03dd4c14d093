// WAVE_FORMAT_EXTENSIBLE speaker bits: decoders report a file's layout with
// these and deliver channels in this (WAV/SMPTE) order whatever the codec's
// own order; the downmix, the buses, the panner and the sinks read them. A
// core value type: every layer uses it.
#pragma once
#include <array>
#include <bit>
#include <cstdint>

namespace simvx::speaker {

inline constexpr uint32_t FL = 0x1, FR = 0x2, FC = 0x4, LFE = 0x8, BL = 0x10, BR = 0x20, FLC = 0x40,
                          FRC = 0x80, BC = 0x100, SL = 0x200, SR = 0x400;

// The usual layout of n channels when a file says nothing (WAV/FLAC/Vorbis
// conventions); 0 for counts without one.
constexpr uint32_t default_mask(uint32_t channels) {
    switch (channels) {
        case 1: return FC;
        case 2: return FL | FR;
        case 3: return FL | FR | FC;
        case 4: return FL | FR | BL | BR;
        case 5: return FL | FR | FC | BL | BR;
        case 6: return FL | FR | FC | LFE | BL | BR;
        case 7: return FL | FR | FC | LFE | BC | SL | SR;
        case 8: return FL | FR | FC | LFE | BL | BR | SL | SR;
        default: return 0;
    }
}

// The most channels anything plays, mixes or writes (7.1).
inline constexpr uint32_t kMaxChannels = 8;

// In a layout `mask`, the channel of speaker `bit` (WAV order: one channel
// per bit, lowest first), and the speaker of `channel` (0 past the bits).
constexpr uint32_t channel_of(uint32_t mask, uint32_t bit) { return static_cast<uint32_t>(std::popcount(mask & (bit - 1))); }
constexpr uint32_t speaker_of(uint32_t mask, uint32_t channel) {
    for (uint32_t c = 0; mask; ++c, mask &= mask - 1)
        if (c == channel) return mask & (~mask + 1);
    return 0;
}

// Vorbis I's channel order (specification 4.3.9; Ogg Opus's mapping family 1
// too) for the usual layout of `channels`: the WAV-order channel at Vorbis
// position k. Beyond 8 channels the order is the application's: k itself.
constexpr uint32_t wav_channel_at_vorbis(uint32_t channels, uint32_t k) {
    constexpr std::array<std::array<uint32_t, 8>, 8> kVorbisSpeakers = {{
        {FC},
        {FL, FR},
        {FL, FC, FR},
        {FL, FR, BL, BR},
        {FL, FC, FR, BL, BR},
        {FL, FC, FR, BL, BR, LFE},
        {FL, FC, FR, SL, SR, BC, LFE},
        {FL, FC, FR, SL, SR, BL, BR, LFE},
    }};
    if (channels == 0 || channels > kMaxChannels) return k;
    return channel_of(default_mask(channels), kVorbisSpeakers[channels - 1][k]);
}

// The output layouts: mono, stereo, quad, 5.1 and 7.1 (default_mask's
// layouts of 1, 2, 4, 6 and 8 channels, in WAV order).
constexpr bool is_output_layout(uint64_t channels) {
    return channels == 1 || channels == 2 || channels == 4 || channels == 6 || channels == 8;
}
constexpr const char* layout_name(uint32_t channels) {
    switch (channels) {
        case 1: return "mono";
        case 2: return "stereo";
        case 4: return "quad";
        case 6: return "5.1";
        case 8: return "7.1";
        default: return "";
    }
}
inline constexpr const char* kOutputLayouts = "1 (mono), 2 (stereo), 4 (quad), 6 (5.1) or 8 (7.1)";

}  // namespace simvx::speaker
