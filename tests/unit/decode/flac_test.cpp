// FLAC and Ogg FLAC decoders: sox-synthesized signals encoded with flac(1),
// decoded through open_decoder_file (so sniffing is exercised) and compared
// bit for bit with flac(1)'s own decode; seeking; ID3v2 before "fLaC";
// damage in the middle; and refusals of files with nothing to decode.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "decode/registry.hpp"
#include "decode_all.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

using test::TempDir;
using test::decode_float;
using test::decode_int;

struct FlacCase {
    uint32_t rate;
    uint32_t channels;
    uint32_t bits;
    bool ogg;
};
void PrintTo(const FlacCase& c, std::ostream* os) {
    *os << c.rate << " Hz, " << c.channels << " ch, " << c.bits << " bit" << (c.ogg ? ", Ogg" : "");
}

std::string case_name(const testing::TestParamInfo<FlacCase>& p) {
    const auto& c = p.param;
    return std::to_string(c.rate) + "Hz_" + std::to_string(c.channels) + "ch_" + std::to_string(c.bits) + "bit" +
           (c.ogg ? "_ogg" : "");
}

// 2 s of two tones (alternating over the channels), undithered so every run is the same.
std::string make_flac(const TempDir& dir, const FlacCase& c) {
    const std::string wav = dir / "src.wav", out = dir / (c.ogg ? "x.oga" : "x.flac");
    test::sh("sox -D -n -r " + std::to_string(c.rate) + " -c " + std::to_string(c.channels) + " -b " +
             std::to_string(c.bits) + " '" + wav + "' synth 2 sine 440 sine 1250 gain -3");
    test::sh(std::string("flac -s -f ") + (c.ogg ? "--ogg " : "") + "-o '" + out + "' '" + wav + "'");
    return out;
}

// flac(1)'s decode of `path`, as s32 samples left-justified by sox.
std::vector<int32_t> reference_s32(const TempDir& dir, const std::string& path, bool ogg) {
    const std::string ref = dir / "ref.wav";
    test::sh(std::string("flac -s -d -f ") + (ogg ? "--ogg " : "") + "-o '" + ref + "' '" + path + "'");
    const test::RunResult r = test::run({"sox", ref, "-t", "s32", "-"});
    if (r.status != 0) throw std::runtime_error("sox failed: " + r.err);
    std::vector<int32_t> s(r.out.size() / 4);
    std::memcpy(s.data(), r.out.data(), s.size() * 4);
    return s;
}

class FlacDecoderFormats : public testing::TestWithParam<FlacCase> {
protected:
    void SetUp() override {
        if (!test::have_tool("flac") || !test::have_tool("sox")) GTEST_SKIP() << "needs flac and sox";
    }
};

TEST_P(FlacDecoderFormats, BitExactAgainstFlacTool) {
    const FlacCase c = GetParam();
    TempDir dir;
    const std::string path = make_flac(dir, c);
    const std::vector<int32_t> ref = reference_s32(dir, path, c.ogg);

    auto dec = open_decoder_file(path);
    const DecoderInfo& info = dec->info();
    EXPECT_EQ(info.format, c.ogg ? "Ogg FLAC" : "FLAC");
    EXPECT_EQ(info.spec.rate, c.rate);
    EXPECT_EQ(info.spec.channels, c.channels);
    EXPECT_EQ(info.bits, c.bits);
    EXPECT_TRUE(info.lossless);
    ASSERT_TRUE(dec->can_read_int());
    ASSERT_TRUE(info.frames.has_value());
    EXPECT_EQ(*info.frames, uint64_t{c.rate} * 2);

    const std::vector<int32_t> got = decode_int(*dec);
    ASSERT_EQ(got.size(), ref.size());
    EXPECT_EQ(got.size() / c.channels, *info.frames);
    size_t mismatches = 0;
    for (size_t i = 0; i < got.size(); ++i) mismatches += got[i] != ref[i];
    EXPECT_EQ(mismatches, 0u);
}

TEST_P(FlacDecoderFormats, FloatIsIntegerScaledToFullScale) {
    const FlacCase c = GetParam();
    TempDir dir;
    const std::string path = make_flac(dir, c);
    const std::vector<int32_t> ints = decode_int(*open_decoder_file(path));
    const std::vector<float> floats = decode_float(*open_decoder_file(path));
    ASSERT_EQ(floats.size(), ints.size());
    for (size_t i = 0; i < ints.size(); i += 97)
        ASSERT_FLOAT_EQ(floats[i], static_cast<float>(ints[i] / 2147483648.0)) << "sample " << i;
}

TEST_P(FlacDecoderFormats, SeekGivesTheTailOfAFullDecode) {
    const FlacCase c = GetParam();
    TempDir dir;
    const std::string path = make_flac(dir, c);
    const std::vector<int32_t> full = decode_int(*open_decoder_file(path));

    auto dec = open_decoder_file(path);
    for (uint64_t target : {uint64_t{54321}, uint64_t{4096}, uint64_t{0}, uint64_t{c.rate} * 2 - 10}) {
        dec->seek(target);
        const std::vector<int32_t> tail = decode_int(*dec);
        ASSERT_EQ(tail.size(), full.size() - target * c.channels) << "seek to " << target;
        EXPECT_TRUE(std::equal(tail.begin(), tail.end(), full.begin() + static_cast<std::ptrdiff_t>(target * c.channels)))
            << "seek to " << target;
    }
    dec->seek(uint64_t{c.rate} * 2);  // the very end: nothing left, no error
    std::vector<int32_t> buf(64 * c.channels);
    EXPECT_EQ(dec->read_int(buf), 0u);
}

INSTANTIATE_TEST_SUITE_P(Flac, FlacDecoderFormats,
                         testing::Values(FlacCase{44100, 2, 16, false}, FlacCase{48000, 1, 24, false},
                                         FlacCase{44100, 6, 16, false}, FlacCase{48000, 2, 24, false},
                                         FlacCase{44100, 2, 16, true}, FlacCase{48000, 6, 24, true}),
                         case_name);

class FlacDecoder : public testing::Test {
protected:
    void SetUp() override {
        if (!test::have_tool("flac") || !test::have_tool("sox")) GTEST_SKIP() << "needs flac and sox";
        path_ = make_flac(dir_, FlacCase{44100, 2, 16, false});
        bytes_ = test::read_file(path_);
    }
    // Writes `bytes` to a new file and returns its path.
    std::string fixture(const std::string& name, const std::string& bytes) {
        const std::string p = dir_ / name;
        test::write_file(p, bytes);
        return p;
    }
    TempDir dir_;
    std::string path_, bytes_;
};

TEST_F(FlacDecoder, Id3v2TagBeforeTheSignatureIsSkipped) {
    // ID3v2.3 header with a syncsafe size of 300 (0x02 0x2C), then zero padding.
    const std::string tag = std::string("ID3\x03\x00\x00\x00\x00\x02\x2C", 10) + std::string(300, '\0');
    const std::string tagged = fixture("tagged.flac", tag + bytes_);
    EXPECT_EQ(decode_int(*open_decoder_file(tagged)), decode_int(*open_decoder_file(path_)));
}

TEST_F(FlacDecoder, DamageInTheMiddleIsSkippedWithoutStopping) {
    std::string damaged = bytes_;
    for (size_t i = damaged.size() / 2; i < damaged.size() / 2 + 2000; ++i) damaged[i] = static_cast<char>(i * 7);
    const std::string p = fixture("damaged.flac", damaged);
    auto dec = open_decoder_file(p);
    const size_t frames = decode_int(*dec).size() / 2;
    // Most of the 2 s survive; the broken blocks are dropped (or silenced), never extra.
    EXPECT_GT(frames, 44100u * 3 / 2);
    EXPECT_LE(frames, 44100u * 2);
}

TEST_F(FlacDecoder, TruncatedMetadataIsRefusedNamingTheFile) {
    const std::string p = fixture("cut.flac", bytes_.substr(0, 30));
    try {
        open_decoder_file(p);
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("FLAC"), std::string::npos) << e.what();
    }
}

TEST_F(FlacDecoder, AudioThatIsAllGarbageIsRefused) {
    // Keep the signature and metadata (text and padding: no 0xFF byte), replace every audio byte.
    const size_t first_frame = bytes_.find("\xFF\xF8", 42);
    ASSERT_NE(first_frame, std::string::npos);
    std::string garbage = bytes_;
    for (size_t i = first_frame; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 2654435761u) >> 13);
    const std::string p = fixture("garbage.flac", garbage);
    try {
        open_decoder_file(p);
        FAIL() << "expected an error";
    } catch (const DecodeError& e) {
        EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
}

TEST_F(FlacDecoder, SignatureWithNothingAfterItIsRefused) {
    const std::string p = fixture("sig.flac", "fLaC");
    EXPECT_THROW(open_decoder_file(p), DecodeError);
}

TEST_F(FlacDecoder, DecodesFromMemoryToo) {
    std::vector<uint8_t> mem(bytes_.begin(), bytes_.end());
    auto dec = open_decoder(ByteSource::from_memory(std::move(mem), "memory.flac"));
    EXPECT_EQ(decode_int(*dec), decode_int(*open_decoder_file(path_)));
}

}  // namespace
}  // namespace simvx
