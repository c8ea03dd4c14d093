#include "decode/id3_rva2.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

namespace simvx {
namespace {

constexpr size_t kHeader = 10;
constexpr uint8_t kMasterVolume = 1;  // RVA2's channel type for the whole signal

uint32_t syncsafe(const uint8_t* p) {
    return (uint32_t{p[0]} & 0x7F) << 21 | (uint32_t{p[1]} & 0x7F) << 14 | (uint32_t{p[2]} & 0x7F) << 7 | (p[3] & 0x7F);
}
uint32_t big_endian(const uint8_t* p) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

// Unsynchronisation inserted a 0x00 after every 0xFF; this takes them out.
std::vector<uint8_t> resynchronised(std::span<const uint8_t> in) {
    std::vector<uint8_t> out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        out.push_back(in[i]);
        if (in[i] == 0xFF && i + 1 < in.size() && in[i + 1] == 0x00) ++i;
    }
    return out;
}

bool is_word(std::string_view id, std::string_view word) {
    if (id.size() != word.size()) return false;
    for (size_t i = 0; i < id.size(); ++i)
        if ((id[i] | 0x20) != word[i]) return false;  // ASCII letters in any case
    return true;
}

// One RVA2 frame's content: identification, NUL, then channels of
// (type, gain as a signed 16-bit number of 1/512 dB, peak bit count, peak).
void read_rva2(std::span<const uint8_t> d, GainTags& tags) {
    const auto* nul = static_cast<const uint8_t*>(std::memchr(d.data(), 0, d.size()));
    if (!nul) return;
    const std::string_view id(reinterpret_cast<const char*>(d.data()), static_cast<size_t>(nul - d.data()));
    const bool track = is_word(id, "track"), album = is_word(id, "album");
    if (!track && !album) return;  // other adjustments (a normalizer's, a player's) are not ReplayGain
    for (size_t at = static_cast<size_t>(nul - d.data()) + 1; at + 4 <= d.size();) {
        const uint8_t type = d[at];
        const auto raw = static_cast<int16_t>(static_cast<uint16_t>(d[at + 1] << 8 | d[at + 2]));
        const size_t bits = d[at + 3];
        const size_t bytes = (bits + 7) / 8;
        if (at + 4 + bytes > d.size()) return;
        if (type == kMasterVolume) {
            (track ? tags.track_gain_db : tags.album_gain_db) = raw / 512.0;
            // The peak: an unsigned number of `bits` bits, right-aligned in
            // whole bytes, over 2^(bits-1) as a fraction of full scale (as
            // mutagen reads it); past 32 bits only the leading four bytes count.
            std::optional<double> peak;
            if (bits > 0) {
                const size_t used = std::min<size_t>(bytes, 4);
                uint64_t v = 0;
                for (size_t k = 0; k < used; ++k) v = v << 8 | d[at + 4 + k];
                const auto exponent = static_cast<int>(bits) - 1 - 8 * static_cast<int>(bytes - used);
                const double p = std::ldexp(static_cast<double>(v), -exponent);
                if (p > 0 && p <= 100) peak = p;
            }
            (track ? tags.track_peak : tags.album_peak) = peak;
            return;
        }
        at += 4 + bytes;
    }
}

}  // namespace

void read_id3v2_rva2(std::span<const uint8_t> tag, GainTags& tags) {
    if (tag.size() < kHeader || std::memcmp(tag.data(), "ID3", 3) != 0) return;
    const uint8_t version = tag[3], flags = tag[5];
    if (version != 3 && version != 4) return;  // ID3v2.2 has three-letter frames and no RVA2
    const size_t size = std::min<size_t>(syncsafe(tag.data() + 6), tag.size() - kHeader);
    std::span<const uint8_t> body = tag.subspan(kHeader, size);
    // ID3v2.3 unsynchronises the whole tag; ID3v2.4 each frame that says so.
    std::vector<uint8_t> whole;
    if (version == 3 && (flags & 0x80)) {
        whole = resynchronised(body);
        body = whole;
    }
    size_t at = 0;
    if (flags & 0x40) {  // an extended header: skipped by its size
        if (body.size() < 4) return;
        const size_t extended = version == 4 ? syncsafe(body.data()) : big_endian(body.data()) + 4;
        if (extended > body.size()) return;
        at = extended;
    }
    while (at + kHeader <= body.size()) {
        const uint8_t* h = body.data() + at;
        if (h[0] == 0) return;  // padding
        const size_t length = version == 4 ? syncsafe(h + 4) : big_endian(h + 4);
        if (length > body.size() - at - kHeader) return;
        std::span<const uint8_t> content = body.subspan(at + kHeader, length);
        at += kHeader + length;
        if (std::memcmp(h, "RVA2", 4) != 0) continue;
        const uint8_t format = h[9];
        // Compressed or encrypted frames are not read (v2.3: 0x80, 0x40; v2.4: 0x08, 0x04).
        if (format & (version == 4 ? 0x0C : 0xC0)) continue;
        std::vector<uint8_t> frame;
        if (version == 4) {
            if (format & 0x01) {  // a data length indicator before the content
                if (content.size() < 4) continue;
                content = content.subspan(4);
            }
            if (format & 0x02) {
                frame = resynchronised(content);
                content = frame;
            }
        }
        read_rva2(content, tags);
    }
}

}  // namespace simvx
