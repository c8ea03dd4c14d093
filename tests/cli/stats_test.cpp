// --stats measured against ffmpeg's ebur128 filter (an independent EBU R 128
// implementation) on the same audio, and peaks and clip counts against the
// rendered samples themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <sstream>

#include "cli_support.hpp"
#include "ffmpeg_loudness.hpp"

namespace simvx::test {
namespace {

constexpr uint32_t kRate = 48000;

struct Row {
    double sample_peak, true_peak, integrated, range, shortterm_max;
    uint64_t clipped;
};

double number(const std::string& s) { return s == "-inf" ? -INFINITY : std::stod(s); }

// The row of `bus` in the table --stats prints on stderr.
Row row(const std::string& err, const std::string& bus) {
    std::smatch m;
    const std::regex re("(^|\\n)" + bus + " +(\\S+) +(\\S+) +(\\S+) +(\\S+) +(\\S+) +([0-9]+)\\n");
    if (!std::regex_search(err, m, re)) throw std::runtime_error("no row for " + bus + " in:\n" + err);
    return {number(m[2]), number(m[3]), number(m[4]), number(m[5]), number(m[6]), std::stoull(m[7])};
}

std::vector<float> tone(double freq, double db, double seconds) {
    return sine(freq, kRate, static_cast<size_t>(seconds * kRate), std::pow(10.0, db / 20));
}
void append(std::vector<float>& a, const std::vector<float>& b) { a.insert(a.end(), b.begin(), b.end()); }

// The f32 samples of a WAV as written (sox would clamp values beyond full scale).
std::vector<float> f32_samples(const std::string& path) {
    const WavData w = read_wav_data(path);
    return from_f32le(w.data, w.rate, w.channels).samples;
}

class Stats : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    size_t clipped_in_hot = 0;

    void SetUp() override {
        // Tone bursts at several levels with silent gaps (the gates matter), different per side.
        std::vector<float> l, r;
        const double left[] = {-12, -24, -18, -30}, right[] = {-15, -20, -28, -22};
        for (int i = 0; i < 4; ++i) {
            append(l, tone(1000, left[i], 2.5));
            append(r, tone(500, right[i], 2.5));
            append(l, std::vector<float>(kRate / 2, 0.0f));
            append(r, std::vector<float>(kRate / 2, 0.0f));
        }
        write_wav(at("bursts.wav"), interleave({l, r}, kRate), WavFormat::f32);

        // A program whose loudness swings between -40 and -6 dB every 10 s (a real loudness range).
        std::vector<float> pl(20 * kRate), pr(20 * kRate);
        for (size_t i = 0; i < pl.size(); ++i) {
            const double t = static_cast<double>(i) / kRate;
            const double g = std::pow(10.0, (-40 + 34 * (0.5 - 0.5 * std::cos(2 * M_PI * t / 10))) / 20);
            pl[i] = static_cast<float>(g * (0.6 * std::sin(2 * M_PI * 300 * t) + 0.3 * std::sin(2 * M_PI * 2500 * t)));
            pr[i] = static_cast<float>(g * 0.8 * std::sin(2 * M_PI * 220 * t + 1));
        }
        write_wav(at("program.wav"), interleave({pl, pr}, kRate), WavFormat::f32);

        // A quiet tone with exactly 37 samples beyond full scale, and some exactly at it (not clipped).
        // It plays to the end of the program: after loud spikes and then digital silence, ffmpeg's
        // running window sums drift below zero (short-term "nan") and its own LRA goes astray.
        Pcm hot = interleave({tone(440, -20, 15), tone(440, -20, 15)}, kRate);
        for (size_t k = 0; k < 37; ++k) hot.samples[1000 + k * 2011] = (k % 2 ? -1.25f : 1.0001f);
        for (size_t k = 0; k < 5; ++k) hot.samples[500 + k * 977] = (k % 2 ? -1.0f : 1.0f);
        clipped_in_hot = 37;
        write_wav(at("hot.wav"), hot, WavFormat::f32);

        write_file(at("mix.toml"), R"(version = 1
[engine]
sample_rate = 48000
channels = 2
[[bus]]
name = "Music"
volume_db = -3
[[bus]]
name = "Voice"
volume_db = 2
[[bus]]
name = "Hot"
[[sound]]
file = "bursts.wav"
bus = "Music"
[[sound]]
file = "program.wav"
bus = "Voice"
[[sound]]
file = "hot.wav"
bus = "Hot"
start = 5.0
)");
    }

    // Compares a row of --stats with ffmpeg and with the samples of `file`.
    void agree(const Row& s, const std::string& file, const std::string& what) {
        SCOPED_TRACE(what);
        const LoudnessReference ref = ffmpeg_ebur128(file, at(what + ".meta"));
        EXPECT_NEAR(s.integrated, ref.integrated, 0.1);
        EXPECT_NEAR(s.range, ref.range, 0.2);
        EXPECT_NEAR(s.true_peak, ref.true_peak_db, 0.1);
        EXPECT_NEAR(s.shortterm_max, ref.shortterm_max, 0.1);
        const auto x = f32_samples(file);
        float peak = 0;
        uint64_t clipped = 0;
        for (float v : x) {
            peak = std::max(peak, std::fabs(v));
            clipped += std::fabs(v) > 1.0f;
        }
        EXPECT_NEAR(s.sample_peak, 20 * std::log10(peak), 0.005);  // printed with two decimals
        EXPECT_EQ(s.clipped, clipped);
    }
};

TEST_F(Stats, RenderAgreesWithFfmpegPerBusAndMaster) {
    if (!have_tool("ffmpeg")) GTEST_SKIP() << "ffmpeg not installed";
    RunResult r = simvx({at("mix.toml"), "--render", at("all.wav"), "--render-format", "f32", "--stats"});
    ASSERT_EQ(r.status, 0) << r.err;
    const Row master = row(r.err, "Master");
    agree(master, at("all.wav"), "Master");
    EXPECT_GT(master.range, 5.0);  // the program's swing shows up
    // Each bus alone, as soloing it renders it (Master is at 0 dB).
    for (const std::string bus : {"Music", "Voice", "Hot"}) {
        ASSERT_EQ(simvx({at("mix.toml"), "--render", at(bus + ".wav"), "--render-format", "f32", "--solo", bus}).status, 0);
        agree(row(r.err, bus), at(bus + ".wav"), bus);
    }
    EXPECT_EQ(row(r.err, "Hot").clipped, clipped_in_hot);
    EXPECT_EQ(row(r.err, "Music").clipped, 0u);
}

TEST_F(Stats, MasterIsMeasuredAfterTheVolumeAndInMono) {
    RunResult r = simvx({at("hot.wav"), "--render", at("m.wav"), "--render-format", "f32", "--channels", "1",
                         "--volume-db", "-6", "--stats"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto x = f32_samples(at("m.wav"));
    float peak = 0;
    for (float v : x) peak = std::max(peak, std::fabs(v));
    const Row m = row(r.err, "Master");
    EXPECT_NEAR(m.sample_peak, 20 * std::log10(peak), 0.005);
    EXPECT_EQ(m.clipped, 0u);  // -6 dB brings 1.25 below full scale
}

TEST_F(Stats, SilenceIsMinusInfinity) {
    write_wav(at("silence.wav"), interleave({std::vector<float>(kRate, 0.0f)}, kRate), WavFormat::s16);
    RunResult r = simvx({at("silence.wav"), "--render", at("s.wav"), "--stats"});
    ASSERT_EQ(r.status, 0) << r.err;
    const Row m = row(r.err, "Master");
    EXPECT_TRUE(std::isinf(m.sample_peak) && m.sample_peak < 0);
    EXPECT_TRUE(std::isinf(m.integrated) && m.integrated < 0);
    EXPECT_EQ(m.clipped, 0u);
}

TEST_F(Stats, LivePlaybackMeasuresOffTheAudioThread) {
    // --null runs the real-time path (ring + metering thread); the numbers match the offline render's.
    std::vector<float> l = tone(1000, -12, 2), r = tone(700, -30, 2);
    append(l, tone(1000, -30, 2));
    append(r, tone(700, -9, 2));
    write_wav(at("short.wav"), interleave({l, r}, kRate), WavFormat::f32);
    RunResult live = simvx({at("short.wav"), "--null", "--stats"});
    ASSERT_EQ(live.status, 0) << live.err;
    RunResult off = simvx({at("short.wav"), "--render", at("b.wav"), "--render-format", "f32", "--stats"});
    ASSERT_EQ(off.status, 0) << off.err;
    const Row a = row(live.err, "Master"), b = row(off.err, "Master");
    EXPECT_EQ(a.sample_peak, b.sample_peak);
    EXPECT_EQ(a.integrated, b.integrated);
    EXPECT_EQ(a.range, b.range);
    EXPECT_EQ(a.true_peak, b.true_peak);
    EXPECT_EQ(a.shortterm_max, b.shortterm_max);
    EXPECT_EQ(a.clipped, b.clipped);
}

}  // namespace
}  // namespace simvx::test
