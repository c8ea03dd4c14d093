// The RVA2 reader: gains and peaks of well-formed frames, and nothing (never
// a crash or a read past the end) from damaged ones.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "decode/id3_rva2.hpp"

namespace simvx {
namespace {

using Bytes = std::vector<uint8_t>;

void put_syncsafe(Bytes& b, size_t n) {
    for (int shift : {21, 14, 7, 0}) b.push_back(static_cast<uint8_t>((n >> shift) & 0x7F));
}

// An RVA2 frame's content: identification, then one master-volume channel.
Bytes rva2_content(const std::string& id, double gain_db, uint8_t peak_bits = 0, uint32_t peak = 0) {
    Bytes c(id.begin(), id.end());
    c.push_back(0);
    c.push_back(2);  // a front-right channel first, which is not read
    c.insert(c.end(), {0x10, 0x00, 0});
    c.push_back(1);  // master volume
    const auto v = static_cast<uint16_t>(static_cast<int16_t>(std::lround(gain_db * 512)));
    c.push_back(static_cast<uint8_t>(v >> 8));
    c.push_back(static_cast<uint8_t>(v));
    c.push_back(peak_bits);
    for (int k = (peak_bits + 7) / 8 - 1; k >= 0; --k) c.push_back(static_cast<uint8_t>(peak >> (8 * k)));
    return c;
}

// An ID3v2.4 tag of RVA2 frames, with some padding after them.
Bytes tag_v24(const std::vector<Bytes>& frames) {
    Bytes body;
    for (const Bytes& f : frames) {
        body.insert(body.end(), {'R', 'V', 'A', '2'});
        put_syncsafe(body, f.size());
        body.insert(body.end(), {0, 0});
        body.insert(body.end(), f.begin(), f.end());
    }
    body.resize(body.size() + 16, 0);
    Bytes tag = {'I', 'D', '3', 4, 0, 0};
    put_syncsafe(tag, body.size());
    tag.insert(tag.end(), body.begin(), body.end());
    return tag;
}

TEST(GainTags, Rva2TrackAndAlbumMasterVolume) {
    GainTags t;
    read_id3v2_rva2(tag_v24({rva2_content("track", -6.5, 16, 16384), rva2_content("ALBUM", 2.25)}), t);
    ASSERT_TRUE(t.track_gain_db && t.album_gain_db);
    EXPECT_DOUBLE_EQ(*t.track_gain_db, -6.5);
    EXPECT_DOUBLE_EQ(*t.track_peak, 0.5);  // 16384 of 16 bits
    EXPECT_DOUBLE_EQ(*t.album_gain_db, 2.25);
    EXPECT_FALSE(t.album_peak);
}

TEST(GainTags, Rva2OtherIdentificationsAndChannelsAreIgnored) {
    GainTags t;
    Bytes only_right = {'t', 'r', 'a', 'c', 'k', 0, 2, 0x10, 0x00, 0};
    read_id3v2_rva2(tag_v24({rva2_content("normalize", -3), only_right}), t);
    EXPECT_TRUE(t.empty());
}

TEST(GainTags, Rva2InAnId3v23TagWithUnsynchronisation) {
    // -0.5 dB is 0xFF00 in 1/512 dB: unsynchronisation puts a 0x00 after the 0xFF.
    Bytes content = rva2_content("track", -0.5);
    Bytes body = {'R', 'V', 'A', '2', 0, 0, 0, static_cast<uint8_t>(content.size()), 0, 0};
    body.insert(body.end(), content.begin(), content.end());
    Bytes unsynced;
    for (uint8_t b : body) {
        unsynced.push_back(b);
        if (b == 0xFF) unsynced.push_back(0);
    }
    Bytes tag = {'I', 'D', '3', 3, 0, 0x80};
    put_syncsafe(tag, unsynced.size());
    tag.insert(tag.end(), unsynced.begin(), unsynced.end());
    GainTags t;
    read_id3v2_rva2(tag, t);
    ASSERT_TRUE(t.track_gain_db);
    EXPECT_DOUBLE_EQ(*t.track_gain_db, -0.5);
}

TEST(GainTags, DamagedRva2FramesReadNothingAndStayInBounds) {
    const Bytes good = tag_v24({rva2_content("track", -6, 16, 30000)});
    // Every truncation of a good tag, each byte of it replaced, and frames
    // whose lengths point past the tag: at most the one real gain comes out.
    for (size_t n = 0; n <= good.size(); ++n) {
        const Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        GainTags t;
        read_id3v2_rva2(cut, t);
        if (t.track_gain_db) {
            EXPECT_DOUBLE_EQ(*t.track_gain_db, -6);
        }
    }
    for (size_t i = 0; i < good.size(); ++i)
        for (uint8_t v : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
            Bytes bad = good;
            bad[i] = v;
            GainTags t;
            read_id3v2_rva2(bad, t);
            if (t.track_gain_db) {
                EXPECT_LE(std::fabs(*t.track_gain_db), 64.0);
            }
        }
    Bytes huge_peak = {'t', 'r', 'a', 'c', 'k', 0, 1, 0x02, 0x00, 255};  // 32 bytes of peak promised, none there
    GainTags t;
    read_id3v2_rva2(tag_v24({huge_peak, Bytes{'a', 'l', 'b', 'u', 'm'}}), t);  // and an identification with no NUL
    EXPECT_TRUE(t.empty());
    std::mt19937 rng(7);
    for (int round = 0; round < 2000; ++round) {
        Bytes noise(static_cast<size_t>(rng() % 64));
        for (auto& b : noise) b = static_cast<uint8_t>(rng());
        Bytes tag = {'I', 'D', '3', static_cast<uint8_t>(3 + rng() % 2), 0, static_cast<uint8_t>(rng())};
        put_syncsafe(tag, rng() % 128);
        tag.insert(tag.end(), {'R', 'V', 'A', '2'});
        tag.insert(tag.end(), noise.begin(), noise.end());
        GainTags g;
        read_id3v2_rva2(tag, g);
    }
}

}  // namespace
}  // namespace simvx
