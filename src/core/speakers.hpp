// WAVE_FORMAT_EXTENSIBLE speaker bits: decoders report a file's layout with
// these and deliver channels in this (WAV/SMPTE) order whatever the codec's
// own order; the downmix reads them. A core value type: both layers use it.
#pragma once
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
