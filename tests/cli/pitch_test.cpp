// Pitch through the real binary: frequencies and lengths of pitched files and
// scene sounds (from memory and streamed, at the engine rate and at another
// rate), seamless loops at any pitch, the resampler choice.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class PitchCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        write_wav(at("tone.wav"), interleave({sine(1000, 48000, 48000, 0.5)}, 48000), WavFormat::f32);
        write_wav(at("tone44.wav"), interleave({sine(1000, 44100, 44100, 0.5)}, 44100), WavFormat::f32);
    }
    Pcm render(const std::string& scene_text, const std::vector<std::string>& extra = {}) {
        write_file(at("scene.toml"), scene_text);
        return render_f32(at("scene.toml"), at("out.wav"), extra);
    }
    static std::span<const float> middle(const std::vector<float>& x) {
        return std::span<const float>(x).subspan(1000, x.size() - 2000);
    }
};

TEST_F(PitchCli, PitchTwoOfAFileIsAnOctaveUpAndHalfAsLong) {
    const Pcm p = render_f32(at("tone.wav"), at("out.wav"), {"--pitch", "2"});
    EXPECT_NEAR(static_cast<double>(p.frames()), 24000.0, 1.0);
    EXPECT_NEAR(peak_frequency(middle(p.samples), p.rate), 2000.0, 2.0);
}

TEST_F(PitchCli, PitchHalfOfAFileIsAnOctaveDownAndTwiceAsLong) {
    const Pcm p = render_f32(at("tone.wav"), at("out.wav"), {"--pitch", "0.5"});
    EXPECT_NEAR(static_cast<double>(p.frames()), 96000.0, 1.0);
    EXPECT_NEAR(peak_frequency(middle(p.samples), p.rate), 500.0, 0.5);
}

TEST_F(PitchCli, PitchAndRateConversionInOneStep) {
    // A 44.1 kHz file in a 48 kHz scene at pitch 2: 2 kHz, 24000 frames.
    for (const char* stream : {"false", "true"}) {
        const Pcm p = render(std::string("version = 1\n[engine]\nsample_rate = 48000\nchannels = 1\n"
                                         "[[sound]]\nfile = \"tone44.wav\"\npitch = 2.0\nstream = ") + stream + "\n");
        EXPECT_NEAR(static_cast<double>(p.frames()), 24000.0, 1.0) << "stream = " << stream;
        EXPECT_NEAR(peak_frequency(middle(p.samples), 48000), 2000.0, 2.0) << "stream = " << stream;
        EXPECT_LT(worst_spurious_db(middle(p.samples), 48000, {2000.0}, 60.0), peak_db(middle(p.samples)) - 90)
            << "stream = " << stream;
    }
}

TEST_F(PitchCli, EveryPitchKeepsSpuriousComponentsBelowMinus90dB) {
    // A 44.1 kHz file (whole periods, looped for 1 s) in a 48 kHz render: the
    // pitch and the rate conversion together land in each of the sinc's
    // ranges (plain, bands to 2, octave bands beyond).
    for (const char* pitch : {"0.5", "0.97", "1.02", "1.25", "1.99", "2.6", "5", "12"}) {
        const Pcm p = render(std::string("version = 1\n[engine]\nsample_rate = 48000\nchannels = 1\nduration = 1.0\n"
                                         "[[sound]]\nfile = \"tone44.wav\"\nloop = true\npitch = ") + pitch + "\n");
        const double f = 1000 * std::stod(pitch);
        const auto mid = std::span<const float>(p.samples).subspan(200, p.samples.size() - 400);
        EXPECT_NEAR(peak_frequency(mid, 48000), f, f * 1e-3) << "pitch " << pitch;
        EXPECT_LT(worst_spurious_db(mid, 48000, {f}, 60.0), peak_db(mid) - 90) << "pitch " << pitch;
    }
}

TEST_F(PitchCli, LoopsStaySeamlessAtAnyPitch) {
    // The loop is 1 s of whole 1 kHz periods; at pitch 1.37 the seam comes at
    // about 0.73 s and 1.46 s. Nothing steps more than the tone itself.
    for (const char* kind : {"sinc", "cubic", "linear"}) {
        const Pcm p = render(std::string("version = 1\n[engine]\nduration = 2.0\nchannels = 1\nresampler = \"") + kind +
                             "\"\n[[sound]]\nfile = \"tone.wav\"\nloop = true\npitch = 1.37\n");
        ASSERT_EQ(p.frames(), 96000u) << kind;
        const double bound = 2 * std::numbers::pi * 1370 / 48000 * 0.5;
        EXPECT_LT(max_step(middle(p.samples)), bound * 1.01) << kind;
        EXPECT_NEAR(peak_frequency(middle(p.samples), 48000), 1370.0, 1.4) << kind;
    }
}

TEST_F(PitchCli, StartAtSkipsThroughAPitchedSound) {
    // At pitch 2 the 1 s file lasts 0.5 s; starting 0.25 s in leaves 12000 frames.
    const Pcm p = render_f32(at("tone.wav"), at("out.wav"), {"--pitch", "2", "--start-at", "0.25"});
    EXPECT_NEAR(static_cast<double>(p.frames()), 12000.0, 1.0);
}

TEST_F(PitchCli, PitchOneStaysBitExact) {
    const Pcm p = render_f32(at("tone.wav"), at("out.wav"), {"--pitch", "1"});
    const Pcm in = sox_read(at("tone.wav"));
    EXPECT_EQ(p.samples, in.samples);
}

TEST_F(PitchCli, PitchOptionIsForFilesOnly) {
    write_file(at("scene.toml"), "version = 1\n[[sound]]\nfile = \"tone.wav\"\n");
    RunResult r = simvx({at("scene.toml"), "--pitch", "2", "--null"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--pitch applies to audio-file inputs"), std::string::npos) << r.err;
    r = simvx({at("tone.wav"), "--pitch", "20", "--null"});
    EXPECT_EQ(r.status, 2) << r.err;
}

// The fuzzer's crash grid (linear and cubic at a low engine rate and a high
// pitch corrupted the heap), with every interpolator, plain, looped and
// streamed from disk: each render exits 0 with the exact length, finite and
// within the tone's level.
TEST_F(PitchCli, HighPitchAtLowEngineRatesRendersWithEveryInterpolator) {
    write_wav(at("small.wav"), interleave({sine(440, 48000, 9600, 0.5), sine(440, 48000, 9600, 0.5)}, 48000),
              WavFormat::s16);
    const std::pair<uint32_t, double> cases[] = {{8000, 2.94},  {8000, 8},     {11025, 8},  {22050, 2.94},
                                                 {22050, 8},    {22050, 16},   {32000, 16}, {44100, 16},
                                                 {192000, 16},  {8000, 0.01}};
    for (const char* kind : {"linear", "cubic", "sinc"}) {
        for (const auto& [rate, pitch] : cases) {
            for (const char* mode : {"plain", "loop", "stream"}) {
                SCOPED_TRACE(::testing::Message() << kind << " " << rate << " Hz pitch " << pitch << " " << mode);
                const bool loop = std::string(mode) == "loop";
                const double duration = pitch < 0.1 ? 0.3 : 0.5;
                std::string scene = "version = 1\n[engine]\nsample_rate = " + std::to_string(rate) +
                                    "\nresampler = \"" + kind + "\"\n";
                if (loop || pitch < 0.1) scene += "duration = " + std::to_string(duration) + "\n";
                scene += "[[sound]]\nfile = \"small.wav\"\npitch = " + std::to_string(pitch) + "\n";
                if (loop) scene += "loop = true\n";
                if (std::string(mode) == "stream") scene += "stream = true\n";
                const Pcm p = render(scene);
                ASSERT_EQ(p.rate, rate);
                const double ratio = pitch * 48000.0 / rate;
                const double expected = loop || pitch < 0.1 ? std::round(duration * rate) : std::ceil(9600 / ratio);
                EXPECT_NEAR(static_cast<double>(p.frames()), expected, 1.0);
                float peak = 0;
                for (float x : p.samples) {
                    ASSERT_TRUE(std::isfinite(x));
                    peak = std::max(peak, std::abs(x));
                }
                EXPECT_LT(peak, 0.65f);
            }
        }
    }
}

}  // namespace
}  // namespace simvx::test
