#include "decode/registry.hpp"

#include <vector>

#include "core/error.hpp"
#include "decode/formats.hpp"
#include "decode/sniff.hpp"

namespace simvx {
namespace {

struct FormatEntry {
    const char* name;
    bool (*probe)(std::span<const uint8_t>);
    std::unique_ptr<Decoder> (*open)(std::unique_ptr<ByteSource>);
};

// Order matters only where probes could overlap: specific containers first,
// MPEG (which resynchronises on a frame sync anywhere) last.
constexpr FormatEntry kFormats[] = {
    {"WAV", formats::probe_wav, formats::open_wav},
    {"FLAC", formats::probe_flac, formats::open_flac},
    {"Ogg FLAC", formats::probe_ogg_flac, formats::open_ogg_flac},
    {"Ogg Vorbis", formats::probe_vorbis, formats::open_vorbis},
    {"Ogg Opus", formats::probe_opus, formats::open_opus},
    {"MPEG audio", formats::probe_mpeg, formats::open_mpeg},
};

// The bytes after the ID3v2 tags at the start of the input, when the tags
// are longer than the head (cover art): where MPEG audio would begin.
std::vector<uint8_t> after_long_tags(ByteSource& src, std::span<const uint8_t> head) {
    const size_t end = formats::id3v2_end(head);
    std::vector<uint8_t> after;
    if (end <= head.size() || !src.seek(end)) return after;
    after.resize(formats::kProbeBytes);
    after.resize(src.read(after.data(), after.size()));
    return after;
}

// A WAV of a codec the native reader does not decode, through FFmpeg. When
// FFmpeg cannot decode it either, the error gives both verdicts.
std::unique_ptr<Decoder> open_foreign_wav(std::unique_ptr<ByteSource> src, std::span<const uint8_t> head,
                                          const std::string& native_verdict) {
    const std::string prefix = src->name() + ": ";
    try {
        return formats::open_ffmpeg(std::move(src), head);
    } catch (const DecodeError& e) {
        std::string why = e.what();
        if (why.rfind(prefix, 0) == 0) why.erase(0, prefix.size());
        throw DecodeError(native_verdict + " natively, and FFmpeg cannot decode it either: " + why);
    }
}

}  // namespace

std::unique_ptr<Decoder> open_decoder(std::unique_ptr<ByteSource> src) {
    std::vector<uint8_t> head(formats::kProbeBytes);
    head.resize(src->read(head.data(), head.size()));
    const std::vector<uint8_t> after_tags = after_long_tags(*src, head);
    if (!src->seek(0)) throw InputError(src->name() + ": cannot rewind the input to decode it");
    auto refuse = [&] {
        return InputError(src->name() + ": not a supported audio file: found " + sniff::describe(head) +
                          " (simvxplay reads " + supported_formats() + ")");
    };
    for (const auto& f : kFormats) {
        if (f.probe == formats::probe_mpeg && sniff::other_format(head)) {
            // Every other format has a signature; MPEG audio is only frame
            // headers, which chance bytes imitate: a file that is recognisably
            // something else is never searched for them.
            break;
        }
        if (f.probe == formats::probe_mpeg && !after_tags.empty() && formats::probe_mpeg(after_tags))
            return f.open(std::move(src));
        if (f.probe == formats::probe_wav && f.probe(head)) {
            if (auto foreign = formats::wav_foreign_codec(head, src->name()); foreign && formats::probe_ffmpeg(head))
                return open_foreign_wav(std::move(src), head, *foreign);
        }
        if (f.probe(head)) return f.open(std::move(src));
    }
    // Last, what the native decoders do not cover, through FFmpeg.
    if (formats::probe_ffmpeg(head)) return formats::open_ffmpeg(std::move(src), head);
    throw refuse();
}

std::unique_ptr<Decoder> open_decoder_file(const std::string& path) {
    return open_decoder(ByteSource::open_file(path));
}

std::string supported_formats() {
    return "WAV, FLAC, Ogg FLAC, Ogg Vorbis, Ogg Opus and MPEG audio layers I-III natively, and through FFmpeg "
           "AIFF, MP4/M4A (AAC, ALAC), WMA, CAF, WavPack, Monkey's Audio, Matroska/WebM, AC-3 and more";
}

std::vector<std::string> decoder_names() {
    std::vector<std::string> names;
    for (const auto& f : kFormats) names.emplace_back(f.name);
    names.emplace_back("FFmpeg fallback");
    return names;
}

size_t Decoder::read_int(std::span<int32_t>) {
    throw DecodeError(info().format + " has no exact integer samples");
}

}  // namespace simvx
