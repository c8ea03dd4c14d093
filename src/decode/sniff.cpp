#include "decode/sniff.hpp"

#include <cstring>
#include <string_view>
#include <vector>

#include "decode/ogg_probe.hpp"

namespace simvx::sniff {
namespace {

using namespace std::literals;

bool has(std::span<const uint8_t> b, std::string_view magic, size_t at = 0) {
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

// Formats known by a signature at a fixed offset. Only signatures of four
// bytes or more (or unmistakable ones) are listed: a short one could be the
// junk some MP3 files start with.
struct Signature {
    std::string_view magic;
    size_t offset;
    const char* what;
};
constexpr Signature kSignatures[] = {
    {"\x7f" "ELF"sv, 0, "an ELF executable or library"},
    {"MZ\x90\x00"sv, 0, "a Windows executable"},
    {"\xca\xfe\xba\xbe"sv, 0, "a Java class or Mach-O executable"},
    {"\xcf\xfa\xed\xfe"sv, 0, "a Mach-O executable"},
    {"!<arch>\n"sv, 0, "an ar archive (static library or .deb)"},
    {"\x89PNG\r\n\x1a\n"sv, 0, "a PNG image"},
    {"\xff\xd8\xff"sv, 0, "a JPEG image"},
    {"GIF87a"sv, 0, "a GIF image"},
    {"GIF89a"sv, 0, "a GIF image"},
    {"II*\0"sv, 0, "a TIFF image"},
    {"MM\0*"sv, 0, "a TIFF image"},
    {"%PDF"sv, 0, "a PDF document"},
    {"%!PS"sv, 0, "a PostScript document"},
    {"PK\x03\x04"sv, 0, "a ZIP archive"},
    {"PK\x05\x06"sv, 0, "a ZIP archive"},
    {"\x1f\x8b"sv, 0, "gzip-compressed data"},
    {"BZh"sv, 0, "bzip2-compressed data"},
    {"\xfd" "7zXZ\0"sv, 0, "xz-compressed data"},
    {"\x28\xb5\x2f\xfd"sv, 0, "Zstandard-compressed data"},
    {"7z\xbc\xaf\x27\x1c"sv, 0, "a 7-Zip archive"},
    {"Rar!\x1a\x07"sv, 0, "a RAR archive"},
    {"ustar"sv, 257, "a tar archive"},
    {"SQLite format 3"sv, 0, "an SQLite database"},
    {"OTTO"sv, 0, "an OpenType font"},
    {"ttcf"sv, 0, "a TrueType font collection"},
    {"wOFF"sv, 0, "a WOFF font"},
    {"wOF2"sv, 0, "a WOFF2 font"},
    {".snd"sv, 0, "an AU/SND file that FFmpeg does not recognise"},
    {"#!AMR"sv, 0, "an AMR file that FFmpeg does not recognise"},
    {"#!"sv, 0, "a script"},
    {"MThd"sv, 0, "a MIDI file, which is not supported"},
    {"wvpk"sv, 0, "a WavPack file that FFmpeg does not recognise"},
    {"MAC "sv, 0, "a Monkey's Audio file that FFmpeg does not recognise"},
    {"caff"sv, 0, "a Core Audio (CAF) file that FFmpeg does not recognise"},
    {"\x1a\x45\xdf\xa3"sv, 0, "a Matroska/WebM file that FFmpeg does not recognise"},
    {"\x30\x26\xb2\x75\x8e\x66\xcf\x11"sv, 0, "an ASF/WMA file that FFmpeg does not recognise"},
};

// A TrueType font: version 1.0, then a table directory of four-letter tags.
bool truetype(std::span<const uint8_t> b) {
    if (!has(b, "\0\1\0\0"sv) || b.size() < 16) return false;
    for (size_t i = 12; i < 16; ++i)
        if (b[i] < 0x20 || b[i] > 0x7e) return false;
    return true;
}

// An Ogg file whose streams are none that simvxplay decodes, by what they are.
std::string ogg_streams(std::span<const uint8_t> b) {
    bool skeleton = false, damaged_audio = false;
    std::string video;
    for (const auto p : ogg::stream_heads(b)) {
        if (has(p, "Speex   ")) return "Ogg Speex audio, which is not supported";
        if (has(p, "CELT    ")) return "Ogg CELT audio, which is not supported";
        if (has(p, "PCM     ")) return "Ogg PCM audio, which is not supported";
        if (has(p, "\x01vorbis") || has(p, "OpusHead") || has(p, "\x7f" "FLAC")) damaged_audio = true;
        if (has(p, "fishead")) skeleton = true;
        if (has(p, "\x80theora")) video = "Ogg Theora video";
        if (has(p, "BBCD")) video = "Ogg Dirac video";
    }
    if (damaged_audio) return "an Ogg stream whose headers are damaged";
    if (!video.empty()) return video + " with no audio stream";
    if (skeleton) return "an Ogg Skeleton stream with no audio stream";
    return "an Ogg stream of an unknown codec";
}

}  // namespace

std::optional<std::string> other_format(std::span<const uint8_t> b) {
    if (has(b, "OggS")) return ogg_streams(b);
    if (has(b, "RIFF") || has(b, "RF64") || has(b, "RIFX")) {
        if (has(b, "WEBP", 8)) return "a RIFF file that is not WAVE audio (a WebP image)";
        if (has(b, "AVI ", 8)) return "a RIFF file that is not WAVE audio (an AVI video)";
        return "a RIFF file that is not WAVE audio";
    }
    if (has(b, "FORM")) {
        if (has(b, "AIFF", 8) || has(b, "AIFC", 8)) return "an AIFF file that FFmpeg does not recognise";
        return "an IFF file that is not AIFF audio";
    }
    // ISO media (MP4, M4A, MOV, 3GP): the first box is one of these.
    for (const char* box : {"ftyp", "moov", "mdat", "free", "skip", "wide"})
        if (has(b, box, 4)) return "an MP4/M4A file that FFmpeg does not recognise";
    if (truetype(b)) return "a TrueType font";
    for (const auto& s : kSignatures)
        if (has(b, s.magic, s.offset)) return s.what;
    return std::nullopt;
}

std::string describe(std::span<const uint8_t> b) {
    if (b.empty()) return "an empty file";
    if (auto other = other_format(b)) return *other;
    if (has(b, "ID3")) return "an ID3 tag with no MPEG audio after it";
    if (has(b, "fLaC")) return "a FLAC signature with damaged metadata";
    bool text = true;
    for (size_t i = 0; i < b.size() && i < 512; ++i)
        if (b[i] < 9 || (b[i] > 13 && b[i] < 32)) text = false;
    if (text) return "text, not audio";
    return "unrecognised data (first bytes " + hex_prefix(b) + ")";
}

}  // namespace simvx::sniff
