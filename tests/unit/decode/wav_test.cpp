// WAV decoder: every sample format against sox's own decode of the same file,
// hand-built headers for the layouts sox never writes (chunk order, RF64,
// truncation, pipes), rejections with their messages, and hostile bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>

#include "core/error.hpp"
#include "core/log.hpp"
#include "decode/formats.hpp"
#include "decode/registry.hpp"
#include "support/audio.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

using test::TempDir;

// ---- byte-level fixture building ---------------------------------------------

std::string le(uint64_t v, int bytes) {
    std::string s;
    for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return s;
}

std::string be(uint64_t v, int bytes) {
    std::string s = le(v, bytes);
    return {s.rbegin(), s.rend()};
}

// One chunk: id, little-endian size, payload, pad byte when odd.
std::string chunk(const std::string& id, const std::string& payload) {
    std::string c = id + le(payload.size(), 4) + payload;
    if (payload.size() % 2) c.push_back('\0');
    return c;
}

// A chunk header claiming `size` bytes whatever follows.
std::string chunk_header(const std::string& id, uint32_t size) { return id + le(size, 4); }

std::string riff(const std::string& body, const std::string& form = "RIFF") {
    return form + le(4 + body.size(), 4) + "WAVE" + body;
}

std::string fmt_payload(uint16_t tag, uint16_t channels, uint32_t rate, uint16_t bits, uint16_t block_align = 0) {
    if (!block_align) block_align = static_cast<uint16_t>(channels * ((bits + 7) / 8));
    return le(tag, 2) + le(channels, 2) + le(rate, 4) + le(uint64_t{rate} * block_align, 4) + le(block_align, 2) +
           le(bits, 2);
}

std::string extensible_payload(uint16_t channels, uint32_t rate, uint16_t container_bits, uint16_t valid_bits,
                               uint32_t mask, uint16_t subformat) {
    static const std::string guid_tail("\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 12);
    return fmt_payload(0xFFFE, channels, rate, container_bits) + le(22, 2) + le(valid_bits, 2) + le(mask, 4) +
           le(subformat, 4) + guid_tail;
}

std::string fmt_chunk(uint16_t tag, uint16_t channels, uint32_t rate, uint16_t bits) {
    return chunk("fmt ", fmt_payload(tag, channels, rate, bits));
}

// Interleaved s16 ramp: sample i of channel c = (i * 256 + c) (wrapping), easy to check.
std::string s16_ramp(size_t frames, uint16_t channels) {
    std::string d;
    for (size_t i = 0; i < frames; ++i)
        for (uint16_t c = 0; c < channels; ++c) d += le(static_cast<uint16_t>(i * 256 + c), 2);
    return d;
}

int32_t ramp_value(size_t i, uint16_t c) { return static_cast<int16_t>(static_cast<uint16_t>(i * 256 + c)); }

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::unique_ptr<Decoder> open_bytes(const std::string& s, const std::string& name = "x.wav") {
    return open_decoder(ByteSource::from_memory(bytes_of(s), name));
}

// A pipe: no size, no seeking (what `cat x.wav | simvxplay -` gives).
class PipeSource final : public ByteSource {
public:
    PipeSource(std::string bytes, std::string name) : ByteSource(std::move(name)), bytes_(std::move(bytes)) {}
    size_t read(void* dst, size_t n) override {
        const size_t got = std::min(n, bytes_.size() - pos_);
        std::memcpy(dst, bytes_.data() + pos_, got);
        pos_ += got;
        return got;
    }
    bool seek(uint64_t) override { return false; }
    uint64_t tell() const override { return pos_; }
    std::optional<uint64_t> size() const override { return std::nullopt; }
    bool seekable() const override { return false; }

private:
    std::string bytes_;
    size_t pos_ = 0;
};

std::unique_ptr<Decoder> open_pipe(const std::string& s, const std::string& name = "pipe.wav") {
    return formats::open_wav(std::make_unique<PipeSource>(s, name));
}

// Reads everything, in odd-sized pieces so block boundaries get exercised.
std::vector<float> read_all(Decoder& d, size_t frames_per_call = 1000) {
    const size_t ch = d.info().spec.channels;
    std::vector<float> all, buf(frames_per_call * ch);
    while (size_t n = d.read(buf)) all.insert(all.end(), buf.begin(), buf.begin() + static_cast<long>(n * ch));
    return all;
}

std::vector<int32_t> read_all_int(Decoder& d, size_t frames_per_call = 1000) {
    const size_t ch = d.info().spec.channels;
    std::vector<int32_t> all, buf(frames_per_call * ch);
    while (size_t n = d.read_int(buf)) all.insert(all.end(), buf.begin(), buf.begin() + static_cast<long>(n * ch));
    return all;
}

std::vector<int32_t> from_s32le(const std::string& bytes) {
    std::vector<int32_t> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    return v;
}

// Expects `f` to throw an InputError (or DecodeError) whose message contains every piece.
template <typename F>
void expect_rejected(F&& f, std::initializer_list<std::string> pieces) {
    try {
        f();
        ADD_FAILURE() << "expected a rejection mentioning " << *pieces.begin();
    } catch (const InputError& e) {
        const std::string msg = e.what();
        for (const auto& p : pieces) EXPECT_NE(msg.find(p), std::string::npos) << "message: " << msg;
    }
}

// ---- every sample format sox writes, compared with sox's own decode -------------

struct SoxCase {
    const char* name;
    const char* sox_args;  // output options for `sox -n ... FILE synth`
    uint32_t channels;
    uint32_t bits;         // expected info().bits (0 = float)
    const char* format;    // expected info().format
    uint32_t mask;         // expected channel mask
};

void PrintTo(const SoxCase& c, std::ostream* os) { *os << c.name; }

class WavSoxFormat : public ::testing::TestWithParam<SoxCase> {};

TEST_P(WavSoxFormat, DecodesLikeSox) {
    if (!test::have_tool("sox")) GTEST_SKIP() << "sox not installed";
    const SoxCase& c = GetParam();
    TempDir dir;
    const std::string path = dir / "x.wav";
    // Different tones per channel so swapped channels would show.
    test::sh("sox -D -n -r 44100 -c " + std::to_string(c.channels) + " " + c.sox_args + " " + path +
             " synth 0.5 sine 1000 sine 1500 sine 700 sine 300 sine 2000 sine 440 sine 880 sine 100 gain -1");
    auto dec = open_decoder_file(path);
    const auto& info = dec->info();
    EXPECT_EQ(info.format, c.format);
    EXPECT_EQ(info.spec.rate, 44100u);
    EXPECT_EQ(info.spec.channels, c.channels);
    EXPECT_EQ(info.bits, c.bits);
    EXPECT_EQ(info.channel_mask, c.mask);
    EXPECT_TRUE(info.lossless);
    ASSERT_TRUE(info.frames.has_value());
    EXPECT_EQ(*info.frames, 22050u);

    // Up to 24 bits sox's float is exact; beyond, sox rounds its internal int32
    // to 25 bits before converting, so allow that step (read_int below is exact).
    const test::Pcm ref = test::sox_read(path);
    const std::vector<float> got = read_all(*dec, 777);
    ASSERT_EQ(got.size(), ref.samples.size());
    const bool exact = c.bits > 0 && c.bits <= 24;
    for (size_t i = 0; i < got.size(); ++i) {
        const float tol = exact ? 0.0f : 0x1p-24f + std::fabs(ref.samples[i]) * 0x1p-23f;
        ASSERT_NEAR(got[i], ref.samples[i], tol) << "sample " << i;
    }

    EXPECT_EQ(dec->can_read_int(), c.bits > 0);
    if (c.bits > 0) {
        const auto r = test::run({"sox", path, "-t", "s32", "-"});
        ASSERT_EQ(r.status, 0) << r.err;
        const std::vector<int32_t> ref_int = from_s32le(r.out);
        auto dec2 = open_decoder_file(path);
        const std::vector<int32_t> got_int = read_all_int(*dec2, 4096);
        ASSERT_EQ(got_int.size(), ref_int.size());
        for (size_t i = 0; i < got_int.size(); ++i) ASSERT_EQ(got_int[i], ref_int[i]) << "sample " << i;
    } else {
        std::vector<int32_t> buf(16);
        EXPECT_THROW(dec->read_int(buf), DecodeError);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Formats, WavSoxFormat,
    ::testing::Values(
        SoxCase{"u8", "-b 8 -e unsigned-integer -t wavpcm", 1, 8, "WAV (PCM u8)", 0},
        SoxCase{"s16", "-b 16 -e signed-integer -t wavpcm", 2, 16, "WAV (PCM s16)", 0},
        SoxCase{"s24", "-b 24 -e signed-integer -t wavpcm", 2, 24, "WAV (PCM s24)", 0},
        SoxCase{"s32", "-b 32 -e signed-integer -t wavpcm", 2, 32, "WAV (PCM s32)", 0},
        SoxCase{"f32", "-b 32 -e floating-point -t wavpcm", 2, 0, "WAV (float 32)", 0},
        SoxCase{"f64", "-b 64 -e floating-point -t wavpcm", 1, 0, "WAV (float 64)", 0},
        SoxCase{"ext_s24", "-b 24 -e signed-integer -t wav", 2, 24, "WAV (PCM s24)", 0x3},
        SoxCase{"ext_s32", "-b 32 -e signed-integer -t wav", 2, 32, "WAV (PCM s32)", 0x3},
        SoxCase{"f32_4ch", "-b 32 -e floating-point -t wav", 4, 0, "WAV (float 32)", 0},
        SoxCase{"ext_s16_3ch", "-b 16 -e signed-integer -t wav", 3, 16, "WAV (PCM s16)", 0},
        SoxCase{"ext_s16_6ch", "-b 16 -e signed-integer -t wav", 6, 16, "WAV (PCM s16)", 0x3F},
        SoxCase{"ext_s24_8ch", "-b 24 -e signed-integer -t wav", 8, 24, "WAV (PCM s24)", 0x63F}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(Wav, SeekIsExact) {
    if (!test::have_tool("sox")) GTEST_SKIP() << "sox not installed";
    TempDir dir;
    const std::string path = dir / "x.wav";
    test::sh("sox -D -n -r 48000 -c 2 -b 24 " + path + " synth 1 sine 1000 sine 1500");
    auto dec = open_decoder_file(path);
    const std::vector<float> all = read_all(*dec);
    for (uint64_t frame : {uint64_t{0}, uint64_t{1}, uint64_t{12345}, uint64_t{47999}}) {
        dec->seek(frame);
        const std::vector<float> tail = read_all(*dec, 333);
        ASSERT_EQ(tail.size(), all.size() - frame * 2) << "after seek to " << frame;
        EXPECT_TRUE(std::equal(tail.begin(), tail.end(), all.begin() + static_cast<long>(frame * 2)));
    }
    dec->seek(48000);
    std::vector<float> buf(64);
    EXPECT_EQ(dec->read(buf), 0u);
    dec->seek(1'000'000);  // past the end: at the end, not an error
    EXPECT_EQ(dec->read(buf), 0u);
    dec->seek(47998);
    EXPECT_EQ(dec->read(buf), 2u);
}

// ---- exact values of each integer encoding -------------------------------------

struct ValueCase {
    const char* name;
    uint16_t tag, bits, block_align;
    std::string sample_bytes;      // one mono sample
    int32_t expect_int;            // left-justified
    double expect_float;
};

void PrintTo(const ValueCase& c, std::ostream* os) { *os << c.name; }

class WavValues : public ::testing::TestWithParam<ValueCase> {};

TEST_P(WavValues, ConvertsExactly) {
    const ValueCase& c = GetParam();
    std::string data;
    for (int i = 0; i < 3; ++i) data += c.sample_bytes;
    const std::string file =
        riff(chunk("fmt ", fmt_payload(c.tag, 1, 8000, c.bits, c.block_align)) + chunk("data", data));
    auto dec = open_bytes(file);
    ASSERT_EQ(dec->info().frames, 3u);
    std::vector<float> f(8);
    ASSERT_EQ(dec->read(f), 3u);
    EXPECT_EQ(f[2], static_cast<float>(c.expect_float));
    if (c.tag == 1) {
        dec->seek(0);
        std::vector<int32_t> v(8);
        ASSERT_EQ(dec->read_int(v), 3u);
        EXPECT_EQ(v[0], c.expect_int);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Encodings, WavValues,
    ::testing::Values(ValueCase{"u8_min", 1, 8, 0, le(0, 1), INT32_MIN, -1.0},
                      ValueCase{"u8_mid", 1, 8, 0, le(128, 1), 0, 0.0},
                      ValueCase{"u8_max", 1, 8, 0, le(255, 1), 127 << 24, 127.0 / 128},
                      ValueCase{"s16_min", 1, 16, 0, le(0x8000, 2), INT32_MIN, -1.0},
                      ValueCase{"s16_one", 1, 16, 0, le(1, 2), 1 << 16, 1.0 / 32768},
                      ValueCase{"s24_neg", 1, 24, 0, le(0xFFFFFE, 3), -2 << 8, -2.0 / 8388608},
                      ValueCase{"s32_max", 1, 32, 0, le(0x7FFFFFFF, 4), INT32_MAX, 2147483647.0 / 2147483648.0},
                      ValueCase{"s64_top", 1, 64, 0, le(0xC000000000000000ull, 8), -(1 << 30), -0.5},
                      // 24 valid bits in a 4-byte container (block align says so): left-justified.
                      ValueCase{"s24_in_32", 1, 24, 4, le(0x12345600, 4), 0x12345600, 0x123456 / 8388608.0},
                      // 12 valid bits: the padding bits below them are not part of the sample.
                      ValueCase{"s12_in_16", 1, 12, 2, le(0x123F, 2), 0x1230 << 16, 0x123 / 2048.0},
                      ValueCase{"f32_half", 3, 32, 0, le(0x3F000000, 4), 0, 0.5},
                      ValueCase{"f64_quarter", 3, 64, 0, le(0x3FD0000000000000ull, 8), 0, 0.25}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(Wav, FloatNanIsPassedOn) {
    const std::string file = riff(fmt_chunk(3, 1, 8000, 32) + chunk("data", le(0x7FC00000, 4) + le(0xFF800000, 4)));
    auto dec = open_bytes(file);
    std::vector<float> f(2);
    ASSERT_EQ(dec->read(f), 2u);
    EXPECT_TRUE(std::isnan(f[0]));
    EXPECT_TRUE(std::isinf(f[1]) && f[1] < 0);
}

TEST(Wav, BigEndianRifx) {
    std::string fmt = be(1, 2) + be(2, 2) + be(22050, 4) + be(88200, 4) + be(4, 2) + be(16, 2);
    std::string data = be(0x1234, 2) + be(0xFFFF, 2);
    std::string file = "RIFX" + be(4 + 8 + fmt.size() + 8 + data.size(), 4) + "WAVE" + "fmt " + be(fmt.size(), 4) +
                       fmt + "data" + be(data.size(), 4) + data;
    auto dec = open_bytes(file);
    EXPECT_EQ(dec->info().format, "WAV big-endian (PCM s16)");
    EXPECT_EQ(dec->info().spec.rate, 22050u);
    std::vector<int32_t> v(2);
    ASSERT_EQ(dec->read_int(v), 1u);
    EXPECT_EQ(v[0], 0x1234 << 16);
    EXPECT_EQ(v[1], -1 << 16);
}

// ---- chunk layouts --------------------------------------------------------------

TEST(Wav, SkipsListJunkFactBextAndUnknownChunksWithOddPadding) {
    const std::string body = chunk("JUNK", std::string(28, '\0')) + chunk("bext", std::string(7, 'b')) +
                             fmt_chunk(1, 2, 44100, 16) + chunk("LIST", "INFOISFT\x03\0\0\0abc") +
                             chunk("fact", le(10, 4)) + chunk("odd!", "x") + chunk("data", s16_ramp(10, 2)) +
                             chunk("id3 ", "ID3 tag after the data");
    auto dec = open_bytes(riff(body));
    EXPECT_EQ(dec->info().frames, 10u);
    const auto v = read_all_int(*dec);
    ASSERT_EQ(v.size(), 20u);
    for (size_t i = 0; i < 10; ++i)
        for (uint16_t c = 0; c < 2; ++c) EXPECT_EQ(v[i * 2 + c], ramp_value(i, c) << 16);
}

TEST(Wav, DataBeforeFmtInASeekableFile) {
    const std::string body = chunk("data", s16_ramp(5, 1)) + chunk("LIST", "INFO") + fmt_chunk(1, 1, 8000, 16);
    auto dec = open_bytes(riff(body));
    EXPECT_EQ(dec->info().frames, 5u);
    const auto v = read_all_int(*dec);
    ASSERT_EQ(v.size(), 5u);
    EXPECT_EQ(v[4], ramp_value(4, 0) << 16);
}

TEST(Wav, DataBeforeFmtInAPipeIsRejected) {
    const std::string body = chunk("data", s16_ramp(5, 1)) + fmt_chunk(1, 1, 8000, 16);
    expect_rejected([&] { open_pipe(riff(body)); }, {"pipe.wav", "before the fmt chunk", "seekable"});
}

TEST(Wav, ManyEmptyChunksDoNotStallTheWalk) {
    std::string body;
    for (int i = 0; i < 5000; ++i) body += chunk_header("JUNK", 0);
    body += fmt_chunk(1, 1, 8000, 16) + chunk("data", s16_ramp(3, 1));
    EXPECT_EQ(open_bytes(riff(body))->info().frames, 3u);
}

TEST(Wav, PcmWaveFormatWith14ByteFmt) {
    // WAVEFORMAT without wBitsPerSample: the sample size comes from nBlockAlign.
    const std::string fmt14 = fmt_payload(1, 2, 11025, 16).substr(0, 14);
    auto dec = open_bytes(riff(chunk("fmt ", fmt14) + chunk("data", s16_ramp(4, 2))));
    EXPECT_EQ(dec->info().bits, 16u);
    EXPECT_EQ(dec->info().frames, 4u);
}

TEST(Wav, WaveFormatExWithExtraBytes) {
    const std::string fmt = fmt_payload(1, 1, 44100, 16) + le(4, 2) + "xtra";
    auto dec = open_bytes(riff(chunk("fmt ", fmt) + chunk("data", s16_ramp(4, 1))));
    EXPECT_EQ(dec->info().frames, 4u);
    EXPECT_EQ(read_all_int(*dec).at(3), ramp_value(3, 0) << 16);
}

TEST(Wav, ExtensibleValidBitsAndMask) {
    const uint32_t mask = 0x4 | 0x8 | 0x100;  // FC, LFE, BC: not the default 3-channel layout
    const std::string fmt = extensible_payload(3, 96000, 32, 24, mask, 1);
    auto dec = open_bytes(riff(chunk("fmt ", fmt) + chunk("data", le(0x7FFFFF00, 4) + le(0x100, 4) + le(0, 4))));
    EXPECT_EQ(dec->info().format, "WAV (PCM s24 in 32)");
    EXPECT_EQ(dec->info().bits, 24u);
    EXPECT_EQ(dec->info().channel_mask, mask);
    std::vector<float> f(3);
    ASSERT_EQ(dec->read(f), 1u);
    EXPECT_EQ(f[0], static_cast<float>(0x7FFFFF / 8388608.0));
    EXPECT_EQ(f[1], static_cast<float>(1 / 8388608.0));
}

TEST(Wav, ExtensibleFloat64) {
    const std::string fmt = extensible_payload(1, 44100, 64, 64, 0x4, 3);
    auto dec = open_bytes(riff(chunk("fmt ", fmt) + chunk("data", le(0xBFE0000000000000ull, 8))));
    EXPECT_EQ(dec->info().format, "WAV (float 64)");
    EXPECT_EQ(dec->info().bits, 0u);
    EXPECT_FALSE(dec->can_read_int());
    std::vector<float> f(1);
    ASSERT_EQ(dec->read(f), 1u);
    EXPECT_EQ(f[0], -0.5f);
}

TEST(Wav, ExtensibleMaskThatDoesNotMatchTheChannelsIsIgnored) {
    const std::string fmt = extensible_payload(2, 48000, 16, 16, 0x7, 1);
    EXPECT_EQ(open_bytes(riff(chunk("fmt ", fmt) + chunk("data", s16_ramp(2, 2))))->info().channel_mask, 0u);
}

// ---- RF64, sizes, truncation ------------------------------------------------------

std::string rf64_file(uint64_t data_size_in_ds64, const std::string& data, const std::string& after = "") {
    const std::string ds64 = chunk("ds64", le(0, 8) + le(data_size_in_ds64, 8) + le(0, 8) + le(0, 4));
    return "RF64" + le(0xFFFFFFFF, 4) + "WAVE" + ds64 + fmt_chunk(1, 1, 8000, 24) +
           chunk_header("data", 0xFFFFFFFF) + data + after;
}

TEST(Wav, Rf64TakesTheDataSizeFromDs64) {
    std::string data;
    for (int i = 0; i < 7; ++i) data += le(static_cast<uint32_t>(i) << 12, 3);
    auto dec = open_bytes(rf64_file(data.size(), data, chunk("LIST", "INFO")));
    EXPECT_EQ(dec->info().format, "RF64 (PCM s24)");
    EXPECT_EQ(dec->info().frames, 7u);
    const auto v = read_all_int(*dec);
    ASSERT_EQ(v.size(), 7u);
    EXPECT_EQ(v[6], 6 << 20);
}

TEST(Wav, TruncatedDataPlaysWhatIsThereAndWarnsOnce) {
    // Says 1000 bytes; holds 41 (20 whole frames and half of one).
    const std::string file = riff(fmt_chunk(1, 1, 8000, 16) + chunk_header("data", 1000) + s16_ramp(20, 1) + "x");
    ::testing::internal::CaptureStderr();
    auto dec = open_bytes(file, "short.wav");
    const auto v = read_all_int(*dec, 7);
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(dec->info().frames, 20u);
    EXPECT_EQ(v.size(), 20u);
    EXPECT_NE(err.find("short.wav: data chunk says 1000 bytes but the file ends after 41; playing what is there"),
              std::string::npos)
        << err;
    EXPECT_EQ(err.find("warning"), err.rfind("warning")) << "warned more than once: " << err;
}

TEST(Wav, TruncatedDataThroughAPipeWarnsWhenItEnds) {
    const std::string file = riff(fmt_chunk(1, 2, 8000, 16) + chunk_header("data", 4000) + s16_ramp(30, 2) + "abc");
    ::testing::internal::CaptureStderr();
    auto dec = open_pipe(file);
    EXPECT_EQ(dec->info().frames, 1000u);  // what the header says, all a pipe can know
    const auto v = read_all(*dec, 8);
    std::vector<float> buf(8);
    EXPECT_EQ(dec->read(buf), 0u);
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(v.size(), 60u);
    EXPECT_NE(err.find("pipe.wav: data chunk says 4000 bytes but the file ends after 123"), std::string::npos) << err;
    EXPECT_EQ(err.find("warning"), err.rfind("warning")) << err;
}

TEST(Wav, UnknownDataSizeMeansUntilTheEnd) {
    const std::string streamed =
        "RIFF" + le(0xFFFFFFFF, 4) + "WAVE" + fmt_chunk(1, 1, 8000, 16) + chunk_header("data", 0xFFFFFFFF) +
        s16_ramp(50, 1) + "z";
    auto file = open_bytes(streamed);
    EXPECT_EQ(file->info().frames, 50u);
    EXPECT_EQ(read_all(*file).size(), 50u);
    auto pipe = open_pipe(streamed);
    EXPECT_FALSE(pipe->info().frames.has_value());
    EXPECT_EQ(read_all(*pipe).size(), 50u);
    // Size 0 from a writer that could not go back (RIFF size 0 too).
    const std::string zero =
        "RIFF" + le(0, 4) + "WAVE" + fmt_chunk(1, 1, 8000, 16) + chunk_header("data", 0) + s16_ramp(9, 1);
    EXPECT_EQ(read_all(*open_pipe(zero)).size(), 9u);
    EXPECT_EQ(open_bytes(zero)->info().frames, 9u);
}

TEST(Wav, EmptyDataChunkIsZeroFrames) {
    auto dec = open_bytes(riff(fmt_chunk(1, 1, 8000, 16) + chunk("data", "") + chunk("LIST", "INFO")));
    EXPECT_EQ(dec->info().frames, 0u);
    EXPECT_TRUE(read_all(*dec).empty());
}

// ---- rejections ---------------------------------------------------------------------

// Codecs other than PCM go to the FFmpeg fallback; when their bytes are not
// decodable either, the error names the codec as the native reader does.
TEST(Wav, UndecodableForeignCodecsAreNamed) {
    expect_rejected([&] { open_bytes(riff(fmt_chunk(2, 1, 8000, 4) + chunk("data", "abcd")), "x.wav"); },
                    {"x.wav: WAV format tag 0x0002 (MS ADPCM) is not supported natively, and FFmpeg cannot decode it"});
    expect_rejected([&] { open_bytes(riff(fmt_chunk(0x55, 2, 44100, 0) + chunk("data", "abcd")), "m.wav"); },
                    {"m.wav", "0x0055", "MPEG Layer III", "FFmpeg cannot decode it"});
    expect_rejected([&] { open_bytes(riff(fmt_chunk(0x1234, 1, 8000, 8) + chunk("data", "abcd")), "q.wav"); },
                    {"q.wav", "0x1234", "an unknown codec"});
}

TEST(Wav, LawCodecsPlayThroughTheFallback) {
    // Four 8-bit codes, mono: four frames, each code's value from G.711.
    auto dec = open_bytes(riff(fmt_chunk(7, 1, 8000, 8) + chunk("data", std::string("\xff\x7f\x80\x00", 4))), "u.wav");
    EXPECT_EQ(dec->info().format, "PCM mu-law / G.711 mu-law in WAV, through FFmpeg");
    std::vector<float> out(16);
    ASSERT_EQ(dec->read(out), 4u);
    EXPECT_EQ(out[0], 0.0f);                // 0xFF: +0
    EXPECT_EQ(out[1], 0.0f);                // 0x7F: -0
    EXPECT_NEAR(out[2], 32124 / 32768.0, 1e-6);   // 0x80: the largest positive code
    EXPECT_NEAR(out[3], -32124 / 32768.0, 1e-6);  // 0x00: the largest negative code
    const std::string ext_alaw = extensible_payload(2, 8000, 8, 8, 3, 6);
    dec = open_bytes(riff(chunk("fmt ", ext_alaw) + chunk("data", "abcd")), "e.wav");
    EXPECT_EQ(dec->info().format, "PCM A-law / G.711 A-law in WAV, through FFmpeg");
    EXPECT_EQ(dec->info().spec.channels, 2u);
    ASSERT_EQ(dec->read(out), 2u);
}

TEST(Wav, TooManyChannelsIsRejectedClearly) {
    expect_rejected([&] { open_bytes(riff(fmt_chunk(1, 9, 48000, 16) + chunk("data", s16_ramp(2, 9)))); },
                    {"x.wav", "9 channels", "at most 8"});
    expect_rejected([&] { open_bytes(riff(fmt_chunk(1, 0, 48000, 16) + chunk("data", "abcd"))); },
                    {"x.wav", "0 channels"});
}

TEST(Wav, SampleRateLimits) {
    EXPECT_EQ(open_bytes(riff(fmt_chunk(1, 1, 1, 16) + chunk("data", "ab")))->info().spec.rate, 1u);
    EXPECT_EQ(open_bytes(riff(fmt_chunk(1, 1, 768000, 16) + chunk("data", "ab")))->info().spec.rate, 768000u);
    expect_rejected([&] { open_bytes(riff(fmt_chunk(1, 1, 768001, 16) + chunk("data", "ab"))); },
                    {"x.wav", "768001 Hz"});
    expect_rejected([&] { open_bytes(riff(fmt_chunk(1, 1, 0, 16) + chunk("data", "ab"))); }, {"x.wav", "0 Hz"});
}

TEST(Wav, OddSampleSizesAreRejected) {
    expect_rejected([&] { open_bytes(riff(fmt_chunk(1, 1, 8000, 40) + chunk("data", "abcde"))); },
                    {"x.wav", "40 bits", "5-byte"});
    expect_rejected([&] { open_bytes(riff(fmt_chunk(3, 1, 8000, 16) + chunk("data", "ab"))); },
                    {"x.wav", "float", "16 bits"});
}

TEST(Wav, MissingChunksAreRejected) {
    expect_rejected([&] { open_bytes(riff(chunk("data", "abcd"))); }, {"x.wav", "no fmt chunk"});
    expect_rejected([&] { open_bytes(riff(fmt_chunk(1, 1, 8000, 16) + chunk("LIST", "INFO"))); },
                    {"x.wav", "no data chunk"});
    expect_rejected([&] { open_bytes(riff(chunk("fmt ", "short"))); }, {"x.wav", "fmt chunk", "too short"});
    // A chunk size pointing far past the end, before any fmt.
    expect_rejected([&] { open_bytes(riff(chunk_header("JUNK", 0xFFFFFFF0) + fmt_chunk(1, 1, 8000, 16))); },
                    {"x.wav", "no fmt chunk"});
    expect_rejected([&] { open_bytes("RIFF" + le(4, 4) + "WAVE"); }, {"x.wav", "no fmt chunk"});
}

TEST(Wav, OtherRiffFormsAreNotTakenAsWav) {
    expect_rejected([&] { open_bytes("RIFF" + le(100, 4) + "AVI LIST" + std::string(100, '\0')); },
                    {"x.wav", "RIFF file that is not WAVE"});
    EXPECT_FALSE(formats::probe_wav(bytes_of("RIFF\0\0\0\0WAV")));
    EXPECT_TRUE(formats::probe_wav(bytes_of(std::string("RF64\xff\xff\xff\xffWAVE", 12))));
}

// ---- hostile input: truncations and random corruption of valid files ------------------

// Opens and decodes whatever the bytes are with the WAV decoder itself (a
// corrupted header may otherwise sniff as another format); only an InputError
// may come out, and no more frames than the bytes could hold.
void decode_hostile(const std::string& bytes) {
    try {
        auto dec = formats::open_wav(ByteSource::from_memory(bytes_of(bytes), "x.wav"));
        const size_t ch = dec->info().spec.channels;
        ASSERT_GE(ch, 1u);
        ASSERT_LE(ch, 8u);
        std::vector<float> buf(512 * ch);
        size_t frames = 0;
        while (size_t n = dec->read(buf)) frames += n;
        EXPECT_LE(frames, bytes.size());
        if (dec->can_read_int()) {
            dec->seek(0);
            std::vector<int32_t> ibuf(512 * ch);
            while (dec->read_int(ibuf)) {
            }
        }
    } catch (const InputError&) {
    }
}

// Hostile files warn about their sizes all the time; keep the test output readable.
class QuietLog {
public:
    QuietLog() : saved_(log::level()) { log::set_level(log::Level::quiet); }
    ~QuietLog() { log::set_level(saved_); }
    QuietLog(const QuietLog&) = delete;
    QuietLog& operator=(const QuietLog&) = delete;

private:
    log::Level saved_;
};

TEST(Wav, EveryTruncationOfAValidFileIsHandled) {
    QuietLog quiet;
    const std::string file = riff(chunk("LIST", "INFOISFTabc") + chunk("fmt ", extensible_payload(2, 48000, 32, 24, 3, 1)) +
                                  chunk("data", s16_ramp(16, 4)));
    for (size_t n = 0; n <= file.size(); ++n) decode_hostile(file.substr(0, n));
}

TEST(Wav, RandomCorruptionIsHandled) {
    QuietLog quiet;
    const std::vector<std::string> seeds = {
        riff(fmt_chunk(1, 2, 44100, 16) + chunk("data", s16_ramp(40, 2))),
        riff(chunk("fmt ", extensible_payload(3, 48000, 24, 20, 7, 1)) + chunk("data", s16_ramp(30, 3))),
        rf64_file(60, s16_ramp(30, 1)),
        riff(chunk("data", s16_ramp(20, 1)) + fmt_chunk(3, 1, 8000, 32)),
    };
    std::mt19937 rng(1234);
    for (int iter = 0; iter < 4000; ++iter) {
        std::string f = seeds[static_cast<size_t>(iter) % seeds.size()];
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            // Headers are where the trouble is: bias edits to the first 80 bytes.
            const size_t at = rng() % std::min<size_t>(f.size(), rng() % 2 ? 80 : f.size());
            f[at] = static_cast<char>(rng() % 3 == 0 ? 0xFF : rng() % 256);
        }
        SCOPED_TRACE("iteration " + std::to_string(iter));
        decode_hostile(f);
        if (HasFatalFailure()) return;
    }
}

TEST(Wav, FuzzCorpusFilesEndPromptly) {
    QuietLog quiet;
    const std::string root = std::string(SIMVX_CORPUS_DIR);
    const std::vector<std::string> dirs = {root + "/hound-testsamples/fuzz", root + "/fuzzing-corpus-strongcourage/wav"};
    size_t seen = 0;
    for (const auto& d : dirs) {
        if (!std::filesystem::is_directory(d)) continue;
        for (const auto& e : std::filesystem::recursive_directory_iterator(d)) {
            if (!e.is_regular_file()) continue;
            SCOPED_TRACE(e.path().string());
            decode_hostile(test::read_file(e.path().string()));
            ++seen;
        }
    }
    if (seen == 0) GTEST_SKIP() << "corpus not present";
}

}  // namespace
}  // namespace simvx
