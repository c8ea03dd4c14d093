// The loudness tags a file carries (ReplayGain, Opus R128), read by the
// decoders and exposed in DecoderInfo so --replaygain can play each file at
// its tagged level. Gains are ReplayGain gains: dB that bring the file to the
// ReplayGain 2.0 reference (-18 LUFS); peaks are linear sample peaks (1.0 =
// full scale).
#pragma once
#include <optional>
#include <string_view>

namespace simvx {

struct GainTags {
    std::optional<double> track_gain_db, track_peak, album_gain_db, album_peak;
    bool empty() const { return !track_gain_db && !album_gain_db; }
};

// A Vorbis comment ("KEY=value", FLAC and Ogg Vorbis): REPLAYGAIN_TRACK_GAIN,
// _TRACK_PEAK, _ALBUM_GAIN, _ALBUM_PEAK, keys in any case, gains like
// "-6.50 dB". Other comments and unreadable values are ignored.
void read_replaygain_comment(std::string_view comment, GainTags& tags);

// The same tags as a key and a value apart (ID3v2 TXXX frames).
void read_replaygain_field(std::string_view key, std::string_view value, GainTags& tags);

// An Opus comment: R128_TRACK_GAIN and R128_ALBUM_GAIN, Q7.8 integers (1/256
// dB) that bring the decoded output (the header gain already applied) to
// -23 LUFS (RFC 7845 5.2.1). Stored as ReplayGain gains, 5 dB louder, so the
// same --replaygain semantics apply. Opus files carry no peaks, and RFC 7845
// forbids REPLAYGAIN_* comments in Opus, so those are not read there.
void read_r128_comment(std::string_view comment, GainTags& tags);

}  // namespace simvx
