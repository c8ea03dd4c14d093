// ReplayGain from ID3v2 RVA2 frames ("relative volume adjustment (2)", ID3v2.4
// section 4.11; some ID3v2.3 writers use it too): the gain of the master
// volume channel of a frame identified "track" or "album", and its peak.
// The tag comes from the file as it is, so every length is checked against
// what is there: a damaged or hostile tag yields fewer gains, never a read
// past its end.
#pragma once
#include <cstdint>
#include <span>

#include "decode/gain_tags.hpp"

namespace simvx {

// `tag`: a whole ID3v2 tag, its 10-byte header first. Sets the gains (and
// peaks) of the RVA2 frames found; leaves the rest of `tags` as it is.
void read_id3v2_rva2(std::span<const uint8_t> tag, GainTags& tags);

}  // namespace simvx
