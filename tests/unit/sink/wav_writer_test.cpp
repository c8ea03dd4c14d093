// The WAV writer: quantization, clip counting and headers that other tools read.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"
#include "sink/wav_writer.hpp"
#include "support/audio.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

std::string write(const test::TempDir& dir, const std::vector<float>& samples, AudioSpec spec, SampleFormat f,
                  uint64_t* clipped = nullptr, std::optional<uint64_t> expected = std::nullopt) {
    const std::string path = dir / "w.wav";
    std::FILE* file = std::fopen(path.c_str(), "wb");
    WavWriter w(file, path, true, spec, f, expected);
    w.write(samples);
    w.finalize();
    std::fclose(file);
    if (clipped) *clipped = w.clipped();
    return path;
}

TEST(WavWriter, S16RoundsToNearestAndCountsClipping) {
    test::TempDir dir;
    const std::vector<float> in = {0.0f, 0.5f, -0.5f, 1.0f / 32768, 1.4f / 32768, 1.6f / 32768, -1.0f, 1.0f, 1.5f, -1.5f,
                                   32767.4f / 32768};
    uint64_t clipped = 0;
    const auto path = write(dir, in, {48000, 1}, SampleFormat::s16, &clipped);
    const std::string data = test::run({"sox", path, "-t", "s16", "-"}).out;
    const auto s = test::from_s16le(data);
    const std::vector<int16_t> want = {0, 16384, -16384, 1, 1, 2, -32768, 32767, 32767, -32768, 32767};
    EXPECT_EQ(s, want);
    EXPECT_EQ(clipped, 3u);  // 1.0, 1.5 and -1.5 do not fit; -1.0 and 32767.4/32768 do
}

TEST(WavWriter, S24AndF32KeepTheirValues) {
    test::TempDir dir;
    const std::vector<float> in = {0.25f, -0.125f, 8388607.0f / 8388608};
    const auto path = write(dir, in, {44100, 1}, SampleFormat::s24);
    // s24 samples left-justified in s32 by sox
    const std::string data = test::run({"sox", path, "-t", "s32", "-"}).out;
    ASSERT_EQ(data.size(), 12u);
    int32_t v[3];
    std::memcpy(v, data.data(), 12);
    EXPECT_EQ(v[0], 2097152 << 8);
    EXPECT_EQ(v[1], -1048576 * 256);
    EXPECT_EQ(v[2], 8388607 << 8);
    const std::vector<float> floats = {0.1f, -0.7f, 3.0f};  // float keeps what is beyond full scale
    const auto w = test::read_wav_data(write(dir, floats, {8000, 1}, SampleFormat::f32));
    EXPECT_EQ(w.tag, 3);
    EXPECT_EQ(w.bits, 32);
    ASSERT_EQ(w.data.size(), 12u);
    EXPECT_EQ(0, std::memcmp(w.data.data(), floats.data(), 12));
}

TEST(WavWriter, HeadersDescribeTheData) {
    test::TempDir dir;
    // Length unknown (room kept for a ds64 in a JUNK chunk) or known (plain RIFF).
    for (const std::optional<uint64_t> expected : {std::optional<uint64_t>{}, std::optional<uint64_t>{7}})
    for (SampleFormat f : {SampleFormat::s16, SampleFormat::s24, SampleFormat::f32}) {
        for (uint32_t ch : {1u, 2u}) {
            // 7 frames: with s24 mono the data chunk is odd-sized and padded.
            const auto path = write(dir, std::vector<float>(7 * ch, 0.1f), {22050, ch}, f, nullptr, expected);
            EXPECT_EQ(test::run({"soxi", "-s", path}).out, "7\n");
            EXPECT_EQ(test::run({"soxi", "-c", path}).out, std::to_string(ch) + "\n");
            EXPECT_EQ(test::run({"soxi", "-r", path}).out, "22050\n");
            const std::string bytes = test::read_file(path);
            uint32_t riff = 0;
            std::memcpy(&riff, bytes.data() + 4, 4);
            EXPECT_EQ(riff + 8, bytes.size()) << sample_format_name(f) << " " << ch;
            EXPECT_EQ(bytes.size() % 2, 0u);
            EXPECT_EQ(bytes.substr(12, 4), expected ? "fmt " : "JUNK");
        }
    }
}

TEST(WavWriter, FormatNames) {
    EXPECT_EQ(parse_sample_format("s24"), SampleFormat::s24);
    EXPECT_THROW(parse_sample_format("s8"), UsageError);
}

}  // namespace
}  // namespace simvx

#include "sink/quantize.hpp"

namespace simvx {
namespace {

// The SIMD path and the scalar tail must agree with plain rounding and clamping.
TEST(Quantize, S16MatchesRoundAndClampOnEveryPath) {
    std::vector<float> in;
    uint32_t seed = 7;
    for (int i = 0; i < 10000; ++i) {
        seed = seed * 1664525u + 1013904223u;
        in.push_back((static_cast<float>(seed >> 8) / 16777216.0f - 0.5f) * 3.0f);
    }
    for (float edge : {1.0f, -1.0f, 32767.49f / 32768, 32767.5f / 32768, -32768.5f / 32768, -32768.51f / 32768, 0.0f,
                       0.5f / 32768, 1.5f / 32768, -0.5f / 32768})
        in.push_back(edge);
    std::vector<uint8_t> out(in.size() * 2);
    const uint64_t clipped = quantize_s16(in.data(), out.data(), in.size());
    uint64_t want_clipped = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        const double v = static_cast<double>(in[i] * 32768.0f);
        want_clipped += v >= 32767.5 || v < -32768.5;
        const auto want = static_cast<int16_t>(std::clamp(std::nearbyint(v), -32768.0, 32767.0));
        int16_t got;
        std::memcpy(&got, &out[2 * i], 2);
        ASSERT_EQ(got, want) << "sample " << i << " = " << in[i];
    }
    EXPECT_EQ(clipped, want_clipped);
}

}  // namespace
}  // namespace simvx
