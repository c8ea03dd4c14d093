// Streamed sources give the same samples as whole-file decoding, loop
// seamlessly through the decoder, and tell an offline render when data is ready.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <thread>

#include "decode/registry.hpp"
#include "mix/sound_loader.hpp"
#include "mix/stream_source.hpp"
#include "support/audio.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

// Pulls everything, waiting for data the way an offline render does.
std::vector<float> drain(StreamSource& s, size_t block = 1000) {
    std::vector<float> out, buf(block * s.channels());
    for (;;) {
        while (!s.ready(block)) std::this_thread::sleep_for(std::chrono::microseconds(100));
        const size_t n = s.pull(buf.data(), block);
        out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n * s.channels()));
        if (n < block) return out;
    }
}

std::vector<float> pull_exactly(StreamSource& s, size_t frames) {
    std::vector<float> out(frames * s.channels());
    size_t done = 0;
    while (done < frames) {
        const size_t n = std::min<size_t>(777, frames - done);
        while (!s.ready(n)) std::this_thread::sleep_for(std::chrono::microseconds(100));
        EXPECT_EQ(s.pull(out.data() + done * s.channels(), n), n);
        done += n;
    }
    return out;
}

TEST(StreamSource, SameSamplesAsDecodingIntoMemory) {
    test::TempDir dir;
    const auto path = dir / "in.wav";
    test::write_wav(path, test::interleave({test::sine(440, 48000, 100000, 0.5), test::sine(660, 48000, 100000, 0.3)}, 48000),
                    test::WavFormat::s24);
    const auto whole = load_sound(path, 48000);
    StreamSource s(open_decoder_file(path), path, StreamSetup{.engine_rate = 48000});
    const auto streamed = drain(s);
    ASSERT_EQ(streamed.size(), whole->samples.size());
    EXPECT_EQ(streamed, std::vector<float>(whole->samples.begin(), whole->samples.end()));  // bit for bit
    EXPECT_EQ(s.underruns(), 0u);
    EXPECT_TRUE(s.error().empty());
}

TEST(StreamSource, ResampledStreamMatchesWholeFileConversion) {
    test::TempDir dir;
    const auto path = dir / "in.wav";
    test::write_wav(path, test::interleave({test::sine(1000, 44100, 88200, 0.5)}, 44100), test::WavFormat::f32);
    const auto whole = load_sound(path, 48000);
    StreamSource s(open_decoder_file(path), path, StreamSetup{.engine_rate = 48000});
    const auto streamed = drain(s);
    ASSERT_EQ(streamed.size(), whole->samples.size());
    double worst = 0;
    for (size_t i = 0; i < streamed.size(); ++i) worst = std::max(worst, std::fabs(double(streamed[i]) - whole->samples[i]));
    EXPECT_LT(worst, 1e-6);
}

TEST(StreamSource, FromPositionSeeksExactly) {
    test::TempDir dir;
    const auto path = dir / "in.wav";
    test::write_wav(path, test::interleave({test::sine(300, 48000, 50000, 0.5)}, 48000), test::WavFormat::f32);
    const auto whole = load_sound(path, 48000);
    StreamSource s(open_decoder_file(path), path, StreamSetup{.engine_rate = 48000, .from = 12345});
    const auto streamed = drain(s);
    ASSERT_EQ(streamed.size(), 50000u - 12345u);
    EXPECT_TRUE(std::equal(streamed.begin(), streamed.end(), whole->samples.begin() + 12345));
}

TEST(StreamSource, LoopsThroughTheDecoderWithoutASeam) {
    test::TempDir dir;
    const auto path = dir / "loop.wav";
    // 0.25..0.75 s of a 480 Hz sine is 240 whole periods.
    test::write_wav(path, test::interleave({test::sine(480, 48000, 48000, 0.8)}, 48000), test::WavFormat::f32);
    StreamSource s(open_decoder_file(path), path,
                   StreamSetup{.engine_rate = 48000, .loop = true, .loop_start = 12000, .loop_end = 36000,
                               .ring_frames = 4096});
    const auto out = pull_exactly(s, 200000);
    const auto ref = test::sine(480, 48000, 200000, 0.8);
    double worst = 0;
    for (size_t i = 0; i < out.size(); ++i) worst = std::max(worst, std::fabs(double(out[i]) - ref[i]));
    EXPECT_LT(worst, 1e-6);
}

TEST(StreamSource, ALateDecoderIsAnUnderrunNotAWait) {
    test::TempDir dir;
    const auto path = dir / "in.wav";
    test::write_wav(path, test::interleave({std::vector<float>(480000, 0.25f)}, 48000), test::WavFormat::f32);
    StreamSource s(open_decoder_file(path), path, StreamSetup{.engine_rate = 48000, .ring_frames = 1024});
    // Pull far more than the ring holds at once, without waiting: the gap is silence, counted.
    std::vector<float> buf(100000);
    EXPECT_EQ(s.pull(buf.data(), buf.size()), buf.size());
    EXPECT_GE(s.underruns(), 1u);
    EXPECT_EQ(buf.back(), 0.0f);
}

}  // namespace
}  // namespace simvx
