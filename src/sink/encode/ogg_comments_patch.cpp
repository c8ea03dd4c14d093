#include "sink/encode/ogg_comments_patch.hpp"

#include <ogg/ogg.h>

#include <cstring>
#include <optional>
#include <vector>

namespace simvx {
namespace {

constexpr size_t kPageHeader = 27;  // before the segment table

struct Page {
    uint64_t at;                 // in the file
    std::vector<uint8_t> bytes;  // header, segment table, body
    size_t header_len;
    size_t packet_from, packet_len;  // the comment packet's part of the body
};

uint32_t le32(const uint8_t* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24; }
void put_le32(uint8_t* p, uint32_t v) {
    for (int k = 0; k < 4; ++k) p[k] = static_cast<uint8_t>(v >> (8 * k));
}

std::optional<Page> read_page(const FilePatch& file, uint64_t at) {
    Page p{at, file.read(at, kPageHeader), 0, 0, 0};
    if (p.bytes.size() < kPageHeader || std::memcmp(p.bytes.data(), "OggS", 4) != 0) return std::nullopt;
    const size_t segments = p.bytes[26];
    const auto table = file.read(at + kPageHeader, segments);
    if (table.size() < segments) return std::nullopt;
    size_t body = 0;
    for (uint8_t lace : table) body += lace;
    p.header_len = kPageHeader + segments;
    p.bytes.insert(p.bytes.end(), table.begin(), table.end());
    const auto data = file.read(at + p.header_len, body);
    if (data.size() < body) return std::nullopt;
    p.bytes.insert(p.bytes.end(), data.begin(), data.end());
    return p;
}

// After the list at `list` (vendor, count, comments, little-endian lengths):
// `tags` appended, the count raised; none of it past `room_end`. Returns the
// list's new end, or none when the list is damaged or the room too small.
std::optional<size_t> append_comments(std::vector<uint8_t>& packet, size_t list, size_t room_end, const Tags& tags) {
    auto length_at = [&](size_t at) -> std::optional<size_t> {
        if (at + 4 > packet.size()) return std::nullopt;
        return le32(packet.data() + at);
    };
    const auto vendor = length_at(list);
    if (!vendor || *vendor > packet.size()) return std::nullopt;
    const size_t count_at = list + 4 + *vendor;
    const auto count = length_at(count_at);
    if (!count) return std::nullopt;
    size_t end = count_at + 4;
    for (uint32_t i = 0; i < *count; ++i) {
        const auto n = length_at(end);
        if (!n || *n > packet.size() - end - 4) return std::nullopt;
        end += 4 + *n;
    }
    for (const Tag& t : tags) {
        const std::string comment = t.key + "=" + t.value;
        if (end + 4 + comment.size() > room_end) return std::nullopt;
        put_le32(packet.data() + end, static_cast<uint32_t>(comment.size()));
        std::memcpy(packet.data() + end + 4, comment.data(), comment.size());
        end += 4 + comment.size();
    }
    put_le32(packet.data() + count_at, static_cast<uint32_t>(*count + tags.size()));
    return end;
}

}  // namespace

void add_ogg_comments(const FilePatch& file, std::string_view magic, bool framing, const Tags& tags) {
    const std::string where = "the comment header (Ogg page 2)";
    const auto first = read_page(file, 0);
    if (!first) file.fail("cannot tag the file: its first Ogg page is not as written");
    // The comment packet: from the start of the second page, over as many
    // pages as its lacing values (255 = the packet goes on) say.
    std::vector<Page> pages;
    std::vector<uint8_t> packet;
    uint64_t at = first->at + first->bytes.size();
    for (bool more = true; more;) {
        auto page = read_page(file, at);
        if (!page || pages.size() > 64) file.fail("cannot tag the file: " + where + " is not as written");
        const size_t segments = page->bytes[26];
        size_t len = 0, s = 0;
        for (more = true; s < segments && more; ++s) {
            len += page->bytes[kPageHeader + s];
            more = page->bytes[kPageHeader + s] == 255;
        }
        page->packet_len = len;
        packet.insert(packet.end(), page->bytes.begin() + static_cast<std::ptrdiff_t>(page->header_len),
                      page->bytes.begin() + static_cast<std::ptrdiff_t>(page->header_len + len));
        at += page->bytes.size();
        pages.push_back(std::move(*page));
        if (more && s == segments) continue;  // on the next page
        more = false;
    }
    if (packet.size() < magic.size() || std::memcmp(packet.data(), magic.data(), magic.size()) != 0)
        file.fail("cannot tag the file: " + where + " is not as written");
    const size_t room_end = packet.size() - (framing ? 1 : 0);  // a byte stays for the framing bit
    const auto end = append_comments(packet, magic.size(), room_end, tags);
    if (!end) file.fail("cannot tag the file: the tags do not fit in the room kept in " + where);
    if (framing) packet[*end] = 1;
    size_t from = 0;
    for (Page& p : pages) {
        std::memcpy(p.bytes.data() + p.header_len + p.packet_from, packet.data() + from, p.packet_len);
        from += p.packet_len;
        ogg_page og{p.bytes.data(), static_cast<long>(p.header_len), p.bytes.data() + p.header_len,
                    static_cast<long>(p.bytes.size() - p.header_len)};
        ogg_page_checksum_set(&og);
        file.write(p.at, p.bytes);
    }
}

}  // namespace simvx
