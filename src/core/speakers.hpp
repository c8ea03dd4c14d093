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

}  // namespace simvx::speaker
