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
        if (f.probe == formats::probe_mpeg) {
            // Every other format has a signature; MPEG audio is only frame
            // headers, which chance bytes imitate: a file that is recognisably
            // something else is never searched for them.
            if (sniff::other_format(head)) throw refuse();
            if (!after_tags.empty() && formats::probe_mpeg(after_tags)) return f.open(std::move(src));
        }
        if (f.probe(head)) return f.open(std::move(src));
    }
    throw refuse();
}

std::unique_ptr<Decoder> open_decoder_file(const std::string& path) {
    return open_decoder(ByteSource::open_file(path));
}

std::string supported_formats() {
    return "WAV, FLAC, Ogg FLAC, Ogg Vorbis, Ogg Opus and MPEG audio layers I-III";
}

std::vector<std::string> decoder_names() {
    std::vector<std::string> names;
    for (const auto& f : kFormats) names.emplace_back(f.name);
    return names;
}

size_t Decoder::read_int(std::span<int32_t>) {
    throw DecodeError(info().format + " has no exact integer samples");
}

}  // namespace simvx
