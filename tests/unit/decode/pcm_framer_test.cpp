// The framing reader: whatever the size of the writes a producer makes (one
// byte, half a frame, a header split anywhere), the same frames come out.
#include "decode/pcm_framer.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "support/audio.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

using Bytes = std::vector<uint8_t>;

void put16(Bytes& b, uint32_t v) {
    b.push_back(static_cast<uint8_t>(v));
    b.push_back(static_cast<uint8_t>(v >> 8));
}
void put32(Bytes& b, uint32_t v) {
    put16(b, v & 0xFFFF);
    put16(b, v >> 16);
}
void put_id(Bytes& b, const char* id) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(id[i]));
}

// A WAV header as a producer writing to a pipe makes it: `riff_size` and
// `data_size` are what it puts in the length fields (placeholders or not).
Bytes wav_header(uint16_t tag, uint16_t channels, uint32_t rate, uint16_t bits, uint32_t riff_size,
                 uint32_t data_size, bool extra_chunk = false) {
    Bytes b;
    put_id(b, "RIFF");
    put32(b, riff_size);
    put_id(b, "WAVE");
    put_id(b, "fmt ");
    put32(b, 16);
    put16(b, tag);
    put16(b, channels);
    put32(b, rate);
    put32(b, rate * channels * bits / 8);
    put16(b, static_cast<uint16_t>(channels * bits / 8));
    put16(b, bits);
    if (extra_chunk) {  // a LIST chunk of odd size: skipped, with its pad byte
        put_id(b, "LIST");
        put32(b, 5);
        put_id(b, "INFO");
        put16(b, 'x');  // the odd byte and its pad
    }
    put_id(b, "data");
    put32(b, data_size);
    return b;
}

Bytes s16_ramp(size_t samples) {
    Bytes b;
    for (size_t i = 0; i < samples; ++i) put16(b, static_cast<uint16_t>(static_cast<int16_t>(i * 997 - 30000)));
    return b;
}

// Feeds `bytes` in pieces of the sizes `next_size` returns.
template <class Sizes>
std::vector<float> feed_in_pieces(PcmFramer& f, const Bytes& bytes, Sizes next_size) {
    SampleVector out;
    size_t at = 0;
    while (at < bytes.size()) {
        const size_t n = std::min(next_size(), bytes.size() - at);
        f.feed(std::span<const uint8_t>(bytes.data() + at, n), out);
        at += n;
    }
    return {out.begin(), out.end()};
}

std::vector<float> feed_whole(PcmFramer& f, const Bytes& bytes) {
    SampleVector out;
    f.feed(bytes, out);
    return {out.begin(), out.end()};
}

TEST(PcmFramer, S16FramesAreTheSameWhateverTheWriteSizes) {
    const Bytes bytes = s16_ramp(2 * 5000);
    PcmFramer whole(PcmFormat::s16, 48000, 2, "stream -");
    const auto expected = feed_whole(whole, bytes);
    ASSERT_EQ(expected.size(), 10000u);
    EXPECT_EQ(expected[0], -30000.0f / 32768.0f);
    EXPECT_EQ(whole.finish(), 0u);

    PcmFramer one(PcmFormat::s16, 48000, 2, "stream -");
    EXPECT_EQ(feed_in_pieces(one, bytes, [] { return size_t{1}; }), expected);
    PcmFramer three(PcmFormat::s16, 48000, 2, "stream -");  // every frame split across writes
    EXPECT_EQ(feed_in_pieces(three, bytes, [] { return size_t{3}; }), expected);
    std::mt19937 rng(7);
    std::uniform_int_distribution<size_t> size(1, 4099);
    PcmFramer random(PcmFormat::s16, 48000, 2, "stream -");
    EXPECT_EQ(feed_in_pieces(random, bytes, [&] { return size(rng); }), expected);
}

TEST(PcmFramer, SampleFormatsDecodeToFullScale) {
    Bytes s24 = {0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0x01, 0x00, 0x00};  // min, max, 1
    PcmFramer f24(PcmFormat::s24, 48000, 1, "s");
    EXPECT_EQ(feed_whole(f24, s24), (std::vector<float>{-1.0f, 8388607.0f / 8388608.0f, 1.0f / 8388608.0f}));

    Bytes s32;
    put32(s32, 0x80000000u);
    put32(s32, 0x40000000u);
    PcmFramer f32i(PcmFormat::s32, 48000, 2, "s");
    EXPECT_EQ(feed_whole(f32i, s32), (std::vector<float>{-1.0f, 0.5f}));

    const float values[3] = {0.25f, -0.75f, 1.5f};
    Bytes f32(sizeof values);
    std::memcpy(f32.data(), values, sizeof values);
    PcmFramer ff(PcmFormat::f32, 48000, 1, "s");
    EXPECT_EQ(feed_in_pieces(ff, f32, [] { return size_t{1}; }), (std::vector<float>{0.25f, -0.75f, 1.5f}));
}

TEST(PcmFramer, IncompleteLastFrameIsCounted) {
    PcmFramer f(PcmFormat::s24, 48000, 2, "s");  // 6-byte frames
    SampleVector out;
    const Bytes bytes(6 * 10 + 4, 0);
    f.feed(bytes, out);
    EXPECT_EQ(out.size(), 20u);
    EXPECT_EQ(f.finish(), 4u);
}

TEST(PcmFramer, WavHeaderWithPlaceholderLengthsIsReadByteByByte) {
    const Bytes audio = s16_ramp(3000);
    PcmFramer raw(PcmFormat::s16, 22050, 1, "s");
    const auto expected = feed_whole(raw, audio);
    for (uint32_t placeholder : {0u, 0xFFFFFFFFu}) {
        for (bool extra : {false, true}) {
            Bytes bytes = wav_header(1, 1, 22050, 16, placeholder, placeholder, extra);
            bytes.insert(bytes.end(), audio.begin(), audio.end());
            PcmFramer f(PcmFormat::wav, 48000, 2, "stream -");
            EXPECT_FALSE(f.ready());
            EXPECT_EQ(feed_in_pieces(f, bytes, [] { return size_t{1}; }), expected) << placeholder << " " << extra;
            EXPECT_TRUE(f.ready());
            EXPECT_EQ(f.rate(), 22050u);
            EXPECT_EQ(f.channels(), 1u);
            EXPECT_EQ(f.bits(), 16u);
            EXPECT_EQ(f.finish(), 0u);
        }
    }
}

TEST(PcmFramer, WavDataOfKnownLengthIgnoresWhatFollows) {
    const Bytes audio = s16_ramp(100);
    Bytes bytes = wav_header(1, 2, 48000, 16, 36 + 200, 200);
    bytes.insert(bytes.end(), audio.begin(), audio.end());
    put_id(bytes, "LIST");
    put32(bytes, 4);
    put_id(bytes, "abcd");
    PcmFramer f(PcmFormat::wav, 48000, 2, "s");
    EXPECT_EQ(feed_whole(f, bytes).size(), 100u);
    EXPECT_EQ(f.finish(), 0u);
}

TEST(PcmFramer, FloatWavIsRead) {
    Bytes bytes = wav_header(3, 2, 44100, 32, 0, 0);
    put32(bytes, 0x3F000000u);  // 0.5f
    put32(bytes, 0xBE800000u);  // -0.25f
    PcmFramer f(PcmFormat::wav, 48000, 2, "s");
    EXPECT_EQ(feed_whole(f, bytes), (std::vector<float>{0.5f, -0.25f}));
    EXPECT_EQ(f.bits(), 0u);
}

std::string error_of(const Bytes& bytes) {
    PcmFramer f(PcmFormat::wav, 48000, 2, "stream -");
    try {
        SampleVector out;
        f.feed(bytes, out);
        f.finish();
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(PcmFramer, BadWavStreamsAreClearErrors) {
    EXPECT_EQ(error_of(Bytes(64, 'x')),
              "stream -: not a WAV stream (it does not begin with RIFF....WAVE); give --stream-format "
              "s16|s24|s32|f32 for raw PCM");
    EXPECT_EQ(error_of(wav_header(0x55, 2, 44100, 0, 0, 0)),
              "stream -: WAV stream holds format tag 85 with 0-bit samples; streams take PCM 8/16/24/32-bit or 32-bit "
              "float");
    EXPECT_EQ(error_of(wav_header(1, 12, 44100, 16, 0, 0)), "stream -: WAV stream has 12 channels; streams take 1 to 8");
    EXPECT_EQ(error_of(wav_header(1, 2, 4000, 16, 0, 0)),
              "stream -: WAV stream has a rate of 4000 Hz; streams take 8000 to 192000 Hz");
    Bytes cut = wav_header(1, 2, 44100, 16, 0, 0);
    cut.resize(30);
    EXPECT_EQ(error_of(cut), "stream -: the input ended before its WAV header was complete (no data chunk)");
    Bytes no_fmt;
    put_id(no_fmt, "RIFF");
    put32(no_fmt, 0);
    put_id(no_fmt, "WAVE");
    put_id(no_fmt, "data");
    put32(no_fmt, 0);
    EXPECT_EQ(error_of(no_fmt), "stream -: WAV stream has its data chunk before the fmt chunk");
}

}  // namespace
}  // namespace simvx
