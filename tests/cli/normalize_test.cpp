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
#include <fstream>
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

// A loudness tag's number in what a tag tool printed ("KEY=value", "KEY: value").
std::optional<double> tag_value(const std::string& text, const std::string& key) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(key + "[=:] *([-+]?[0-9.]+)"))) return std::nullopt;
    return std::stod(m[1]);
}

// The codecs that carry ReplayGain 2.0 tags, each read back with its own tool
// (ffprobe for MP3's ID3v2 TXXX frames).
struct ReplayGainCodec {
    const char* ext;
    std::string (*read_tags)(const std::string& file);
    // The tags give the loudness of what went into the encoder; the lossy
    // codecs move it a little (0.13 LU quieter on this signal, Vorbis and MP3).
    double loudness_tolerance_lu;
    double peak_tolerance_db;
};
const ReplayGainCodec kReplayGainCodecs[] = {
    {"flac", [](const std::string& f) { return run({"metaflac", "--export-tags-to=-", f}).out; }, 0.02, 0.05},
    {"ogg", [](const std::string& f) { return run({"vorbiscomment", "-l", f}).out; }, 0.2, 0.5},
    {"mp3",
     [](const std::string& f) { return run({"ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "default=nw=1", f}).out; },
     0.2, 0.5},
};
bool have_tag_tools() {
    for (const char* tool : {"metaflac", "vorbiscomment", "opusinfo", "ffprobe"})
        if (!have_tool(tool)) return false;
    return true;
}

// `out`'s ReplayGain tags against ffmpeg's measure of it; returns the gain tag.
double check_replaygain_tags(const ReplayGainCodec& c, const std::string& out) {
    const std::string tags = c.read_tags(out);
    const auto gain = tag_value(tags, "REPLAYGAIN_TRACK_GAIN"), peak = tag_value(tags, "REPLAYGAIN_TRACK_PEAK");
    EXPECT_TRUE(gain && peak) << tags;
    if (!gain || !peak) return NAN;
    const LoudnessReference measured = ffmpeg_ebur128(out, out + ".meta");
    EXPECT_NEAR(*gain, -18 - measured.integrated, c.loudness_tolerance_lu);
    EXPECT_NEAR(20 * std::log10(*peak), measured.true_peak_db, c.peak_tolerance_db);
    std::printf("%-4s REPLAYGAIN_TRACK_GAIN %+.2f dB (ffmpeg: %+.3f), PEAK %.3f dBTP (ffmpeg: %.3f)\n", c.ext, *gain,
                -18 - measured.integrated, 20 * std::log10(*peak), measured.true_peak_db);
    return *gain;
}

// Opus's R128_TRACK_GAIN (Q7.8 dB against -23 LUFS) against ffmpeg's measure,
// and no REPLAYGAIN tags (RFC 7845); returns the gain in dB.
double check_r128_tag(const std::string& out) {
    const std::string info = run({"opusinfo", out}).out;
    const auto r128 = tag_value(info, "R128_TRACK_GAIN");
    EXPECT_TRUE(r128) << info;
    if (!r128) return NAN;
    EXPECT_EQ(info.find("REPLAYGAIN"), std::string::npos) << info;
    const LoudnessReference measured = ffmpeg_ebur128(out, out + ".meta");
    EXPECT_NEAR(*r128 / 256.0, -23 - measured.integrated, 0.2);
    std::printf("opus R128_TRACK_GAIN %+.2f dB (ffmpeg: %+.3f)\n", *r128 / 256.0, -23 - measured.integrated);
    return *r128 / 256.0;
}

// The normalized loudness is known before the output opens, so encoded
// renders carry it as the tags their players read: ReplayGain 2.0 in FLAC,
// Ogg Vorbis and MP3, R128_TRACK_GAIN in Opus. Read back with the codecs' own
// tools (ffprobe for MP3) and held against ffmpeg's measure of the file.
TEST_F(Normalize, EncodedRendersCarryTheirLoudnessAsTags) {
    if (!have_tag_tools()) GTEST_SKIP() << "metaflac, vorbiscomment, opusinfo or ffprobe not installed";
    write_wav(at("music.wav"), interleave({music_like(8, 3), music_like(8, 4)}, kRate), WavFormat::f32);
    for (const ReplayGainCodec& c : kReplayGainCodecs) {
        SCOPED_TRACE(c.ext);
        const std::string out = at(std::string("out.") + c.ext);
        RunResult r = simvx({at("music.wav"), "--render", out, "--normalize", "-16", "-q"});
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_NEAR(check_replaygain_tags(c, out), -2.0, 0.01);  // -18 LUFS less the -16 the render was normalized to
    }
    RunResult r = simvx({at("music.wav"), "--render", at("out.opus"), "--normalize", "-16", "-q"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NEAR(check_r128_tag(at("out.opus")), -23 - -16, 2 / 256.0);
    // WAV carries no tags: the render is normalized all the same.
    r = simvx({at("music.wav"), "--render", at("out.wav"), "--normalize", "-16", "-q"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NEAR(ffmpeg_ebur128(at("out.wav"), at("out.wav.meta")).integrated, -16, 0.1);
}

// Measured by --stats alone, the loudness is known only once the audio is
// encoded: the tags are written into the room each encoder kept for them,
// before the file is renamed into place. They read back as the normalized
// ones do and agree with --stats' own table; the audio is untouched (FLAC
// decodes bit for bit as an untagged render); standard output gets none.
TEST_F(Normalize, StatsAloneTagsEncodedRendersWithTheirLoudness) {
    if (!have_tag_tools()) GTEST_SKIP() << "metaflac, vorbiscomment, opusinfo or ffprobe not installed";
    write_wav(at("music.wav"), interleave({music_like(8, 3), music_like(8, 4)}, kRate), WavFormat::f32);
    const std::vector<std::string> tags = {"--tag", "TITLE=Étude", "--tag", "ARTIST=simvxplay tests"};
    auto stats_output_lufs = [](const std::string& err) {
        std::smatch m;
        EXPECT_TRUE(std::regex_search(err, m, std::regex("\\nMaster +\\S+ +\\S+ +(\\S+)"))) << err;
        return m.empty() ? NAN : std::stod(m[1]);
    };
    for (const ReplayGainCodec& c : kReplayGainCodecs) {
        SCOPED_TRACE(c.ext);
        const std::string out = at(std::string("stats.") + c.ext);
        std::vector<std::string> args = {at("music.wav"), "--render", out, "--stats"};
        args.insert(args.end(), tags.begin(), tags.end());
        RunResult r = simvx(args);
        ASSERT_EQ(r.status, 0) << r.err;
        const double gain = check_replaygain_tags(c, out);
        EXPECT_NEAR(gain, -18 - stats_output_lufs(r.err), 0.006);  // the table's value, rounded to 0.01
        const std::string all = c.read_tags(out);
        EXPECT_NE(all.find("simvxplay tests"), std::string::npos) << all;  // the other tags are still there
    }
    std::vector<std::string> args = {at("music.wav"), "--render", at("stats.opus"), "--stats"};
    args.insert(args.end(), tags.begin(), tags.end());
    RunResult r = simvx(args);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NEAR(check_r128_tag(at("stats.opus")), -23 - stats_output_lufs(r.err), 1 / 256.0 + 0.006);
    // The rewritten Ogg pages still decode with the codecs' own tools.
    if (have_tool("opusdec")) {
        EXPECT_EQ(run({"opusdec", "--quiet", at("stats.opus"), at("stats.opus.wav")}).status, 0);
    }
    if (have_tool("oggdec")) {
        EXPECT_EQ(run({"oggdec", "-Q", at("stats.ogg"), "-o", at("stats.ogg.wav")}).status, 0);
    }

    // The audio is what an untagged render holds, sample for sample.
    ASSERT_EQ(simvx({at("music.wav"), "--render", at("plain.flac"), "-q"}).status, 0);
    EXPECT_EQ(run({"flac", "-t", "-s", at("stats.flac")}).status, 0);
    sh("flac -s -d -f " + at("stats.flac") + " -o " + at("stats.flac.wav"));
    sh("flac -s -d -f " + at("plain.flac") + " -o " + at("plain.flac.wav"));
    const Pcm tagged = sox_read(at("stats.flac.wav")), plain = sox_read(at("plain.flac.wav"));
    ASSERT_EQ(tagged.samples.size(), plain.samples.size());
    EXPECT_TRUE(tagged.samples == plain.samples);
    EXPECT_EQ(plain.samples.size(), static_cast<size_t>(8 * kRate * 2));

    // Standard output cannot be rewritten: no loudness tags, and a valid file.
    RunResult piped = simvx({at("music.wav"), "--render", "-", "--render-codec", "flac", "--stats", "-q"});
    ASSERT_EQ(piped.status, 0) << piped.err;
    {
        std::ofstream(at("piped.flac"), std::ios::binary) << piped.out;
    }
    EXPECT_EQ(run({"flac", "-t", "-s", at("piped.flac")}).status, 0);
    EXPECT_EQ(run({"metaflac", "--export-tags-to=-", at("piped.flac")}).out.find("REPLAYGAIN"), std::string::npos);
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

// Drums and a tone: a kick (a falling 150..50 Hz sine burst) every 0.5 s
// with a 5 kHz click on its attack, a snare-like noise burst in between,
// over a quiet 220 Hz tone. Its peaks sit some 15 dB over its loudness, so at
// -14 LUFS they would pass -1 dBTP.
std::vector<float> drums_and_tone(double seconds, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> noise(-1, 1);
    const size_t n = static_cast<size_t>(seconds * kRate);
    std::vector<float> x(n);
    double kick_phase = 0;
    for (size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / kRate, beat = std::fmod(t, 0.5), off = std::fmod(t + 0.25, 0.5);
        kick_phase += 2 * kPi * (50 + 100 * std::exp(-beat * 30)) / kRate;
        const double kick = 0.3 * std::exp(-beat * 12) * std::sin(kick_phase);
        const double click = 0.6 * std::exp(-beat * 1500) * std::sin(2 * kPi * 5000 * beat);
        const double snare = 0.15 * std::exp(-off * 25) * noise(rng);
        x[i] = static_cast<float>(kick + click + snare + 0.01 * std::sin(2 * kPi * 220 * t));
    }
    return x;
}

// --normalize-limit: where the ceiling would hold the gain back, a true-peak
// limiter holds the peaks instead, and the render is measured again until it
// is on the target. ffmpeg's ebur128 reads the target within 0.1 LU and the
// true peak under the ceiling (its own 4x oversampling reads a little low or
// high: 0.1 dB allowed); two renders are the same to the bit.
TEST_F(Normalize, ALimiterHoldsThePeaksSoTheTargetIsReached) {
    write_wav(at("drums.wav"), interleave({drums_and_tone(10, 5), drums_and_tone(10, 6)}, kRate), WavFormat::f32);
    const LoudnessReference in = ffmpeg_ebur128(at("drums.wav"), at("drums.meta"));
    const std::vector<std::string> common = {at("drums.wav"), "--render-format", "f32", "--normalize", "-14",
                                             "--true-peak-max", "-1", "--json"};
    auto args = [&](const std::string& out, bool limit) {
        std::vector<std::string> a = common;
        a.insert(a.begin() + 1, {"--render", at(out)});
        if (limit) a.push_back("--normalize-limit");
        return a;
    };
    // Without the limiter: held at the ceiling, short of the target, and said.
    RunResult held = simvx(args("held.wav", false));
    ASSERT_EQ(held.status, 0) << held.err;
    EXPECT_EQ(json_text(held.out, "outcome"), "held_by_ceiling") << held.out;
    EXPECT_NE(held.err.find("above --true-peak-max -1 dBTP"), std::string::npos) << held.err;
    const LoudnessReference held_out = ffmpeg_ebur128(at("held.wav"), at("held.meta"));
    EXPECT_LT(held_out.integrated, -14.5);

    RunResult r = simvx(args("limited.wav", true));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(json_text(r.out, "outcome"), "limited") << r.out;
    EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
    const double gain = json_number(r.out, "gain_db"), reduction = json_number(r.out, "limiter_reduction_db");
    const LoudnessReference out = ffmpeg_ebur128(at("limited.wav"), at("limited.meta"));
    EXPECT_NEAR(out.integrated, -14, 0.1);
    EXPECT_LE(out.true_peak_db, -1 + 0.1);
    EXPECT_NEAR(json_number(r.out, "integrated_lufs"), out.integrated, 0.05);  // what the last pass measured
    EXPECT_GT(reduction, 1.0);
    EXPECT_GT(gain, -14 - in.integrated);  // limiting cost loudness, which the gain made up
    std::printf("drums %.3f LUFS %.2f dBTP -> held at the ceiling: %.3f LUFS %.2f dBTP; limited: gain %+.3f dB, "
                "reduction up to %.2f dB, limiter at %.3f dBTP, %d passes -> ffmpeg %.3f LUFS %.3f dBTP\n",
                in.integrated, in.true_peak_db, held_out.integrated, held_out.true_peak_db, gain, reduction,
                json_number(r.out, "limiter_ceiling_db"), static_cast<int>(json_number(r.out, "passes")),
                out.integrated, out.true_peak_db);
    // The same render again, bit for bit, and of the input's length.
    RunResult again = simvx(args("again.wav", true));
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_TRUE(read_file(at("limited.wav")) == read_file(at("again.wav")));
    EXPECT_EQ(sox_read(at("limited.wav")).frames(), static_cast<size_t>(10 * kRate));
    // --stats sees the limited output.
    std::vector<std::string> stats = args("stats.wav", true);
    stats.erase(std::find(stats.begin(), stats.end(), "--json"));
    stats.push_back("--stats");
    RunResult st = simvx(stats);
    ASSERT_EQ(st.status, 0) << st.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(st.err, m, std::regex("\\nMaster +\\S+ +(\\S+) +(\\S+)"))) << st.err;
    EXPECT_LE(std::stod(m[1]), -1.0);
    EXPECT_NEAR(std::stod(m[2]), -14, 0.03);
    EXPECT_TRUE(read_file(at("limited.wav")) == read_file(at("stats.wav")));
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
