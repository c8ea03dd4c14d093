// MPEG audio decoder: lame-encoded sox signals decoded through
// open_decoder_file (so sniffing is exercised) and compared with mpg123(1)'s
// own float decode; seeking; what the probe takes and refuses; and the ISO
// 11172-4 conformance streams of the corpus against their reference decodes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "decode/formats.hpp"
#include "decode/registry.hpp"
#include "support/audio.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

using test::TempDir;

struct Mp3Case {
    uint32_t rate;
    uint32_t channels;
};
void PrintTo(const Mp3Case& c, std::ostream* os) { *os << c.rate << " Hz, " << c.channels << " ch"; }

std::string case_name(const testing::TestParamInfo<Mp3Case>& p) {
    return std::to_string(p.param.rate) + "Hz_" + std::to_string(p.param.channels) + "ch";
}

// 2 s of two tones encoded by lame at 128 kb/s (with its gapless Info tag).
std::string make_mp3(const TempDir& dir, const Mp3Case& c) {
    const std::string wav = dir / "src.wav", mp3 = dir / "x.mp3";
    test::sh("sox -D -n -r " + std::to_string(c.rate) + " -c " + std::to_string(c.channels) + " -b 16 '" + wav +
             "' synth 2 sine 440 sine 1250 gain -3");
    test::sh("lame --quiet -b 128 " + std::string(c.channels == 1 ? "-m m " : "") + "'" + wav + "' '" + mp3 + "'");
    return mp3;
}

std::vector<float> decode_all(Decoder& dec) {
    const size_t ch = dec.info().spec.channels;
    std::vector<float> all, buf(1000 * ch);  // not a codec frame multiple on purpose
    while (size_t n = dec.read(buf)) all.insert(all.end(), buf.begin(), buf.begin() + n * ch);
    return all;
}

// RMS of a - b over their common length, in dB re full scale.
double residual_db(std::span<const float> a, std::span<const float> b) {
    std::vector<float> d(std::min(a.size(), b.size()));
    for (size_t i = 0; i < d.size(); ++i) d[i] = a[i] - b[i];
    return test::rms_db(d);
}

class MpegDecoderLame : public testing::TestWithParam<Mp3Case> {
protected:
    void SetUp() override {
        for (const char* tool : {"sox", "lame", "mpg123"})
            if (!test::have_tool(tool)) GTEST_SKIP() << "needs " << tool;
    }
};

TEST_P(MpegDecoderLame, MatchesMpg123FloatDecode) {
    const Mp3Case c = GetParam();
    TempDir dir;
    const std::string mp3 = make_mp3(dir, c);
    const test::RunResult ref = test::run({"mpg123", "-q", "-e", "f32", "-s", mp3});
    ASSERT_EQ(ref.status, 0) << ref.err;
    const test::Pcm want = test::from_f32le(ref.out, c.rate, c.channels);

    auto dec = open_decoder_file(mp3);
    EXPECT_EQ(dec->info().format, c.rate >= 32000 ? "MPEG-1 Layer III" : "MPEG-2 Layer III");
    EXPECT_EQ(dec->info().spec.rate, c.rate);
    EXPECT_EQ(dec->info().spec.channels, c.channels);
    EXPECT_FALSE(dec->info().lossless);
    const std::vector<float> got = decode_all(*dec);
    // Gapless: exactly the 2 s that went in, like mpg123's default.
    EXPECT_EQ(got.size(), want.samples.size());
    EXPECT_EQ(got.size() / c.channels, size_t{c.rate} * 2);
    EXPECT_LT(residual_db(got, want.samples), -90);
    EXPECT_GT(test::rms_db(got), -12);  // it is the signal, not silence
}

// The length is known at open (a scan of the frame headers), exactly what
// decoding gives: with it, long MPEG files can stream from disk.
TEST_P(MpegDecoderLame, LengthIsKnownAtOpenAndExact) {
    const Mp3Case c = GetParam();
    TempDir dir;
    const std::string plain = make_mp3(dir, c);
    // Without lame's Info tag nothing in the file says the length: the scan counts the frames.
    const std::string untagged = dir / "untagged.mp3";
    test::sh("lame --quiet -t -b 96 " + std::string(c.channels == 1 ? "-m m " : "") + "'" + std::string(dir / "src.wav") +
             "' '" + untagged + "'");
    for (const std::string& mp3 : {plain, untagged}) {
        auto dec = open_decoder_file(mp3);
        ASSERT_TRUE(dec->info().frames.has_value()) << mp3;
        EXPECT_EQ(*dec->info().frames, decode_all(*dec).size() / c.channels) << mp3;
    }
    EXPECT_EQ(*open_decoder_file(plain)->info().frames, size_t{c.rate} * 2);  // gapless
}

TEST_P(MpegDecoderLame, SeekGivesTheTailOfAFullDecode) {
    const Mp3Case c = GetParam();
    TempDir dir;
    const std::string mp3 = make_mp3(dir, c);
    const std::vector<float> full = decode_all(*open_decoder_file(mp3));
    const size_t frames = full.size() / c.channels;

    auto dec = open_decoder_file(mp3);
    for (uint64_t target : {uint64_t{30001}, uint64_t{5000}, uint64_t{0}}) {
        dec->seek(target);
        const std::vector<float> tail = decode_all(*dec);
        ASSERT_EQ(tail.size() / c.channels, frames - target) << "seek to " << target;
        const std::span<const float> expect(full.data() + target * c.channels, tail.size());
        // Layer III needs the bit reservoir of earlier frames: mpg123 decodes
        // some ahead of the seek point, so the tail is near-identical, not bit-exact.
        EXPECT_LT(residual_db(tail, expect), -90) << "seek to " << target;
    }
}

INSTANTIATE_TEST_SUITE_P(Mpeg, MpegDecoderLame,
                         testing::Values(Mp3Case{44100, 2}, Mp3Case{48000, 1}, Mp3Case{22050, 2}), case_name);

// ---- probing and refusals ---------------------------------------------------

class MpegDecoder : public testing::Test {
protected:
    void SetUp() override {
        for (const char* tool : {"sox", "lame"})
            if (!test::have_tool(tool)) GTEST_SKIP() << "needs " << tool;
        bytes_ = test::read_file(make_mp3(dir_, Mp3Case{44100, 2}));
    }
    std::string fixture(const std::string& name, const std::string& bytes) {
        const std::string p = dir_ / name;
        test::write_file(p, bytes);
        return p;
    }
    static std::span<const uint8_t> head(const std::string& s) {
        return {reinterpret_cast<const uint8_t*>(s.data()), std::min(s.size(), formats::kProbeBytes)};
    }
    TempDir dir_;
    std::string bytes_;
};

TEST_F(MpegDecoder, ProbeTakesFramesAtTheStartAfterATagOrAfterALittleJunk) {
    EXPECT_TRUE(formats::probe_mpeg(head(bytes_)));
    const std::string tag = std::string("ID3\x04\x00\x00\x00\x00\x01\x00", 10) + std::string(128, '\0');
    EXPECT_TRUE(formats::probe_mpeg(head(tag + bytes_)));
    EXPECT_TRUE(formats::probe_mpeg(head(std::string(300, 'x') + bytes_)));
    // A tag bigger than the probe window (cover art, 70000 bytes) hides the
    // frames from the probe; it says where the tag ends, and open_decoder
    // looks for the frames there.
    const std::string big_tag = std::string("ID3\x04\x00\x00\x00\x04\x22\x70", 10) + std::string(70000, '\0');
    EXPECT_FALSE(formats::probe_mpeg(head(big_tag + bytes_)));
    EXPECT_EQ(formats::id3v2_end(head(big_tag + bytes_)), 70010u);
    const std::string tagged = big_tag + bytes_;
    const auto dec = open_decoder(ByteSource::from_memory(std::vector<uint8_t>(tagged.begin(), tagged.end()), "tagged.mp3"));
    EXPECT_EQ(dec->info().format, "MPEG-1 Layer III");
    // The same tag with nothing after it is refused.
    EXPECT_THROW(open_decoder(ByteSource::from_memory(std::vector<uint8_t>(big_tag.begin(), big_tag.end()), "t.mp3")),
                 InputError);
}

TEST_F(MpegDecoder, ProbeRefusesTextNoiseAndALoneSyncWord) {
    EXPECT_FALSE(formats::probe_mpeg(head(std::string(4000, 'a'))));
    std::mt19937 rng(42);
    std::string noise(65536, '\0');
    for (char& ch : noise) ch = static_cast<char>(rng() & 0x7F);  // no 0xFF byte: no sync
    EXPECT_FALSE(formats::probe_mpeg(head(noise)));
    // One valid-looking header followed by something else.
    EXPECT_FALSE(formats::probe_mpeg(head(bytes_.substr(0, 4) + std::string(3000, '\0'))));
}

// Frames of silence with header `h` and `length` bytes each.
std::string frames_of(const char* h, size_t length, int n) {
    std::string frame(length, '\0');
    std::memcpy(frame.data(), h, 4);
    std::string out;
    for (int i = 0; i < n; ++i) out += frame;
    return out;
}

// How many frames in a row make a stream: 2 near the start, 4 (or 3 that end
// the input) after more than 256 bytes of junk, where Layer I is not looked for.
TEST(MpegProbe, FramesInARowNeededDependOnWhereTheyStart) {
    auto probe = [](const std::string& s) {
        return formats::probe_mpeg({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
    };
    const char* l3 = "\xff\xfb\x90\x00";  // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417 bytes
    const std::string zeros(2000, '\0'), junk(1000, 'x');
    EXPECT_TRUE(probe(frames_of(l3, 417, 2) + zeros));
    EXPECT_FALSE(probe(frames_of(l3, 417, 1) + zeros));
    EXPECT_TRUE(probe(frames_of(l3, 417, 1)));  // a whole input of one frame
    EXPECT_TRUE(probe(std::string(200, 'x') + frames_of(l3, 417, 2) + zeros));
    EXPECT_FALSE(probe(junk + frames_of(l3, 417, 2) + zeros));
    EXPECT_FALSE(probe(junk + frames_of(l3, 417, 3) + zeros));
    EXPECT_TRUE(probe(junk + frames_of(l3, 417, 3)));
    EXPECT_TRUE(probe(junk + frames_of(l3, 417, 4) + zeros));
    // A change of sample rate (48 kHz: 384 bytes) breaks the chain.
    EXPECT_FALSE(probe(junk + frames_of(l3, 417, 2) + frames_of("\xff\xfb\x94\x00", 384, 2) + zeros));
    const char* l1 = "\xff\xff\x90\x00";  // MPEG-1 Layer I, 288 kbit/s, 44.1 kHz: 312 bytes
    EXPECT_TRUE(probe(frames_of(l1, 312, 3) + zeros));
    EXPECT_FALSE(probe(junk + frames_of(l1, 312, 20) + zeros));
}

TEST_F(MpegDecoder, DecodesAfterAnId3v2Tag) {
    const std::string tag = std::string("ID3\x03\x00\x00\x00\x00\x02\x2C", 10) + std::string(300, '\0');
    const std::string plain = fixture("plain.mp3", bytes_), tagged = fixture("tagged.mp3", tag + bytes_);
    EXPECT_EQ(decode_all(*open_decoder_file(tagged)), decode_all(*open_decoder_file(plain)));
}

TEST_F(MpegDecoder, DamageInTheMiddleIsSkipped) {
    std::string damaged = bytes_;
    for (size_t i = damaged.size() / 2; i < damaged.size() / 2 + 500; ++i) damaged[i] = static_cast<char>(i * 13);
    auto dec = open_decoder_file(fixture("damaged.mp3", damaged));
    const size_t frames = decode_all(*dec).size() / 2;
    EXPECT_GT(frames, 44100u * 3 / 2);
    EXPECT_LE(frames, 44100u * 2 + 1152);
}

TEST_F(MpegDecoder, TagWithNoAudioIsRefusedNamingTheFile) {
    const std::string tag = std::string("ID3\x03\x00\x00\x00\x00\x02\x2C", 10) + std::string(300, '\0');
    const std::string p = fixture("tag-only.mp3", tag);
    try {
        open_decoder_file(p);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
}

TEST_F(MpegDecoder, HeadersWithoutAudioAreRefused) {
    // The lame Info frame (417 bytes at 128 kb/s) and a few bytes of the next
    // frame: the probe takes it, but nothing is decodable.
    const std::string p = fixture("cut.mp3", bytes_.substr(0, 430));
    ASSERT_TRUE(formats::probe_mpeg(head(test::read_file(p))));
    try {
        auto dec = open_decoder_file(p);
        // mpg123 may get a frame or two out of it; then it must end, not hang.
        EXPECT_LE(decode_all(*dec).size() / 2, 1152u);
    } catch (const DecodeError& e) {
        EXPECT_NE(std::string(e.what()).find("no MPEG audio frames found"), std::string::npos) << e.what();
    }
}

TEST_F(MpegDecoder, DecodesFromMemoryToo) {
    std::vector<uint8_t> mem(bytes_.begin(), bytes_.end());
    auto dec = open_decoder(ByteSource::from_memory(std::move(mem), "memory.mp3"));
    EXPECT_EQ(decode_all(*dec), decode_all(*open_decoder_file(fixture("file.mp3", bytes_))));
}

// ---- ISO conformance streams (only when the shared corpus is there) ------------

struct Vector {
    const char* name;
    const char* format;
};
void PrintTo(const Vector& v, std::ostream* os) { *os << v.name; }

class MpegDecoderIso : public testing::TestWithParam<Vector> {};

TEST_P(MpegDecoderIso, MatchesTheReferenceDecode) {
    const std::string base = std::string(SIMVX_CORPUS_DIR) + "/minimp3-vectors/" + GetParam().name;
    if (!std::filesystem::exists(base + ".bit")) GTEST_SKIP() << "corpus not present";
    auto dec = open_decoder_file(base + ".bit");
    EXPECT_EQ(dec->info().format, GetParam().format);
    const std::vector<float> got = decode_all(*dec);
    const std::vector<int16_t> ref16 = test::from_s16le(test::read_file(base + ".pcm"));
    // Layer I/II references are padded or cut to a round size: compare the overlap.
    const size_t n = std::min(got.size(), ref16.size());
    ASSERT_GT(n, 10000u);
    std::vector<float> ref(n);
    double max_diff = 0;
    for (size_t i = 0; i < n; ++i) {
        ref[i] = static_cast<float>(ref16[i]) / 32768.0f;
        max_diff = std::max(max_diff, std::fabs(static_cast<double>(got[i]) * 32768.0 - ref16[i]));
    }
    EXPECT_LT(residual_db(std::span(got).first(n), ref), -90);
    EXPECT_LE(max_diff, 1.0);  // within one s16 step (the reference is rounded)
}

INSTANTIATE_TEST_SUITE_P(Mpeg, MpegDecoderIso,
                         testing::Values(Vector{"l1-fl1", "MPEG-1 Layer I"}, Vector{"l1-fl4", "MPEG-1 Layer I"},
                                         Vector{"l2-fl10", "MPEG-1 Layer II"}, Vector{"l2-fl13", "MPEG-1 Layer II"},
                                         Vector{"l3-compl", "MPEG-1 Layer III"},
                                         Vector{"M2L3_compl24", "MPEG-2 Layer III"}),
                         [](const testing::TestParamInfo<Vector>& p) {
                             std::string s = p.param.name;
                             std::replace(s.begin(), s.end(), '-', '_');
                             return s;
                         });

}  // namespace
}  // namespace simvx
