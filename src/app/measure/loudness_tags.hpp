// The loudness of a render as tags, in the form each container's players
// read: ReplayGain 2.0 in FLAC, Ogg Vorbis and MP3 (ID3v2 TXXX frames):
// REPLAYGAIN_TRACK_GAIN against its -18 LUFS reference and
// REPLAYGAIN_TRACK_PEAK, the true peak as a linear amplitude; in Opus its own
// R128_TRACK_GAIN instead (RFC 7845 5.2.1: a Q7.8 number of dB against
// -23 LUFS, on top of the header's output gain, which the encoder leaves at
// 0 dB; the RFC asks Opus files not to carry REPLAYGAIN tags). WAV and raw
// renders carry no tags.
#pragma once
#include "app/measure/normalization.hpp"
#include "core/tags.hpp"
#include "sink/encoding.hpp"

namespace simvx {

// Adds (or replaces) the loudness tags `codec` takes; nothing for a render
// with nothing above the absolute gate (-inf LUFS).
void add_loudness_tags(Tags& tags, Codec codec, const OutputLoudness& loudness);

}  // namespace simvx
