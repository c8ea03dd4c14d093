// What a render is encoded as: the codec (chosen by the file's extension or
// named), its settings in the codec's usual terms, and the tags. Checked by
// the front end before anything is opened, so an encoder only sees settings
// it can honour.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/tags.hpp"
#include "sink/wav_writer.hpp"

namespace simvx {

enum class Codec { wav, flac, opus, vorbis, mp3 };

struct Encoding {
    Codec codec = Codec::wav;
    SampleFormat format = SampleFormat::s16;  // WAV and FLAC (FLAC: s16 or s24)
    Container container = Container::wav;     // WAV only: --raw
    // FLAC: compression level 0..8; Vorbis: quality -1..10; MP3: VBR quality 0..9 (lame -V).
    std::optional<double> quality;
    // Opus: kbit/s; Vorbis: average kbit/s; MP3: constant kbit/s.
    std::optional<double> bitrate_kbps;
    Tags tags;  // WAV: only those with a RIFF INFO field (sink/riff_info.hpp)
};

// The codec a file name's extension stands for (.wav .flac .opus .ogg .oga .mp3, any case).
std::optional<Codec> codec_for_path(const std::string& path);
std::optional<Codec> parse_codec(const std::string& name);  // "wav", "flac", "opus", "vorbis", "mp3"
const char* codec_name(Codec c);
// The names parse_codec takes and the extensions codec_for_path knows, for messages.
std::vector<std::string> codec_names();
const char* known_extensions();  // ".wav, .flac, .opus, .ogg/.oga, .mp3"
bool is_lossy(Codec c);
uint32_t max_channels(Codec c);  // 2 for MP3; 8 (7.1) for the others

// What --quality / --bitrate mean for a codec, for checks and messages.
struct CodecKnob {
    double lo, hi;
    double fallback;    // used when not given (quality; bitrate: 0 = the codec's own choice)
    const char* terms;  // "a FLAC compression level"
};
std::optional<CodecKnob> quality_knob(Codec c);  // none: --quality means nothing for it
std::optional<CodecKnob> bitrate_knob(Codec c);

// "FLAC s24, level 5", "Opus 128 kbit/s", "MP3 VBR -V 2": for -v and --json.
std::string describe_encoding(const Encoding& e);

}  // namespace simvx
