// Automation end to end: a sound's volume and pan, a bus's volume and send levels following
// envelopes, measured on every sample of a render against the curves'
// formulas written out here (WebAudio's AudioParam); times from the sound's
// start or the scene's; --start-at landing on the envelope; the envelopes the
// loader refuses, with their positions; --check showing each one's range.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

constexpr uint32_t kRate = 48000;
constexpr float kDc = 0.5f;  // the fixture: every sample's level is the gain applied to it

class AutomationCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        write_wav(at("dc.wav"), interleave({std::vector<float>(2 * kRate, kDc)}, kRate), WavFormat::f32);
    }
    // A scene of dc.wav starting at `start` s with these extra sound keys (and a bus table before it).
    std::string scene(const std::string& sound_keys, double start = 0.0, const std::string& before = "") {
        const std::string path = at("scene.toml");
        write_file(path, "version = 1\n" + before + "[[sound]]\nfile = \"dc.wav\"\nstart = " + std::to_string(start) +
                             "\n" + sound_keys + "\n");
        return path;
    }
    Pcm render(const std::string& path, const std::vector<std::string>& extra = {}) {
        return render_f32(path, at("out.wav"), extra);
    }
    // The render's own float samples (sox's reading goes through 32-bit
    // integers, which blurs a quiet level's last digits: 2e-4 dB at -50 dB).
    Pcm render_exact(const std::string& path, const std::vector<std::string>& extra = {}) {
        render(path, extra);
        const WavData w = read_wav_data(at("out.wav"));
        return from_f32le(w.data, w.rate, w.channels);
    }
};

// The largest difference in dB between the left channel's level and `expected_db`
// (of the time in seconds since `origin`) over frames [from, to).
double worst_db_error(const Pcm& p, size_t from, size_t to, double origin, const std::function<double(double)>& expected_db) {
    double worst = 0;
    for (size_t f = from; f < to; ++f) {
        const double level = 20 * std::log10(std::fabs(p.samples[2 * f]) / kDc);
        worst = std::max(worst, std::fabs(level - expected_db(static_cast<double>(f) / kRate - origin)));
    }
    return worst;
}

TEST_F(AutomationCli, VolumeFollowsEachCurveWithinAHundredthOfADecibel) {
    // Times from the sound's start (0.25 s into the scene); -40 dB before the second point.
    const double s0 = 0.25;
    struct Case {
        std::string curve;
        std::function<double(double)> formula;  // dB at t s from the sound's start, for t in [0.1, 0.6)
    };
    const Case cases[] = {
        {"\"step\"", [](double t) { return t < 0.6 ? -40.0 : -6.0; }},
        {"\"linear\"", [](double t) { return -40 + 34 * (t - 0.1) / 0.5; }},
        {"\"exponential\"", [](double t) { return -40 * std::pow(6.0 / 40.0, (t - 0.1) / 0.5); }},
        {"\"target\", 0.1", [](double t) { return -6 + (-40 + 6) * std::exp(-(t - 0.1) / 0.1); }},
    };
    for (const auto& c : cases) {
        const Pcm p = render(scene("volume_db = { points = [[0.1, -40], [0.6, -6, " + c.curve + "]] }", s0));
        ASSERT_EQ(p.frames(), 2 * kRate + static_cast<size_t>(s0 * kRate));
        const size_t first = static_cast<size_t>((s0 + 0.1) * kRate), last = static_cast<size_t>((s0 + 0.6) * kRate);
        EXPECT_LT(worst_db_error(p, first, last, s0, c.formula), 0.01) << c.curve;
        EXPECT_LT(worst_db_error(p, static_cast<size_t>(s0 * kRate), first, s0, [](double) { return -40.0; }), 0.01)
            << c.curve << ": the first point's value before it";
        if (c.curve != "\"target\", 0.1")
            EXPECT_LT(worst_db_error(p, last, p.frames(), s0, [](double) { return -6.0; }), 0.01)
                << c.curve << ": the last point's value after it";
        else
            EXPECT_LT(worst_db_error(p, last, p.frames(), s0, c.formula), 0.01) << "a final target keeps approaching";
    }
}

TEST_F(AutomationCli, ALoopRepeatsItsCycleLikeAnLfo) {
    // A triangle between -20 and -6 dB every 0.4 s, from the sound's start.
    const Pcm p = render(scene("volume_db = { points = [[0, -20], [0.2, -6], [0.4, -20]], loop = true }"));
    auto triangle = [](double t) {
        const double x = std::fmod(t, 0.4);
        return x < 0.2 ? -20 + 14 * x / 0.2 : -6 - 14 * (x - 0.2) / 0.2;
    };
    EXPECT_LT(worst_db_error(p, 0, p.frames(), 0.0, triangle), 0.01);
}

TEST_F(AutomationCli, PanMovesPerSample) {
    // Balance law: left = min(1, 1 - pan), right = min(1, 1 + pan); pan from -1 to 1 over 1 s.
    const Pcm p = render(scene("pan = { points = [[0, -1], [1, 1]] }"));
    double worst = 0;
    for (size_t f = 0; f < p.frames(); ++f) {
        const double pan = std::min(1.0, -1.0 + 2.0 * static_cast<double>(f) / kRate);
        worst = std::max(worst, std::fabs(p.samples[2 * f] - kDc * std::min(1.0, 1.0 - pan)));
        worst = std::max(worst, std::fabs(p.samples[2 * f + 1] - kDc * std::min(1.0, 1.0 + pan)));
    }
    EXPECT_LT(worst, 1e-6);
}

TEST_F(AutomationCli, BusVolumeCountsFromTheScenesStart) {
    // The sound starts at 0.5 s, halfway up the bus's ramp from -30 to -10 dB over [0, 1] s of the scene.
    const Pcm p = render(scene("bus = \"Fx\"", 0.5,
                               "[[bus]]\nname = \"Fx\"\nvolume_db = { points = [[0, -30], [1, -10]] }\n"));
    const size_t from = kRate / 2, to = p.frames();
    EXPECT_LT(worst_db_error(p, from, to, 0.0, [](double t) { return t < 1 ? -30 + 20 * t : -10.0; }), 0.01);
}

// The gain effect follows its envelope on every sample, as a bus's volume
// does: from the first frame, every frame's level is the envelope's within
// 1e-4 dB (the float samples' own rounding and fast_db_to_gain's 2e-6 dB),
// across the corners too. The last ramp is steep (300 dB/s): a line drawn
// between gains 32 frames apart would stray from it by 6e-4 dB. The scene
// also starts at 0.3 s into the render (--start-at), off the render's blocks.
TEST_F(AutomationCli, AGainEffectFollowsItsEnvelopeOnEverySample) {
    const std::string bus =
        "[[bus]]\nname = \"Fx\"\n[[bus.effect]]\ntype = \"gain\"\n"
        "volume_db = { points = [[0, -30], [1, -6], [1.5, -20], [1.6, -50]] }\n";
    const auto formula = [](double t) {
        return t < 1 ? -30 + 24 * t : t < 1.5 ? -6 - 14 * (t - 1) / 0.5 : t < 1.6 ? -20 - 300 * (t - 1.5) : -50.0;
    };
    for (const std::string start : {"0", "0.3"}) {
        const Pcm p = render_exact(scene("bus = \"Fx\"", 0.0, bus), {"--start-at", start});
        EXPECT_LT(worst_db_error(p, 0, p.frames(), -std::stod(start), formula), 1e-4) << "from " << start << " s";
    }
}

// Send levels follow envelopes: a sound's from its own start, a bus's from
// the scene's. Each dry path goes to a muted bus, so what reaches Master is
// the send alone.
TEST_F(AutomationCli, SendLevelsFollowTheirEnvelopes) {
    const std::string dry = "[[bus]]\nname = \"Dry\"\nmute = true\n";
    // The sound starts at 0.25 s; its send ramps from -36 to -6 dB over its first second.
    Pcm p = render(scene("bus = \"Dry\"\nsends = [{ bus = \"Master\", volume_db = { points = [[0, -36], [1, -6]] } }]",
                         0.25, dry));
    EXPECT_LT(worst_db_error(p, kRate / 4, p.frames(), 0.25, [](double t) { return t < 1 ? -36 + 30 * t : -6.0; }), 0.01);
    // A bus (routed to the muted Dry) sends to Master with a level from the scene's start: -6 to -30 dB over [0, 2] s.
    p = render(scene("bus = \"Fx\"", 0.5,
                     dry + "[[bus]]\nname = \"Fx\"\nsend_to = \"Dry\"\n"
                           "sends = [{ bus = \"Master\", volume_db = { points = [[0, -6], [2, -30]] } }]\n"));
    EXPECT_LT(worst_db_error(p, kRate / 2, p.frames(), 0.0, [](double t) { return t < 2 ? -6 - 12 * t : -30.0; }), 0.01);
    // --check shows the send's envelope.
    const RunResult r = simvx({at("scene.toml"), "--check"});
    EXPECT_NE(r.out.find("send volume_db "), std::string::npos) << r.out;
}

TEST_F(AutomationCli, StartAtLandsOnTheEnvelope) {
    const std::string path = scene("volume_db = { points = [[0, -40], [1, -1, \"exponential\"]], loop = true }", 0.0,
                                   "[[bus]]\nname = \"Master\"\nvolume_db = { points = [[0, 0], [2, -12]] }\n");
    const Pcm whole = render(path);
    const Pcm late = render(path, {"--start-at", "0.7"});
    const size_t skip = static_cast<size_t>(0.7 * kRate);
    ASSERT_EQ(late.frames() + skip, whole.frames());
    for (size_t f = 0; f < late.frames(); f += 997)
        ASSERT_EQ(late.samples[2 * f], whole.samples[2 * (f + skip)]) << "frame " << f;
}

TEST_F(AutomationCli, RefusesImpossibleEnvelopesWithTheirPositions) {
    struct Case {
        std::string keys;
        std::string message;  // after "scene.toml:5:COL: "
    };
    const Case cases[] = {
        {"volume_db = { points = [[0, -6], [1, 0]], curve = \"exponential\" }",
         "5:34: point 2 of 'volume_db' in [[sound]]: an exponential ramp from -6 to 0 is impossible: both ends must "
         "be non-zero and of the same sign"},
        {"pan = { points = [[0, -0.5], [1, 0.5, \"exponential\"]] }",
         "5:30: point 2 of 'pan' in [[sound]]: an exponential ramp from -0.5 to 0.5 is impossible"},
        {"volume_db = { points = [[0, -6], [1, 30]] }",
         "5:38: the value of a point of 'volume_db' in [[sound]] must be between -120 and 24 dB, found 30"},
        {"volume_db = { points = [[1, -6], [0.5, 0]] }",
         "5:34: point 2 of 'volume_db' in [[sound]]: its time (0.5 s) must be later than the point before's (1 s)"},
        {"volume_db = { points = [[0, -6], [1, 0, \"target\"]] }",
         "5:34: point 2 of 'volume_db' in [[sound]]: a \"target\" curve needs a time constant greater than 0 s"},
        {"volume_db = { points = [[0, -6], [1, 0, \"cubic\"]] }",
         "5:41: 'curve' of a point of 'volume_db' in [[sound]] must be one of \"step\", \"linear\", \"exponential\", "
         "\"target\", found \"cubic\""},
        {"volume_db = { point = [[0, -6]] }", "5:15: unknown key 'point' in an envelope; did you mean 'points'?"},
        {"volume_db = \"loud\"",
         "5:13: 'volume_db' in [[sound]] must be a number or an envelope ({ points = [[t, value], ...] }), found a "
         "string (\"loud\")"},
    };
    for (const auto& c : cases) {
        const std::string path = scene(c.keys);
        RunResult r = simvx({path, "--render", at("bad.wav")});
        EXPECT_EQ(r.status, 3) << c.keys;
        EXPECT_NE(r.err.find(path + ":" + c.message), std::string::npos) << c.keys << "\n" << r.err;
        EXPECT_FALSE(std::filesystem::exists(at("bad.wav"))) << c.keys;
    }
}

TEST_F(AutomationCli, CheckShowsEachEnvelopeWithItsRange) {
    const std::string path = scene(
        "volume_db = { points = [[0, -60], [2, -1, \"exponential\"], [10, 0], [12, -60]], curve = \"linear\" }\n"
        "pan = { points = [[0, -1], [1, 1], [2, -1]], loop = true }",
        0.0, "[[bus]]\nname = \"Master\"\nvolume_db = { points = [[0, -6], [3, -3, \"target\", 0.5]] }\n");
    RunResult r = simvx({path, "--check"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("bus Master: volume_db envelope -6..-3 dB over 0..3 s (2 points: target)"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("volume_db envelope -60..0 dB over 0..12 s (4 points: linear, exponential)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("pan envelope -1..1 over 0..2 s (3 points: linear), looping"), std::string::npos) << r.out;
}


// Pitch follows its envelope: a 500 Hz tone rising an octave in 2 s (linear)
// and falling one in 2 s (exponential) is heard at 500 × pitch(t), within
// 0.2 %, at every 50 ms; the rising one's three seconds of file last 2 s.
TEST_F(AutomationCli, PitchFollowsItsEnvelope) {
    sh("sox -D -n -r 48000 -c 1 -b 16 " + at("tone.wav") + " synth 3 sine 500 vol 0.5");
    struct Case {
        const char* pitch;
        double (*at)(double);
    };
    const Case cases[] = {
        {"{ points = [[0, 1], [2, 2]] }", [](double t) { return 1 + std::min(t, 2.0) / 2; }},
        {"{ points = [[0, 1], [2, 0.5]], curve = \"exponential\" }", [](double t) { return std::pow(0.5, std::min(t, 2.0) / 2); }},
    };
    for (const Case& c : cases) {
        write_file(at("scene.toml"), std::string("version = 1\n[[sound]]\nfile = \"tone.wav\"\npitch = ") + c.pitch + "\n");
        const Pcm out = render(at("scene.toml"));
        const auto left = out.channel(0);
        for (double t = 0.05; t < 1.95; t += 0.05) {
            const auto from = static_cast<size_t>((t - 0.025) * kRate), to = static_cast<size_t>((t + 0.025) * kRate);
            EXPECT_NEAR(crossing_frequency(left, from, to, kRate) / (500 * c.at(t)), 1.0, 0.002) << c.pitch << " at " << t;
        }
    }
    // The rising one: ∫ pitch = 3 s of file in exactly 2 s; it ends there (the render holds one block more).
    write_file(at("scene.toml"), std::string("version = 1\n[[sound]]\nfile = \"tone.wav\"\npitch = ") + cases[0].pitch + "\n");
    const Pcm out = render(at("scene.toml"));
    size_t last = 0;
    for (size_t i = 0; i < out.frames(); ++i)
        if (std::abs(out.samples[2 * i]) > 1e-4f) last = i;
    EXPECT_NEAR(static_cast<double>(last) / kRate, 2.0, 0.002);
    EXPECT_LE(out.frames(), 2 * kRate + 1024 + 32);
    EXPECT_GE(out.frames(), last);
}

}  // namespace
}  // namespace simvx::test
