// Loading files into the engine's format: rate conversion quality, NaN
// removal, multichannel downmix.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "mix/sound_loader.hpp"
#include "support/audio.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

TEST(SoundLoader, Resampling44k1To48kKeepsATonePure) {
    test::TempDir dir;
    const auto path = dir / "tone.wav";
    test::write_wav(path, test::interleave({test::sine(1000, 44100, 88200, 0.5)}, 44100), test::WavFormat::f32);
    const auto buf = load_sound(path, 48000);
    ASSERT_EQ(buf->rate, 48000u);
    ASSERT_EQ(buf->channels, 1u);
    EXPECT_EQ(buf->frames(), 96000u);  // exactly 2 s
    // Measure away from the edges, where the truncated sine is not a pure tone.
    std::span<const float> mid(buf->samples.data() + 4800, 86400);
    EXPECT_NEAR(test::peak_frequency(mid, 48000), 1000.0, 0.1);
    EXPECT_NEAR(test::rms_db(mid), 20 * std::log10(0.5 / std::sqrt(2.0)), 0.01);
    EXPECT_LT(test::worst_spurious_db(mid, 48000, {1000.0}, 60.0), -110.0);
}

TEST(SoundLoader, NonFiniteSamplesBecomeSilence) {
    test::TempDir dir;
    const auto path = dir / "nan.wav";
    std::vector<float> s(1000, 0.25f);
    s[10] = std::numeric_limits<float>::quiet_NaN();
    s[20] = std::numeric_limits<float>::infinity();
    s[30] = -std::numeric_limits<float>::infinity();
    test::write_wav(path, test::interleave({s}, 48000), test::WavFormat::f32);
    const auto buf = load_sound(path, 48000);
    ASSERT_EQ(buf->frames(), 1000u);
    for (size_t i = 0; i < 1000; ++i) {
        ASSERT_TRUE(std::isfinite(buf->samples[i]));
        EXPECT_EQ(buf->samples[i], (i == 10 || i == 20 || i == 30) ? 0.0f : 0.25f) << i;
    }
}

TEST(SoundLoader, FivePointOneIsDownmixedWithBs775Coefficients) {
    test::TempDir dir;
    const auto path = dir / "51.wav";
    // FL FR FC LFE BL BR, each a distinct constant.
    const std::vector<float> level = {0.1f, 0.2f, 0.3f, 0.9f, 0.4f, 0.5f};
    std::vector<std::vector<float>> chans;
    for (float l : level) chans.push_back(std::vector<float>(480, l));
    test::write_wav(path, test::interleave(chans, 48000), test::WavFormat::f32);
    const auto buf = load_sound(path, 48000);
    ASSERT_EQ(buf->channels, 2u);
    ASSERT_EQ(buf->source_channels, 6u);
    const double h = 1 / std::sqrt(2.0);
    EXPECT_NEAR(buf->samples[100], 0.1 + h * 0.3 + h * 0.4, 1e-6);  // LFE left out
    EXPECT_NEAR(buf->samples[101], 0.2 + h * 0.3 + h * 0.5, 1e-6);
}

TEST(SoundLoader, UndecodableFileNamesTheFile) {
    test::TempDir dir;
    const auto path = dir / "notes.txt";
    test::write_file(path, "just some text\n");
    try {
        load_sound(path, 48000);
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("text"), std::string::npos);
    }
}

}  // namespace
}  // namespace simvx
