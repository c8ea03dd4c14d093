#include "sink/encoding.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "core/number_format.hpp"
#include "core/speakers.hpp"

namespace simvx {
namespace {

struct CodecRow {
    Codec codec;
    const char* name;
    const char* label;                      // as people write it
    std::vector<std::string> extensions;   // lower case, with the dot
    bool lossy;
    std::optional<CodecKnob> quality;
    std::optional<CodecKnob> bitrate;
    uint32_t max_channels = speaker::kMaxChannels;
};

const std::vector<CodecRow>& rows() {
    static const std::vector<CodecRow> r = {
        {Codec::wav, "wav", "WAV", {".wav"}, false, std::nullopt, std::nullopt},
        {Codec::flac, "flac", "FLAC", {".flac"}, false, CodecKnob{0, 8, 5, "a FLAC compression level"}, std::nullopt},
        // Unasked, libopusenc's own choice (about 64 kbit/s mono, 128 stereo);
        // asked for, 6..510 as opusenc takes it.
        {Codec::opus, "opus", "Opus", {".opus"}, true, std::nullopt, CodecKnob{6, 510, 0, "an Opus bit rate in kbit/s"}},
        // oggenc's default quality, 3 (about 112 kbit/s for stereo at 44.1 kHz).
        {Codec::vorbis, "vorbis", "Vorbis", {".ogg", ".oga"}, true, CodecKnob{-1, 10, 3, "a Vorbis quality"},
         CodecKnob{32, 500, 0, "a Vorbis average bit rate in kbit/s"}},
        // lame -V 2, its "standard" preset (about 190 kbit/s).
        {Codec::mp3, "mp3", "MP3", {".mp3"}, true, CodecKnob{0, 9, 2, "an MP3 VBR quality (lame -V)"},
         CodecKnob{8, 320, 0, "an MP3 bit rate in kbit/s"}, 2},  // MP3 has no surround layouts
    };
    return r;
}

const CodecRow& row(Codec c) {
    for (const auto& r : rows())
        if (r.codec == c) return r;
    return rows().front();
}

}  // namespace

std::optional<Codec> codec_for_path(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const auto& r : rows())
        if (std::find(r.extensions.begin(), r.extensions.end(), ext) != r.extensions.end()) return r.codec;
    return std::nullopt;
}

std::optional<Codec> parse_codec(const std::string& name) {
    for (const auto& r : rows())
        if (name == r.name) return r.codec;
    return std::nullopt;
}

const char* codec_name(Codec c) { return row(c).name; }

std::vector<std::string> codec_names() {
    std::vector<std::string> names;
    for (const auto& r : rows()) names.emplace_back(r.name);
    return names;
}

const char* known_extensions() { return ".wav, .flac, .opus, .ogg/.oga, .mp3"; }

bool is_lossy(Codec c) { return row(c).lossy; }
uint32_t max_channels(Codec c) { return row(c).max_channels; }

std::optional<CodecKnob> quality_knob(Codec c) { return row(c).quality; }
std::optional<CodecKnob> bitrate_knob(Codec c) { return row(c).bitrate; }

std::string describe_encoding(const Encoding& e) {
    const std::string label = row(e.codec).label;
    switch (e.codec) {
        case Codec::wav:
            return e.container == Container::raw ? std::string("raw PCM ") + sample_format_name(e.format) + "le"
                                                 : label + " " + sample_format_name(e.format);
        case Codec::flac:
            return label + " " + sample_format_name(e.format) + ", level " +
                   format_number(e.quality.value_or(row(e.codec).quality->fallback));
        case Codec::opus:
            return e.bitrate_kbps ? label + " " + format_number(*e.bitrate_kbps) + " kbit/s" : label;
        case Codec::vorbis:
            return e.bitrate_kbps ? label + " " + format_number(*e.bitrate_kbps) + " kbit/s average"
                                  : label + " quality " + format_number(e.quality.value_or(row(e.codec).quality->fallback));
        case Codec::mp3:
            return e.bitrate_kbps ? label + " CBR " + format_number(*e.bitrate_kbps) + " kbit/s"
                                  : label + " VBR -V " + format_number(e.quality.value_or(row(e.codec).quality->fallback));
    }
    return label;
}

}  // namespace simvx
