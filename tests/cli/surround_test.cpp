// Surround output through the real binary (--channels / [engine] channels 4,
// 6, 8): 3D sounds pan over the speakers (pairwise VBAP), a source at a
// speaker's angle lands in that speaker alone, the power stays constant
// round the circle, 2D sounds play on the front pair, and layouts that do not
// exist are refused with the place and the choices.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

class SurroundCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        write_wav(at("dc.wav"), interleave({std::vector<float>(4800, 0.5f)}, 48000), WavFormat::f32);
        write_wav(at("lr.wav"), interleave({std::vector<float>(4800, 0.5f), std::vector<float>(4800, 0.25f)}, 48000),
                  WavFormat::f32);
    }
    Pcm render(const std::string& scene_text, const std::vector<std::string>& extra = {}) {
        write_file(at("scene.toml"), "version = 1\n" + scene_text);
        return render_f32(at("scene.toml"), at("out.wav"), extra);
    }
    // One 0.1 s DC sound per azimuth (degrees clockwise from ahead), 1 m away
    // (min_distance 1: no distance loss), one after another.
    static std::string around(const std::vector<double>& azimuths, double elevation = 0) {
        std::string s;
        for (size_t i = 0; i < azimuths.size(); ++i) {
            const double a = azimuths[i] * kDeg, e = elevation * kDeg;
            s += "[[sound]]\nfile = \"dc.wav\"\nstart = " + std::to_string(0.1 * static_cast<double>(i)) +
                 "\n[sound.spatial]\nmin_distance = 1\nposition = [" + std::to_string(std::cos(e) * std::sin(a)) +
                 ", " + std::to_string(std::sin(e)) + ", " + std::to_string(-std::cos(e) * std::cos(a)) + "]\n";
        }
        return s;
    }
    // |sample| of channel c in the middle of sound i (relative to the DC's 0.5).
    static double gain_of(const Pcm& p, size_t i, uint32_t c) {
        return std::fabs(p.samples[(i * 4800 + 2400) * p.channels + c]) / 0.5;
    }
};

TEST_F(SurroundCli, ASourceAtEachSpeakersAngleLandsThereWithTheOthers30DbBelow) {
    struct Layout {
        uint32_t channels;
        std::vector<double> azimuths;  // per channel; NaN for the LFE
    };
    const double lfe = std::nan("");
    const Layout layouts[] = {{4, {-45, 45, -135, 135}},
                              {6, {-30, 30, 0, lfe, -110, 110}},
                              {8, {-30, 30, 0, lfe, -150, 150, -90, 90}}};
    for (const Layout& l : layouts) {
        std::vector<double> azimuths;
        for (double a : l.azimuths)
            if (!std::isnan(a)) azimuths.push_back(a);
        const Pcm p = render("[engine]\nchannels = " + std::to_string(l.channels) + "\n" + around(azimuths));
        ASSERT_EQ(p.channels, l.channels);
        ASSERT_EQ(p.frames(), 4800 * azimuths.size());
        size_t i = 0;
        for (uint32_t c = 0; c < l.channels; ++c) {
            if (std::isnan(l.azimuths[c])) continue;
            EXPECT_NEAR(20 * std::log10(gain_of(p, i, c)), 0.0, 0.01) << l.channels << " channels, speaker " << c;
            for (uint32_t o = 0; o < l.channels; ++o)
                if (o != c) {
                    EXPECT_LT(gain_of(p, i, o), std::pow(10.0, -30.0 / 20)) << l.channels << ": " << c << " into " << o;
                }
            ++i;
        }
    }
}

TEST_F(SurroundCli, PowerIsConstantAroundTheCircleWithinHalfADecibel) {
    std::vector<double> azimuths;
    for (double a = -180; a < 180; a += 7.5) azimuths.push_back(a);
    for (uint32_t channels : {4u, 6u, 8u}) {
        for (double elevation : {0.0, 40.0}) {
            const Pcm p = render("[engine]\nchannels = " + std::to_string(channels) + "\n" + around(azimuths, elevation));
            for (size_t i = 0; i < azimuths.size(); ++i) {
                double power = 0;
                for (uint32_t c = 0; c < channels; ++c) power += gain_of(p, i, c) * gain_of(p, i, c);
                EXPECT_NEAR(10 * std::log10(power), 0.0, 0.5) << channels << " channels at " << azimuths[i] << "/" << elevation;
            }
        }
    }
}

TEST_F(SurroundCli, TwoDimensionalSoundsPlayOnTheFrontPairAndTheOtherSpeakersStaySilent) {
    const Pcm p = render("[engine]\nchannels = 6\n[[sound]]\nfile = \"lr.wav\"\n[[sound]]\nfile = \"dc.wav\"\nstart = 0.1\npan = 0.5\n");
    ASSERT_EQ(p.channels, 6u);
    ASSERT_EQ(p.frames(), 9600u);
    const size_t a = 2400, b = 4800 + 2400;
    EXPECT_EQ(p.samples[a * 6 + 0], 0.5f);
    EXPECT_EQ(p.samples[a * 6 + 1], 0.25f);
    EXPECT_EQ(p.samples[b * 6 + 0], 0.25f);  // balance law: the left side halved at pan 0.5
    EXPECT_EQ(p.samples[b * 6 + 1], 0.5f);
    for (size_t f = 0; f < p.frames(); ++f)
        for (uint32_t c = 2; c < 6; ++c) ASSERT_EQ(p.samples[f * 6 + c], 0.0f) << "frame " << f << " channel " << c;
}

TEST_F(SurroundCli, AStereoRenderOfASurroundSceneIsTheSameAsBefore) {
    // --channels 2 over a scene that says 6: the stereo pan law, as ever.
    const std::string scene = "[engine]\nchannels = 6\n" + around({90});
    const Pcm stereo = render(scene, {"--channels", "2"});
    ASSERT_EQ(stereo.channels, 2u);
    EXPECT_NEAR(gain_of(stereo, 0, 0), 0.0, 1e-6);  // balance law, hard right
    EXPECT_NEAR(gain_of(stereo, 0, 1), 1.0, 1e-6);
}

// A tone per sound at one azimuth, 1 m away, 0.5 s each, one after another.
std::string tones_at(const std::vector<std::pair<std::string, double>>& file_and_azimuth) {
    std::string s;
    for (size_t i = 0; i < file_and_azimuth.size(); ++i) {
        const double a = file_and_azimuth[i].second * kDeg;
        s += "[[sound]]\nfile = \"" + file_and_azimuth[i].first + "\"\nstart = " + std::to_string(0.5 * static_cast<double>(i)) +
             "\n[sound.spatial]\nmin_distance = 1\nposition = [" + std::to_string(std::sin(a)) + ", 0, " +
             std::to_string(-std::cos(a)) + "]\n";
    }
    return s;
}

// RMS (dB) of channel c over the middle 0.3 s of sound i (0.5 s each).
double tone_db(const Pcm& p, size_t i, uint32_t c) {
    const auto x = p.channel(c);
    return rms_db(std::span<const float>(x.data() + i * 24000 + 4800, 14400));
}

TEST_F(SurroundCli, TheLfeSendIsTheMainsBassThroughALinkwitzRileyLowPass) {
    for (double f : {60.0, 120.0, 1000.0})
        write_wav(at("t" + std::to_string(static_cast<int>(f)) + ".wav"), interleave({sine(f, 48000, 24000, 0.5)}, 48000),
                  WavFormat::f32);
    const std::string sounds = tones_at({{"t60.wav", -30}, {"t120.wav", 110}, {"t1000.wav", 0}});
    const double sine_db = 20 * std::log10(0.5 / std::sqrt(2.0));
    // Two Butterworth stages at 120 Hz: |H|² = 1 / (1 + (f/fc)⁴) each.
    auto lr4_db = [](double f) { return 2 * 10 * std::log10(1 / (1 + std::pow(f / 120, 4))); };
    const Pcm p = render("[engine]\nchannels = 6\nlfe_db = -10\n" + sounds);
    ASSERT_EQ(p.channels, 6u);
    EXPECT_NEAR(tone_db(p, 0, 3), sine_db - 10 + lr4_db(60), 0.05);
    EXPECT_NEAR(tone_db(p, 1, 3), sine_db - 10 - 6.02, 0.05);  // -6 dB at the cutoff
    EXPECT_LT(tone_db(p, 2, 3), sine_db - 10 - 70);
    // The mains are untouched: the send only adds to the LFE.
    const Pcm dry = render("[engine]\nchannels = 6\n" + sounds);
    for (uint32_t c : {0u, 1u, 2u, 4u, 5u}) {
        const auto a = p.channel(c), b = dry.channel(c);
        ASSERT_EQ(a, b) << "channel " << c;
    }
    EXPECT_LE(rms_db(dry.channel(3)), -600.0);  // (rms_db of silence)
    // A cutoff of 240 Hz moves the -6 dB point there; a quad output has no LFE to send to.
    const Pcm higher = render("[engine]\nchannels = 6\nlfe_db = 0\nlfe_cutoff_hz = 240\n" + sounds);
    EXPECT_NEAR(tone_db(higher, 1, 3), sine_db + 2 * 10 * std::log10(1 / (1 + std::pow(0.5, 4))), 0.05);
    const Pcm quad = render("[engine]\nchannels = 6\nlfe_db = 0\n" + sounds, {"--channels", "4"});
    const Pcm quad_dry = render("[engine]\nchannels = 6\n" + sounds, {"--channels", "4"});
    ASSERT_EQ(quad.channels, 4u);
    EXPECT_TRUE(quad.samples == quad_dry.samples) << "an output without an LFE takes no send";
    EXPECT_GT(rms_db(quad.channel(0)), sine_db - 10);  // (the mains are there)
}

TEST_F(SurroundCli, BusEffectsRunOnEverySpeakerAndLeaveTheLfeDry) {
    write_wav(at("click.wav"), interleave({[] {
                                             std::vector<float> x(24000, 0.0f);
                                             x[0] = 0.9f;
                                             return x;
                                         }()},
                                         48000),
              WavFormat::f32);
    // A click at each rear speaker, then at the centre, into a reverb on Master.
    const Pcm p = render("[engine]\nchannels = 6\nlfe_db = -96\n[[bus]]\nname = \"Master\"\n[[bus.effect]]\n"
                         "type = \"reverb\"\nroom_size = 0.8\nwet = 0.5\ndry = 1.0\n" +
                         tones_at({{"click.wav", -110}, {"click.wav", 0}}));
    ASSERT_EQ(p.channels, 6u);
    auto tail_db = [&](size_t i, uint32_t c) {
        const auto x = p.channel(c);
        return rms_db(std::span<const float>(x.data() + i * 24000 + 2400, 9600));
    };
    // The rear pair's tank rings on both rear speakers; the front stays silent until the centre's click.
    EXPECT_GT(tail_db(0, 4), -60.0);
    EXPECT_GT(tail_db(0, 5), -60.0);
    for (uint32_t c : {0u, 1u, 2u}) EXPECT_LE(tail_db(0, c), -600.0) << c;  // silence
    EXPECT_GT(tail_db(1, 2), -60.0);  // the centre's own tank
    // The LFE: its send at -96 dB, no reverb of its own.
    EXPECT_LT(tail_db(1, 3), tail_db(1, 2) - 80);
}

// A multichannel WAV of constant levels, one per channel (0.05, 0.10, 0.15...).
void write_levels(const std::string& path, uint32_t channels, size_t frames = 4800) {
    std::vector<std::vector<float>> planes;
    for (uint32_t c = 0; c < channels; ++c) planes.emplace_back(frames, 0.05f * static_cast<float>(c + 1));
    write_wav(path, interleave(planes, 48000), WavFormat::f32);
}

TEST_F(SurroundCli, AFiveOneFlacRenderedToFiveOneIsBitExactInMemoryAndStreamed) {
    sh("sox -n -r 48000 -b 16 -c 6 " + at("n51.wav") + " synth 3 whitenoise gain -6");
    sh("flac -s -f " + at("n51.wav") + " -o " + at("n51.flac"));
    const std::string want = raw_samples(at("n51.wav"), "s16");
    // A plain file plays in its own layout...
    RunResult plain = simvx({at("n51.flac"), "--render", at("plain.wav")});
    ASSERT_EQ(plain.status, 0) << plain.err;
    EXPECT_EQ(soxi("-c", at("plain.wav")), 6);
    EXPECT_TRUE(raw_samples(at("plain.wav"), "s16") == want) << "the plain file's render differs";
    RunResult probe = run({"ffprobe", "-v", "error", "-show_entries", "stream=channel_layout", "-of", "csv=p=0", at("plain.wav")});
    EXPECT_EQ(probe.out, "5.1\n");
    // ... and a scene's 2D sound on 5.1 buses keeps its channels, from memory or streamed.
    for (const char* stream : {"false", "true"}) {
        // (virtual_below_db: a voice of kept channels is as loud as its gains say, never silenced)
        write_file(at("s.toml"), std::string("version = 1\n[engine]\nchannels = 6\nvirtual_below_db = -60\n[[sound]]\n"
                                             "file = \"n51.flac\"\nstream = ") +
                                     stream + "\n");
        RunResult r = simvx({at("s.toml"), "--render", at("scene.wav")});
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_TRUE(raw_samples(at("scene.wav"), "s16") == want) << "stream = " << stream;
    }
    // An MP3 render holds two channels: the plain file is downmixed for it, as before.
    RunResult mp3 = simvx({at("n51.flac"), "--render", at("plain.mp3")});
    ASSERT_EQ(mp3.status, 0) << mp3.err;
    EXPECT_EQ(soxi("-c", at("plain.mp3")), 2);
}

TEST_F(SurroundCli, AFileOfAnotherLayoutGoesToTheNearestSpeakers) {
    write_levels(at("l51.wav"), 6);  // FL .05, FR .10, FC .15, LFE .20, BL .25, BR .30
    write_levels(at("l71.wav"), 8);  // ... SL .35, SR .40
    const double h = 1 / std::sqrt(2.0);
    auto frame = [&](const std::string& file, const std::string& channels) {
        write_file(at("s.toml"), "version = 1\n[engine]\nchannels = " + channels + "\n[[sound]]\nfile = \"" + file + "\"\n");
        const Pcm p = render_f32(at("s.toml"), at("o.wav"));
        return std::vector<float>(p.samples.begin() + 2400 * p.channels, p.samples.begin() + 2401 * p.channels);
    };
    // 5.1 on quad: the centre into both fronts at -3 dB, the LFE dropped.
    const auto quad = frame("l51.wav", "4");
    ASSERT_EQ(quad.size(), 4u);
    EXPECT_NEAR(quad[0], 0.05 + 0.15 * h, 1e-6);
    EXPECT_NEAR(quad[1], 0.10 + 0.15 * h, 1e-6);
    EXPECT_NEAR(quad[2], 0.25, 1e-6);
    EXPECT_NEAR(quad[3], 0.30, 1e-6);
    // 7.1 on 5.1: the sides join the backs.
    const auto five = frame("l71.wav", "6");
    ASSERT_EQ(five.size(), 6u);
    const double want5[] = {0.05, 0.10, 0.15, 0.20, 0.25 + 0.35, 0.30 + 0.40};
    for (int c = 0; c < 6; ++c) EXPECT_NEAR(five[c], want5[c], 1e-6) << c;
    // 5.1 on 7.1: every channel to its own speaker, the sides silent.
    const auto seven = frame("l51.wav", "8");
    const Pcm in = sox_read(at("l51.wav"));  // (as sox reads floats: the same path as the render's)
    for (uint32_t c = 0; c < 8; ++c) EXPECT_EQ(seven[c], c < 6 ? in.samples[2400 * 6 + c] : 0.0f) << c;
    // On stereo buses, the BS.775 downmix as ever.
    const auto stereo = frame("l51.wav", "2");
    EXPECT_NEAR(stereo[0], 0.05 + (0.15 + 0.25) * h, 1e-6);
    EXPECT_NEAR(stereo[1], 0.10 + (0.15 + 0.30) * h, 1e-6);
}

TEST_F(SurroundCli, AMultichannelFileAsA3DSoundIsOnePointAtItsDownmixsMid) {
    write_levels(at("l51.wav"), 6);
    // Straight ahead, 1 m: the centre speaker alone, at the mid of the BS.775 downmix.
    write_file(at("s.toml"), "version = 1\n[engine]\nchannels = 6\n[[sound]]\nfile = \"l51.wav\"\n[sound.spatial]\n"
                             "min_distance = 1\nposition = [0, 0, -1]\n");
    const Pcm p = render_f32(at("s.toml"), at("o.wav"));
    ASSERT_EQ(p.channels, 6u);
    const double h = 1 / std::sqrt(2.0);
    const double left = 0.05 + (0.15 + 0.25) * h, right = 0.10 + (0.15 + 0.30) * h;
    EXPECT_NEAR(p.samples[2400 * 6 + 2], 0.5 * (left + right), 1e-6);
    for (uint32_t c : {0u, 1u, 3u, 4u, 5u}) EXPECT_NEAR(p.samples[2400 * 6 + c], 0.0, 1e-6) << c;
}

TEST_F(SurroundCli, BusesAndSendsCarryEverySpeakerThroughTheGraph) {
    // A 3D sound at the back left, on a group bus (-6 dB) with a send to an
    // aux bus (-6 dB), the group's own send to it (-12 dB),
    // and a sound automated in volume on another speaker.
    const Pcm p = render("[engine]\nchannels = 8\n"
                         "[[bus]]\nname = \"Group\"\nvolume_db = -6.0206\nsends = [ { bus = \"Aux\", volume_db = -12.0412 } ]\n"
                         "[[bus]]\nname = \"Aux\"\n"
                         "[[sound]]\nfile = \"dc.wav\"\nbus = \"Group\"\nsends = [ { bus = \"Aux\", volume_db = -6.0206 } ]\n"
                         "[sound.spatial]\nmin_distance = 1\nposition = [-0.5, 0, 0.8660254]\n"  // -150 degrees: BL in 7.1
                         "[[sound]]\nfile = \"dc.wav\"\nvolume_db = { points = [[0, 0], [0.1, -6.0206]] }\n"
                         "[sound.spatial]\nmin_distance = 1\nposition = [1, 0, 0]\n");  // 90 degrees: SR
    ASSERT_EQ(p.channels, 8u);
    const size_t f = 2400;
    // BL: through the group (0.5) and its bus send (0.5 × 0.25), plus the sound's own send (0.5).
    EXPECT_NEAR(p.samples[f * 8 + 4] / 0.5, 0.5 + 0.5 * 0.25 + 0.5, 1e-4);
    // SR: the automated volume, halfway along its ramp in dB.
    EXPECT_NEAR(20 * std::log10(p.samples[f * 8 + 7] / 0.5), -6.0206 * 2400.0 / 4800.0, 0.01);
    for (uint32_t c : {0u, 1u, 2u, 3u, 5u, 6u}) EXPECT_EQ(p.samples[f * 8 + c], 0.0f) << c;
}

// The shipped example (examples/surround.toml) with the demo assets: the
// engine goes round the listener, so the backs are loud when it is behind
// and quiet when it is ahead, the centre the other way round; the LFE holds
// only bass.
TEST_F(SurroundCli, TheShippedExampleGoesRoundTheListener) {
    namespace fs = std::filesystem;
    fs::create_directories(dir / "examples");
    sh(std::string(SIMVX_SOURCE_DIR) + "/scripts/make-demo-assets " + (dir / "examples/assets") + " >/dev/null");
    fs::copy_file(std::string(SIMVX_SOURCE_DIR) + "/examples/surround.toml", dir / "examples/surround.toml");
    const Pcm p = render_f32(dir / "examples/surround.toml", at("s.wav"));
    ASSERT_EQ(p.channels, 6u);
    auto level = [&](uint32_t c, double from_s) {
        const auto x = p.channel(c);
        return rms_db(std::span<const float>(x.data() + static_cast<size_t>(from_s * 48000), 19200));  // 0.4 s
    };
    // Ahead (0.3 s) and behind (2.8 s): the engine alone differs.
    EXPECT_GT(level(4, 2.8) - level(4, 0.3), 12.0);
    EXPECT_GT(level(5, 2.8) - level(5, 0.3), 12.0);
    EXPECT_GT(level(2, 0.3) - level(2, 2.8), 12.0);
    // The LFE: the send's bass alone (nothing above 1 kHz within 60 dB of its peak).
    const auto lfe = p.channel(3);
    const Spectrum sp = spectrum(std::span<const float>(lfe.data() + 48000, 96000), 48000);
    const size_t cut = static_cast<size_t>(1000 / sp.bin_hz);
    const double low = *std::max_element(sp.mag_db.begin(), sp.mag_db.begin() + static_cast<std::ptrdiff_t>(cut));
    const double high = *std::max_element(sp.mag_db.begin() + static_cast<std::ptrdiff_t>(cut), sp.mag_db.end());
    EXPECT_GT(low - high, 60.0) << "low " << low << " dB, high " << high << " dB";
    EXPECT_GT(low, -50.0);
}

TEST_F(SurroundCli, LayoutsThatDoNotExistAreRefusedWithTheChoices) {
    for (const char* n : {"3", "5", "7", "9", "0"}) {
        RunResult r = simvx({at("dc.wav"), "--channels", n, "--null"});
        EXPECT_EQ(r.status, 2) << n;
        EXPECT_NE(r.err.find("1 (mono), 2 (stereo), 4 (quad), 6 (5.1) or 8 (7.1)"), std::string::npos) << r.err;
    }
    write_file(at("s.toml"), "version = 1\n[engine]\nchannels = 5\n[[sound]]\nfile = \"dc.wav\"\n");
    RunResult r = simvx({at("s.toml"), "--check"});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("s.toml:3:12"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'channels' in [engine] must be 1 (mono), 2 (stereo), 4 (quad), 6 (5.1) or 8 (7.1), found 5"),
              std::string::npos)
        << r.err;
}

TEST_F(SurroundCli, HeadphoneRenderingNeedsAStereoOutput) {
    write_file(at("s.toml"), "version = 1\n[engine]\nspatial = \"hrtf\"\n" + around({30}));
    RunResult r = simvx({at("s.toml"), "--channels", "6", "--render", at("o.wav")});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("spatial = \"hrtf\" renders for headphones: it needs a stereo output, not 5.1"), std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(at("o.wav")));
}

}  // namespace
}  // namespace simvx::test
