// Vorbis's channel order (Vorbis I specification, section 4.3.9), which Ogg
// Opus's mapping family 1 shares: not WAV's. 5.1 is FL FC FR BL BR LFE where
// WAV has FL FR FC LFE BL BR; 7.1 is FL FC FR SL SR BL BR LFE. The Vorbis
// and Opus encoders both take their input in this order, from the table the
// decoders read the other way (speaker::wav_channel_at_vorbis).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace simvx {

// source[k] (k < channels): the WAV-order channel (of
// speaker::default_mask(channels)) that goes in Vorbis position k. The
// identity for 1, 2 and 4 channels (the same order) and past 8 (Vorbis leaves
// the order to the application).
struct VorbisOrder {
    std::vector<uint32_t> source;
    bool identity = true;
};
VorbisOrder vorbis_order(uint32_t channels);

// Interleaved WAV-order frames → interleaved Vorbis-order frames in `out`.
void to_vorbis_order(const VorbisOrder& order, std::span<const float> in, std::vector<float>& out);

}  // namespace simvx
