// 3D scenes through the real binary: rendered levels against the OpenAL 1.1
// distance models and cones, where sources are heard (and how turning the
// listener moves them), doppler from source and listener velocity, a
// fly-by measured frame by frame, and air absorption's -3 dB point.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class SpatialCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        write_wav(at("dc.wav"), interleave({std::vector<float>(48000, 0.5f)}, 48000), WavFormat::f32);
        write_wav(at("tone.wav"), interleave({sine(1000, 48000, 4 * 48000, 0.5)}, 48000), WavFormat::f32);
    }
    Pcm render(const std::string& scene_text) {
        write_file(at("scene.toml"), "version = 1\n" + scene_text);
        return render_f32(at("scene.toml"), at("out.wav"));
    }
    // Level in dB of frame `i` of channel `c` relative to the DC of 0.5.
    static double level_db(const Pcm& p, size_t i, uint32_t c) {
        return 20 * std::log10(std::fabs(p.samples[i * p.channels + c]) / 0.5);
    }
    static double db(double gain) { return 20 * std::log10(gain); }
};

// One DC sound per second, straight ahead at each distance.
std::string at_distances(const std::string& model, const std::vector<double>& distances, const std::string& extra) {
    std::string s;
    for (size_t i = 0; i < distances.size(); ++i)
        s += "[[sound]]\nfile = \"dc.wav\"\nstart = " + std::to_string(i) + "\n[sound.spatial]\nposition = [0, 0, " +
             std::to_string(-distances[i]) + "]\nattenuation = \"" + model + "\"\n" + extra;
    return s;
}

TEST_F(SpatialCli, CheckSummarySaysPitchPlacementAndResampler) {
    write_file(at("scene.toml"), "version = 1\n[engine]\nresampler = \"cubic\"\n"
                                 "[[sound]]\nname = \"a\"\nfile = \"tone.wav\"\npitch = 1.5\n"
                                 "[[sound]]\nname = \"b\"\nfile = \"dc.wav\"\n[sound.spatial]\nposition = [2, 0, -3]\n"
                                 "attenuation = \"linear\"\nmin_distance = 2\nmax_distance = 50\n");
    RunResult r = simvx({at("scene.toml"), "--check"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("resampler cubic"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("sound a: starts 0:00.0, ends 0:02.6, pitch 1.5"), std::string::npos) << r.out;  // 4 s / 1.5
    EXPECT_NE(r.out.find("sound b: starts 0:00.0, ends 0:01.0, 3D at (2, 0, -3), linear attenuation 2..50 m"),
              std::string::npos) << r.out;
}

TEST_F(SpatialCli, DistanceModelsMatchOpenAlWithinATenthOfADecibel) {
    const std::vector<double> d{0.5, 3, 7, 40, 250};
    const std::string params = "min_distance = 2\nmax_distance = 100\nrolloff = 0.8\n";
    auto check = [&](const std::string& model, auto formula) {
        const Pcm p = render(at_distances(model, d, params));
        ASSERT_EQ(p.frames(), 48000u * d.size()) << model;
        for (size_t i = 0; i < d.size(); ++i) {
            const double want = formula(std::clamp(d[i], 2.0, 100.0));
            for (uint32_t c = 0; c < 2; ++c)
                EXPECT_NEAR(level_db(p, i * 48000 + 24000, c), db(want), 0.1) << model << " at " << d[i] << " m";
        }
    };
    check("inverse", [](double x) { return 2 / (2 + 0.8 * (x - 2)); });
    check("linear", [](double x) { return 1 - 0.8 * (x - 2) / (100 - 2); });
    check("exponential", [](double x) { return std::pow(x / 2, -0.8); });
    check("none", [](double) { return 1.0; });
}

TEST_F(SpatialCli, ConesAttenuateAsSpecified) {
    // 1 m ahead (min_distance 1: no distance loss), the cone pointing at the
    // listener, away from it, and across (90 degrees: halfway from inner 30 to outer 150).
    std::string s;
    const char* directions[] = {"[0, 0, 1]", "[0, 0, -1]", "[1, 0, 0]"};
    for (int i = 0; i < 3; ++i)
        s += "[[sound]]\nfile = \"dc.wav\"\nstart = " + std::to_string(i) +
             "\n[sound.spatial]\nposition = [0, 0, -1]\ncone = { inner_deg = 60, outer_deg = 300, outer_gain_db = -12, "
             "direction = " + directions[i] + " }\n";
    const Pcm p = render(s);
    const double outer = std::pow(10.0, -12.0 / 20);
    EXPECT_NEAR(level_db(p, 24000, 0), 0.0, 0.1);
    EXPECT_NEAR(level_db(p, 48000 + 24000, 0), -12.0, 0.1);
    EXPECT_NEAR(level_db(p, 96000 + 24000, 0), db(1 + (outer - 1) * (90.0 - 30) / (150 - 30)), 0.1);
}

TEST_F(SpatialCli, SourcesAreHeardWhereTheyAreAndTurningMovesThem) {
    // constant_power: both sides carry something, the nearer side more.
    auto sides = [&](const std::string& listener, const std::string& position) {
        const Pcm p = render("[engine]\npan_law = \"constant_power\"\n" + listener +
                             "[[sound]]\nfile = \"dc.wav\"\n[sound.spatial]\nposition = " + position + "\n");
        return std::pair(level_db(p, 24000, 0), level_db(p, 24000, 1));
    };
    auto [l, r] = sides("", "[3, 0, 0]");
    EXPECT_GT(r, l + 20);  // right: all on the right
    std::tie(l, r) = sides("", "[-3, 0, -3]");
    EXPECT_GT(l, r + 3);
    std::tie(l, r) = sides("", "[0, 0, -3]");  // ahead: centred
    EXPECT_NEAR(l, r, 1e-4);
    std::tie(l, r) = sides("", "[0, 0, 3]");  // behind: centred
    EXPECT_NEAR(l, r, 1e-4);
    // The listener turned to face +x: the source on the right is now ahead, the one ahead on the left.
    const std::string turned = "[listener]\ndirection = [1, 0, 0]\n";
    std::tie(l, r) = sides(turned, "[3, 0, 0]");
    EXPECT_NEAR(l, r, 1e-4);
    std::tie(l, r) = sides(turned, "[0, 0, -3]");
    EXPECT_GT(l, r + 20);
}

TEST_F(SpatialCli, DopplerFromTheSourceAndFromTheListener) {
    auto frequency = [&](const std::string& scene, const std::string& engine = "") {
        const Pcm p = render("[engine]\nchannels = 1\nspeed_of_sound = 343.3\n" + engine + scene);
        const std::span<const float> x(p.samples);
        return peak_frequency(x.subspan(24000, 96000), p.rate);
    };
    const std::string source = "[[sound]]\nfile = \"tone.wav\"\n[sound.spatial]\nposition = [0, 0, -100]\n";
    // Source approaching at c/10: c / (c - v) = 1111.1 Hz.
    EXPECT_NEAR(frequency(source + "velocity = [0, 0, 34.33]\n"), 1111.1, 1111.1 * 0.005);
    // The listener approaching the source: OpenAL's (c + v) / c, 1100 Hz at c/10;
    // 38.14 m/s gives the same 1111.1 Hz as the moving source.
    EXPECT_NEAR(frequency("[listener]\nvelocity = [0, 0, -34.33]\n" + source), 1100.0, 1100.0 * 0.005);
    EXPECT_NEAR(frequency("[listener]\nvelocity = [0, 0, -38.1444]\n" + source), 1111.1, 1111.1 * 0.005);
    // doppler_factor = 0 removes it; so does the sound's own doppler = 0.
    EXPECT_NEAR(frequency(source + "velocity = [0, 0, 34.33]\n", "doppler_factor = 0\n"), 1000.0, 0.5);
    EXPECT_NEAR(frequency(source + "velocity = [0, 0, 34.33]\ndoppler = 0\n"), 1000.0, 0.5);
}

// A path's keyframes name their curves: the source flies off to the right
// exponentially (1 m to 64 m in 3 s), then comes back towards 2 m as a
// target (τ 0.2 s). Inverse distance, balance law: the right channel's level
// is -20 log10(x(t)); the doppler shift follows the path's derivative.
TEST_F(SpatialCli, PathCurvesMoveTheSourceAsTheirFormulasSay) {
    write_wav(at("dc4.wav"), interleave({std::vector<float>(4 * 48000, 0.5f)}, 48000), WavFormat::f32);
    const std::string path = "path = { points = [[0, 1, 0, 0], [3, 64, 0, 0, \"exponential\"], [4, 2, 0, 0, \"target\", 0.2]] }\n";
    auto x = [](double t) { return t < 3 ? std::pow(64.0, t / 3) : 2 + 62 * std::exp(-(t - 3) / 0.2); };
    const Pcm p = render("[[sound]]\nfile = \"dc4.wav\"\n[sound.spatial]\ndoppler = 0\n" + path);
    double worst = 0;
    for (size_t i = 2400; i < 4 * 48000 - 2400; ++i) {
        const double t = static_cast<double>(i) / 48000;
        if (std::fabs(t - 3) < 0.025) continue;  // the corner: gains ramp linearly across the block that holds it
        worst = std::max(worst, std::fabs(level_db(p, i, 1) + db(x(t))));
    }
    std::printf("level against -20 log10(x(t)): worst %.4f dB\n", worst);
    EXPECT_LT(worst, 0.02);
    EXPECT_LT(level_db(p, 48000, 0), -100);  // hard right all along

    // Doppler: receding at x'(t) = x(t) ln 64 / 3 (11.09 m/s at 1.5 s): c / (c + v).
    const Pcm d = render("[engine]\nchannels = 1\nspeed_of_sound = 343.3\n[[sound]]\nfile = \"tone.wav\"\n[sound.spatial]\n" + path);
    const std::vector<float> mono = d.channel(0);
    for (double t : {0.75, 1.5, 2.25}) {
        const double v = x(t) * std::log(64.0) / 3, expected = 1000 * 343.3 / (343.3 + v);
        const auto from = static_cast<size_t>((t - 0.025) * 48000), to = static_cast<size_t>((t + 0.025) * 48000);
        const double heard = crossing_frequency(mono, from, to, 48000);
        std::printf("at %.2f s: %.2f Hz heard, %.2f Hz by the path's derivative\n", t, heard, expected);
        EXPECT_NEAR(heard / expected, 1.0, 0.001) << t;
    }
}

// A looping path circles the listener: the level and the side repeat each lap.
TEST_F(SpatialCli, ALoopingPathCirclesForEver) {
    write_wav(at("dc4.wav"), interleave({std::vector<float>(4 * 48000, 0.5f)}, 48000), WavFormat::f32);
    // A square of side 4 m around the listener, 1 s a lap, linear.
    const Pcm p = render("[[sound]]\nfile = \"dc4.wav\"\n[sound.spatial]\ndoppler = 0\n"
                         "path = { points = [[0, -2, 0, -2], [0.25, 2, 0, -2], [0.5, 2, 0, 2], [0.75, -2, 0, 2], "
                         "[1, -2, 0, -2]], loop = true }\n");
    double worst = 0;
    for (size_t i = 48000; i < 3 * 48000; ++i)
        for (uint32_t c = 0; c < 2; ++c) worst = std::max(worst, static_cast<double>(std::fabs(p.samples[2 * i + c] - p.samples[2 * (i + 48000) + c])));
    // Blocks do not fall on the same frames of each lap, and gains ramp linearly across a block: at the
    // corners, where the distance turns, laps differ by that much.
    EXPECT_LT(worst, 0.01) << "laps differ";
    // Three eighths into each lap the source is 2 m to the right; seven eighths in, 2 m to the left
    // (within the linear ramp of a block: the distance is least there).
    for (int lap : {0, 1, 2, 3}) {
        EXPECT_NEAR(level_db(p, lap * 48000 + 18000, 1), db(0.5), 0.05) << lap;
        EXPECT_LT(level_db(p, lap * 48000 + 18000, 0), -40) << lap;
        EXPECT_NEAR(level_db(p, lap * 48000 + 42000, 0), db(0.5), 0.05) << lap;
        EXPECT_LT(level_db(p, lap * 48000 + 42000, 1), -40) << lap;
    }
}

TEST_F(SpatialCli, FlyByPansAndGlidesContinuouslyWithoutClicks) {
    // A car passing 5 m in front, left to right at 20 m/s, with a 1 kHz horn.
    const Pcm p = render("[engine]\npan_law = \"constant_power\"\n[[sound]]\nfile = \"tone.wav\"\n"
                         "[sound.spatial]\npath = [[0, -40, 0, -5], [4, 40, 0, -5]]\n");
    ASSERT_GT(p.frames(), 3u * 48000);
    const auto left = p.channel(0), right = p.channel(1);
    const size_t win = 4096, hop = 2048;
    double prev_pan = -2, prev_freq = 1e9;
    int windows = 0;
    for (size_t i = 0; i + win <= p.frames() - 4800; i += hop, ++windows) {
        const std::span<const float> l(left.data() + i, win), r(right.data() + i, win);
        const double ll = rms_db(l), rr = rms_db(r);
        const double pan = (std::pow(10, rr / 20) - std::pow(10, ll / 20)) / (std::pow(10, rr / 20) + std::pow(10, ll / 20));
        EXPECT_GE(pan, prev_pan - 1e-3) << "pan moved back at frame " << i;
        std::vector<float> mono(win);
        for (size_t k = 0; k < win; ++k) mono[k] = l[k] + r[k];
        const double f = peak_frequency(mono, p.rate);
        EXPECT_LE(f, prev_freq + 1.0) << "pitch rose at frame " << i;
        prev_pan = pan;
        prev_freq = f;
    }
    EXPECT_GT(windows, 50);
    // Approaching: above 1 kHz; receding: below; the pan from left to right.
    const std::span<const float> l0(left), r0(right);
    EXPECT_GT(peak_frequency(l0.subspan(0, 8192), p.rate), 1040);
    EXPECT_LT(peak_frequency(r0.subspan(p.frames() - 20000, 8192), p.rate), 960);
    EXPECT_GT(rms_db(l0.subspan(0, 8192)), rms_db(r0.subspan(0, 8192)) + 10);
    EXPECT_GT(prev_pan, 0.8);
    // No clicks: no step larger than the loudest, highest tone itself would make.
    double peak = 0;
    for (float x : p.samples) peak = std::max(peak, static_cast<double>(std::fabs(x)));
    const double bound = peak * 2 * std::numbers::pi * 1000 * 1.1 / p.rate;
    EXPECT_LT(max_step(left), bound);
    EXPECT_LT(max_step(right), bound);
}

// Air absorption: a tone at the cutoff the formula gives for the distance is
// 3.01 dB down (Butterworth) against the same scene without absorption; an
// octave and more below it is not touched; the engine's factor applies to
// every 3D sound, a sound's own overrides it.
TEST_F(SpatialCli, AirAbsorptionCutsAtTheFormulasFrequency) {
    auto cutoff = [](double factor, double d) { return 5000 * std::sqrt(3 / (-20 * std::log10(0.994) * factor * (d - 1))); };
    // The level of a `freq` tone heard `d` metres ahead, in dB against no absorption.
    auto loss_db = [&](double freq, double d, const std::string& engine, const std::string& sound) {
        write_wav(at("t.wav"), interleave({sine(freq, 48000, 3 * 48000, 0.5)}, 48000), WavFormat::f32);
        const std::string place = "[[sound]]\nfile = \"t.wav\"\n[sound.spatial]\nattenuation = \"none\"\n"
                                  "max_distance = 1000\nposition = [0, 0, " + std::to_string(-d) + "]\n";
        const Pcm dry = render(place);
        const Pcm wet = render("[engine]\n" + engine + place + sound);
        const auto l0 = dry.channel(0), l1 = wet.channel(0);
        const std::span<const float> a(l0.data() + 48000, 48000), b(l1.data() + 48000, 48000);
        return rms_db(b) - rms_db(a);
    };
    for (const auto& [factor, d] : {std::pair{1.0, 100.0}, std::pair{1.0, 20.0}, std::pair{4.0, 300.0}}) {
        const double fc = cutoff(factor, d);
        const std::string f = "air_absorption = " + std::to_string(factor) + "\n";
        EXPECT_NEAR(loss_db(fc, d, f, ""), -3.01, 0.02) << "factor " << factor << " at " << d << " m, fc " << fc;
        EXPECT_NEAR(loss_db(fc / 4, d, f, ""), 0.0, 0.05) << "factor " << factor << " at " << d << " m";
        EXPECT_LT(loss_db(std::min(2 * fc, 20000.0), d, f, ""), -10.0) << "factor " << factor << " at " << d << " m";
    }
    // --check says what it does.
    write_file(at("scene.toml"), "version = 1\n[engine]\nair_absorption = 1\n[[sound]]\nfile = \"t.wav\"\n"
                                 "[sound.spatial]\nposition = [0, 0, -20]\n");
    const RunResult r = simvx({at("scene.toml"), "--check"});
    EXPECT_NE(r.out.find("inverse attenuation 1..100 m, air absorption 1 (low-pass at 3807 Hz at 100 m)"),
              std::string::npos) << r.out;
    // The sound's own factor over the engine's: 0 turns it off, 2 doubles it.
    EXPECT_NEAR(loss_db(cutoff(1.0, 100.0), 100.0, "air_absorption = 1\n", "air_absorption = 0\n"), 0.0, 1e-6);
    EXPECT_NEAR(loss_db(cutoff(2.0, 100.0), 100.0, "", "air_absorption = 2\n"), -3.01, 0.02);
}

// A source flying away from 2 m to 400 m darkens smoothly: its cutoff glides
// from block to block, so no step is larger than the tone itself makes.
TEST_F(SpatialCli, AirAbsorptionGlidesAsTheSourceMoves) {
    write_wav(at("t.wav"), interleave({sine(6000, 48000, 4 * 48000, 0.5)}, 48000), WavFormat::f32);
    const Pcm p = render("[engine]\nair_absorption = 1\n[[sound]]\nfile = \"t.wav\"\n[sound.spatial]\n"
                         "attenuation = \"none\"\nmax_distance = 1000\npath = [[0, 0, 0, -2], [4, 0, 0, -400]]\n");
    const auto left = p.channel(0);
    const std::span<const float> l(left);
    // Darker and darker: each half-second quieter than the one before.
    double previous = 1;
    for (size_t i = 0; i + 24000 <= p.frames(); i += 24000) {
        const double level = rms_db(l.subspan(i, 24000));
        EXPECT_LT(level, previous) << "at frame " << i;
        previous = level;
    }
    EXPECT_LT(previous, rms_db(l.subspan(0, 24000)) - 12);  // 6 kHz against a cutoff falling to 1.9 kHz
    const double bound = 0.5 * 2 * std::numbers::pi * 6000 * 1.05 / p.rate;
    EXPECT_LT(max_step(left), bound);
}

}  // namespace
}  // namespace simvx::test
