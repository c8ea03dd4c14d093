#include "sink/encode/id3_tags_patch.hpp"

#include <cstring>
#include <vector>

namespace simvx {
namespace {

constexpr size_t kHeader = 10;  // of the tag, and of each frame

uint32_t syncsafe(const uint8_t* p) {
    return uint32_t{p[0]} << 21 | uint32_t{p[1]} << 14 | uint32_t{p[2]} << 7 | p[3];
}
uint32_t big_endian(const uint8_t* p) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
void put_size(uint8_t* p, size_t n, bool v24) {
    for (int k = 0; k < 4; ++k) p[k] = static_cast<uint8_t>(v24 ? (n >> (21 - 7 * k)) & 0x7F : n >> (24 - 8 * k));
}

}  // namespace

void add_id3_txxx(const FilePatch& file, const Tags& tags) {
    auto head = file.read(0, kHeader);
    // Only what the encoder wrote: ID3v2.3 or 2.4, no unsynchronisation, no extended header.
    if (head.size() < kHeader || std::memcmp(head.data(), "ID3", 3) != 0 || (head[3] != 3 && head[3] != 4) ||
        (head[5] & 0xC0) || ((head[6] | head[7] | head[8] | head[9]) & 0x80))
        file.fail("cannot tag the file: it does not start with the ID3v2 tag as written");
    const bool v24 = head[3] == 4;
    const size_t size = syncsafe(head.data() + 6);
    std::vector<uint8_t> body = file.read(kHeader, size);
    if (body.size() < size) file.fail("cannot tag the file: its ID3v2 tag is cut short");
    // The padding starts where a frame would, with a zero byte.
    size_t at = 0;
    while (at + kHeader <= size && body[at] != 0) {
        const size_t length = v24 ? syncsafe(&body[at + 4]) : big_endian(&body[at + 4]);
        if (length > size - at - kHeader) file.fail("cannot tag the file: its ID3v2 tag is damaged");
        at += kHeader + length;
    }
    const size_t padding_at = at;
    for (const Tag& t : tags) {
        const size_t length = 1 + t.key.size() + 1 + t.value.size();  // encoding, description, NUL, value
        if (at + kHeader + length > size)
            file.fail("cannot tag the file: the tags do not fit in the padding kept in its ID3v2 tag");
        std::memcpy(&body[at], "TXXX", 4);
        put_size(&body[at + 4], length, v24);
        body[at + 8] = body[at + 9] = 0;
        body[at + 10] = 0;  // ISO-8859-1
        std::memcpy(&body[at + 11], t.key.data(), t.key.size());
        body[at + 11 + t.key.size()] = 0;
        std::memcpy(&body[at + 12 + t.key.size()], t.value.data(), t.value.size());
        at += kHeader + length;
    }
    file.write(kHeader + padding_at, std::span<const uint8_t>(body.data() + padding_at, at - padding_at));
}

}  // namespace simvx
