#include "decode/registry.hpp"

#include <cstring>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "decode/formats.hpp"

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

bool starts_with(std::span<const uint8_t> b, std::string_view magic, size_t at = 0) {
    return b.size() >= at + magic.size() && std::memcmp(b.data() + at, magic.data(), magic.size()) == 0;
}

std::string hex_prefix(std::span<const uint8_t> b) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < b.size() && i < 8; ++i) {
        if (i) s += ' ';
        s += digits[b[i] >> 4];
        s += digits[b[i] & 15];
    }
    return s;
}

// What an input that no decoder took looks like, for the error message.
std::string describe(std::span<const uint8_t> b) {
    if (b.empty()) return "an empty file";
    if (starts_with(b, "OggS")) {
        // The first packet of the first page starts after the segment table.
        if (b.size() >= 27) {
            const size_t body = 27 + b[26];
            auto at = [&](std::string_view m) { return starts_with(b, m, body); };
            if (at("Speex   ")) return "an Ogg stream of Speex audio, which is not supported";
            if (at("\x80theora")) return "an Ogg stream of Theora video";
            if (at("\x01vorbis") || at("OpusHead") || at("\x7f" "FLAC"))
                return "an Ogg stream whose headers are damaged";
        }
        return "an Ogg stream of an unknown codec";
    }
    if (starts_with(b, "RIFF") || starts_with(b, "RF64") || starts_with(b, "RIFX"))
        return "a RIFF file that is not WAVE audio";
    if (starts_with(b, ".snd")) return "an AU/SND file, which is not supported";
    if (starts_with(b, "#!AMR")) return "an AMR file, which is not supported";
    if (starts_with(b, "FORM")) return "an AIFF/IFF file, which is not supported";
    if (starts_with(b, "ID3")) return "an ID3 tag with no MPEG audio after it";
    if (starts_with(b, "fLaC")) return "a FLAC signature with damaged metadata";
    if (b.size() >= 8 && starts_with(b, "ftyp", 4)) return "an MP4/M4A file, which is not supported";
    bool text = true;
    for (size_t i = 0; i < b.size() && i < 512; ++i)
        if (b[i] < 9 || (b[i] > 13 && b[i] < 32)) text = false;
    if (text) return "text, not audio";
    return "unrecognised data (first bytes " + hex_prefix(b) + ")";
}

}  // namespace

std::unique_ptr<Decoder> open_decoder(std::unique_ptr<ByteSource> src) {
    std::vector<uint8_t> head(formats::kProbeBytes);
    head.resize(src->read(head.data(), head.size()));
    if (!src->seek(0)) throw InputError(src->name() + ": cannot rewind the input to decode it");
    for (const auto& f : kFormats) {
        if (f.probe(head)) return f.open(std::move(src));
    }
    throw InputError(src->name() + ": not a supported audio file: found " + describe(head) +
                     " (simvxplay reads " + supported_formats() + ")");
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

uint32_t speaker::default_mask(uint32_t channels) {
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

}  // namespace simvx
