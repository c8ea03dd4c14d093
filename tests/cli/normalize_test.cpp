// --normalize: renders of speech-like, music-like and tone signals land on
// the target as ffmpeg's ebur128 measures them; ffmpeg's loudnorm (linear,
// two passes) on the same input is reported beside; a render whose peaks
// would pass the ceiling is held there and says so; what cannot be rendered
// twice is refused before anything is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <regex>
#include <thread>

#include "cli_support.hpp"
#include "ffmpeg_loudness.hpp"

namespace simvx::test {
namespace {

constexpr uint32_t kRate = 48000;
constexpr double kPi = 3.14159265358979323846;

double db_gain(double db) { return std::pow(10.0, db / 20); }

// Syllables of a voice: harmonics of a gliding 110..150 Hz fundamental
// (random phases, falling 6 dB an octave), shaped by 4 Hz syllables with
// gaps and a pause every 3 s.
std::vector<float> speech_like(double seconds) {
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> uni(0, 2 * kPi);
    double phase_of[30];
    for (double& p : phase_of) p = uni(rng);
    const size_t n = static_cast<size_t>(seconds * kRate);
    std::vector<float> x(n);
    double f0_phase = 0;
    for (size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / kRate;
        const double f0 = 130 + 20 * std::sin(2 * kPi * 0.7 * t);
        f0_phase += 2 * kPi * f0 / kRate;
        const double syllable = std::fmod(t, 0.25) < 0.18 ? std::sin(kPi * std::fmod(t, 0.25) / 0.18) : 0.0;
        const double pause = std::fmod(t, 3.0) < 2.4 ? 1.0 : 0.0;
        double v = 0;
        for (int k = 1; k <= 30; ++k)
            if (k * f0 < 8000) v += std::sin(k * f0_phase + phase_of[k - 1]) / k;
        x[i] = static_cast<float>(0.05 * syllable * pause * v);
    }
    return x;
}

// A chord with a slow tremolo over quiet noise.
std::vector<float> music_like(double seconds, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0, 0.01);
    const size_t n = static_cast<size_t>(seconds * kRate);
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / kRate;
        const double g = 0.75 + 0.25 * std::sin(2 * kPi * 0.5 * t);
        const double v = 0.04 * (std::sin(2 * kPi * 220 * t) + std::sin(2 * kPi * 277.2 * t + 1) +
                                 std::sin(2 * kPi * 329.6 * t + 2) + 0.5 * std::sin(2 * kPi * 880 * t + 3));
        x[i] = static_cast<float>(g * v + noise(rng));
    }
    return x;
}

std::vector<float> tone(double freq, double dbfs, double seconds) {
    return sine(freq, kRate, static_cast<size_t>(seconds * kRate), db_gain(dbfs));
}

double json_number(const std::string& out, const std::string& key) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex("\"" + key + "\":(-?[0-9.eE+-]+)")))
        throw std::runtime_error("no " + key + " in:\n" + out);
    return std::stod(m[1]);
}
std::string json_text(const std::string& out, const std::string& key) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex("\"" + key + "\":\"([^\"]*)\""))) return {};
    return m[1];
}

class Normalize : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }

    // Renders `name`.wav normalized to `target` and checks it against ffmpeg;
    // runs loudnorm on the same input and prints both.
    void lands_on_target(const std::string& name, double target, const std::string& format = "f32") {
        SCOPED_TRACE(name + " to " + std::to_string(target));
        const std::string in = at(name + ".wav"), out = at(name + ".norm.wav"), ln = at(name + ".loudnorm.wav");
        RunResult r = simvx({in, "--render", out, "--render-format", format, "--normalize", std::to_string(target), "--json"});
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(json_text(r.out, "outcome"), "on_target") << r.out;
        const double gain = json_number(r.out, "gain_db");
        const LoudnessReference before = ffmpeg_ebur128(in, at(name + ".in.meta"));
        const LoudnessReference ours = ffmpeg_ebur128(out, at(name + ".out.meta"));
        EXPECT_NEAR(ours.integrated, target, 0.1);
        EXPECT_NEAR(gain, target - before.integrated, 0.1);  // our first pass agrees with ffmpeg's measure
        ffmpeg_loudnorm_linear(in, ln, target, -1, kRate);
        const LoudnessReference theirs = ffmpeg_ebur128(ln, at(name + ".ln.meta"));
        std::printf("%-7s %s to %.0f LUFS: input %.3f LUFS %.2f dBTP; simvxplay gain %+.3f dB -> %.3f LUFS %.2f dBTP; "
                    "ffmpeg loudnorm linear -> %.3f LUFS %.2f dBTP\n",
                    name.c_str(), format.c_str(), target, before.integrated, before.true_peak_db, gain, ours.integrated,
                    ours.true_peak_db, theirs.integrated, theirs.true_peak_db);
    }
};

TEST_F(Normalize, SpeechMusicAndToneLandOnTheTarget) {
    const auto speech = speech_like(12);
    write_wav(at("speech.wav"), interleave({speech, speech}, kRate), WavFormat::f32);
    write_wav(at("music.wav"), interleave({music_like(12, 1), music_like(12, 2)}, kRate), WavFormat::f32);
    write_wav(at("tone.wav"), interleave({tone(1000, -30, 8), tone(1000, -30, 8)}, kRate), WavFormat::f32);
    lands_on_target("speech", -16);
    lands_on_target("speech", -23);
    lands_on_target("music", -16);
    lands_on_target("music", -23);
    lands_on_target("tone", -16);
    lands_on_target("tone", -23, "s16");  // the gain comes before quantization
}

TEST_F(Normalize, StatsAndTheNoteSeeTheNormalizedOutput) {
    write_wav(at("tone.wav"), interleave({tone(1000, -30, 6), tone(500, -36, 6)}, kRate), WavFormat::f32);
    RunResult r = simvx({at("tone.wav"), "--render", at("out.wav"), "--render-format", "f32", "--normalize", "-20", "--stats"});
    ASSERT_EQ(r.status, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex("--normalize: gain ([-+][0-9.]+) dB: (-?[0-9.]+) LUFS"))) << r.err;
    EXPECT_NEAR(std::stod(m[2]), -20, 0.005);
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex("\\nMaster +\\S+ +\\S+ +(\\S+)"))) << r.err;
    EXPECT_NEAR(std::stod(m[1]), -20, 0.02);  // --stats measures the second pass
}

// The normalized loudness is known before the output opens, so encoded
// renders carry it as the tags their players read: ReplayGain 2.0 in FLAC,
// Ogg Vorbis and MP3, R128_TRACK_GAIN in Opus. Read back with the codecs' own
// tools (ffprobe for MP3) and held against ffmpeg's measure of the file.
TEST_F(Normalize, EncodedRendersCarryTheirLoudnessAsTags) {
    for (const char* tool : {"metaflac", "vorbiscomment", "opusinfo", "ffprobe"})
        if (!have_tool(tool)) GTEST_SKIP() << tool << " not installed";
    write_wav(at("music.wav"), interleave({music_like(8, 3), music_like(8, 4)}, kRate), WavFormat::f32);
    auto tag = [](const std::string& text, const std::string& key) -> std::optional<double> {
        std::smatch m;
        if (!std::regex_search(text, m, std::regex(key + "[=:] *(-?[0-9.]+)"))) return std::nullopt;
        return std::stod(m[1]);
    };
    struct Case {
        const char* ext;
        std::string (*read_tags)(const std::string& file);
        // The tags give the loudness of what went into the encoder; the lossy
        // codecs move it a little (0.13 LU quieter on this signal, Vorbis and MP3).
        double loudness_tolerance_lu;
        double peak_tolerance_db;
    };
    const Case cases[] = {
        {"flac", [](const std::string& f) { return run({"metaflac", "--export-tags-to=-", f}).out; }, 0.02, 0.05},
        {"ogg", [](const std::string& f) { return run({"vorbiscomment", "-l", f}).out; }, 0.2, 0.5},
        {"mp3",
         [](const std::string& f) { return run({"ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "default=nw=1", f}).out; },
         0.2, 0.5},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.ext);
        const std::string out = at(std::string("out.") + c.ext);
        RunResult r = simvx({at("music.wav"), "--render", out, "--normalize", "-16", "-q"});
        ASSERT_EQ(r.status, 0) << r.err;
        const std::string tags = c.read_tags(out);
        const auto gain = tag(tags, "REPLAYGAIN_TRACK_GAIN"), peak = tag(tags, "REPLAYGAIN_TRACK_PEAK");
        ASSERT_TRUE(gain && peak) << tags;
        EXPECT_NEAR(*gain, -2.0, 0.01);  // -18 LUFS less the -16 the render was normalized to
        const LoudnessReference measured = ffmpeg_ebur128(out, out + ".meta");
        EXPECT_NEAR(*gain, -18 - measured.integrated, c.loudness_tolerance_lu);
        EXPECT_NEAR(20 * std::log10(*peak), measured.true_peak_db, c.peak_tolerance_db);
    }
    // Opus: R128_TRACK_GAIN in Q7.8 dB against -23 LUFS, and no REPLAYGAIN tags (RFC 7845).
    RunResult r = simvx({at("music.wav"), "--render", at("out.opus"), "--normalize", "-16", "-q"});
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string info = run({"opusinfo", at("out.opus")}).out;
    const auto r128 = tag(info, "R128_TRACK_GAIN");
    ASSERT_TRUE(r128) << info;
    EXPECT_NEAR(*r128, (-23 - -16) * 256.0, 2);
    EXPECT_EQ(info.find("REPLAYGAIN"), std::string::npos) << info;
    const LoudnessReference measured = ffmpeg_ebur128(at("out.opus"), at("out.opus.meta"));
    EXPECT_NEAR(*r128 / 256.0, -23 - measured.integrated, 0.2);
    // WAV carries no tags: the render is normalized all the same.
    r = simvx({at("music.wav"), "--render", at("out.wav"), "--normalize", "-16", "-q"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NEAR(ffmpeg_ebur128(at("out.wav"), at("out.wav.meta")).integrated, -16, 0.1);
}

TEST_F(Normalize, APeakAboveTheCeilingHoldsTheGainThereAndSaysSo) {
    // A quiet tone with a loud 3 kHz burst every 2 s: at -12 LUFS its peaks would pass -1 dBTP.
    auto x = tone(440, -30, 8);
    for (size_t s = kRate / 2; s + 480 < x.size(); s += 2 * kRate)
        for (size_t i = 0; i < 480; ++i)
            x[s + i] += static_cast<float>(0.5 * std::sin(kPi * i / 480.0) * std::sin(2 * kPi * 3000 * i / kRate));
    write_wav(at("peaky.wav"), interleave({x, x}, kRate), WavFormat::f32);
    RunResult r = simvx({at("peaky.wav"), "--render", at("out.wav"), "--render-format", "f32", "--normalize", "-12",
                         "--true-peak-max", "-1.5", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(json_text(r.out, "outcome"), "held_by_ceiling") << r.out;
    EXPECT_NE(r.err.find("above --true-peak-max -1.5 dBTP"), std::string::npos) << r.err;
    EXPECT_NEAR(json_number(r.out, "true_peak_db"), -1.5, 1e-6);
    const LoudnessReference out = ffmpeg_ebur128(at("out.wav"), at("out.meta"));
    EXPECT_NEAR(out.true_peak_db, -1.5, 0.05);
    EXPECT_NEAR(out.integrated, json_number(r.out, "integrated_lufs"), 0.1);
    EXPECT_LT(out.integrated, -12.5);
    std::printf("held by the ceiling: %.3f LUFS, true peak %.3f dBTP (ffmpeg)\n", out.integrated, out.true_peak_db);
}

TEST_F(Normalize, SilenceIsWrittenAsItIs) {
    write_wav(at("quiet.wav"), interleave({std::vector<float>(kRate, 0.0f)}, kRate), WavFormat::f32);
    RunResult r = simvx({at("quiet.wav"), "--render", at("out.wav"), "--render-format", "f32", "--normalize", "-16"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("silent"), std::string::npos) << r.err;
    const auto out = sox_read(at("out.wav")).samples;
    EXPECT_EQ(out.size(), static_cast<size_t>(kRate));
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float v) { return v == 0.0f; }));
}

TEST_F(Normalize, WhatCannotBeRenderedTwiceIsRefusedAndNothingWritten) {
    write_wav(at("a.wav"), interleave({tone(440, -20, 1)}, kRate), WavFormat::f32);
    RunResult live = simvx({at("a.wav"), "--null", "--normalize", "-16"});
    EXPECT_EQ(live.status, 2);
    EXPECT_NE(live.err.find("--render"), std::string::npos) << live.err;
    RunResult stream = simvx({"--stream", "-", "--render", at("s.wav"), "--normalize", "-16"}, std::string(4800, '\0'));
    EXPECT_EQ(stream.status, 2);
    EXPECT_NE(stream.err.find("live stream"), std::string::npos) << stream.err;
    EXPECT_FALSE(std::filesystem::exists(at("s.wav")));
    RunResult ceiling = simvx({at("a.wav"), "--render", at("b.wav"), "--true-peak-max", "-2"});
    EXPECT_EQ(ceiling.status, 2);
    EXPECT_NE(ceiling.err.find("--normalize"), std::string::npos) << ceiling.err;
    RunResult range = simvx({at("a.wav"), "--render", at("b.wav"), "--normalize", "5"});
    EXPECT_EQ(range.status, 2);
    EXPECT_NE(range.err.find("a loudness in LUFS"), std::string::npos) << range.err;
}

// Ctrl-C while measuring: exit 130, and no file (nor a partial one) was made.
TEST_F(Normalize, AnInterruptedMeasurementWritesNothing) {
    write_wav(at("a.wav"), interleave({tone(300, -20, 1)}, kRate), WavFormat::s16);
    Child render({bin(), at("a.wav"), "--loop", "--duration", "36000", "--render", at("out.wav"), "--normalize", "-16"},
                 at("log"));
    // Ten hours take the measuring pass far longer than this wait.
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    EXPECT_EQ(render.stop(SIGINT, 20), 128 + SIGINT);
    EXPECT_NE(read_file(at("log")).find("interrupted while measuring for --normalize: nothing was written"),
              std::string::npos)
        << read_file(at("log"));
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().filename().string().find("out.wav"), std::string::npos) << e.path();
}

}  // namespace
}  // namespace simvx::test
