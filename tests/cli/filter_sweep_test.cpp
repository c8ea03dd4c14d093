// Effect automation end to end: a lowpass's cutoff following an envelope.
// Its -3 dB point tracks the envelope (a tone is at -3.01 dB when the cutoff
// of a Q = 1/√2 RBJ lowpass passes its frequency); and the shipped example,
// examples/automation/filter-sweep.toml, renders as a reference computed
// here sample by sample from the formulas (envelopes, balance pan, RBJ
// lowpass designed anew on every frame), checked with --expect.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <numbers>

#include "cli_support.hpp"

namespace fs = std::filesystem;

namespace simvx::test {
namespace {

constexpr uint32_t kRate = 48000;
constexpr double kPi = std::numbers::pi;

// RMS level in dB of a mono signal over [from, from + n).
double level_db(const std::vector<float>& x, size_t from, size_t n) {
    double s = 0;
    for (size_t i = from; i < from + n; ++i) s += static_cast<double>(x[i]) * x[i];
    return 10 * std::log10(s / static_cast<double>(n));
}

TEST(FilterSweepCli, TheMinus3DbPointTracksTheCutoffEnvelope) {
    TempDir dir;
    // Cutoff 250 Hz → 4 kHz over 2 s, exponential: it passes f at t = 2 log(f/250) / log(16).
    for (double f : {500.0, 1000.0, 2000.0}) {
        write_wav(dir / "tone.wav", interleave({sine(f, kRate, 3 * kRate, 0.5)}, kRate), WavFormat::f32);
        write_file(dir / "sweep.toml", R"(version = 1
[engine]
channels = 1
[[bus]]
name = "Master"
[[bus.effect]]
type = "lowpass"
q = 0.70710678
cutoff_hz = { points = [[0.25, 250], [2.25, 4000]], curve = "exponential" }
[[sound]]
file = "tone.wav"
)");
        const Pcm p = render_f32(dir / "sweep.toml", dir / "out.wav");
        const std::vector<float> y = p.channel(0);
        const double passband = 20 * std::log10(0.5 / std::sqrt(2.0));
        // 10 ms windows (whole periods of each tone) every 1 ms: where the level crosses passband - 3.01 dB.
        const size_t window = kRate / 100, hop = kRate / 1000;
        double crossed = -1, before = -1000;
        for (size_t from = 0; from + window <= y.size(); from += hop) {
            const double level = level_db(y, from, window) - passband;
            if (before < -3.0103 && level >= -3.0103) {
                const double centre = (static_cast<double>(from) + window / 2.0) / kRate;
                crossed = centre - (level + 3.0103) / (level - before) * hop / kRate;
                break;
            }
            before = level;
        }
        const double expected = 0.25 + 2 * std::log(f / 250) / std::log(16.0);
        const double cutoff_then = 250 * std::pow(16.0, (crossed - 0.25) / 2);
        std::printf("%g Hz: -3 dB at %.4f s (envelope passes it at %.4f s; cutoff then %.1f Hz)\n", f, crossed,
                    expected, cutoff_then);
        EXPECT_NEAR(crossed, expected, 0.002) << f << " Hz";
        EXPECT_NEAR(cutoff_then / f, 1.0, 0.002) << f << " Hz";
    }
}

TEST(FilterSweepCli, ACutoffEnvelopeStaysBelowNyquistAtEveryPoint) {
    TempDir dir;
    write_wav(dir / "tone.wav", interleave({sine(440, kRate, kRate / 10, 0.5)}, kRate), WavFormat::f32);
    write_file(dir / "sweep.toml", R"(version = 1
[[bus]]
name = "Master"
[[bus.effect]]
type = "highpass"
cutoff_hz = { points = [[0, 1000], [1, 30000], [2, 1000]] }
[[sound]]
file = "tone.wav"
)");
    RunResult r = simvx({dir / "sweep.toml", "--render", dir / "out.wav"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("Nyquist"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("(at 1 s of its envelope)"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "out.wav"));
}

// The reference of the example, from its scene's numbers (kept in step with the file by hand).
Pcm example_reference(const std::vector<float>& saw) {
    const size_t frames = 8 * kRate;
    Pcm out;
    out.rate = kRate;
    out.channels = 2;
    out.samples.resize(2 * frames);
    double s1[2] = {0, 0}, s2[2] = {0, 0};  // transposed direct form II
    for (size_t n = 0; n < frames; ++n) {
        const double t = static_cast<double>(n) / kRate;
        // The sound: volume a target from -40 towards -3 dB (τ 0.4 s) from 0 s; pan a 4 s triangle ±0.6.
        const double volume_db = -3 + (-40 + 3) * std::exp(-t / 0.4);
        const double c = std::fmod(t, 4.0);
        const double pan = c < 2 ? -0.6 + 1.2 * c / 2 : 0.6 - 1.2 * (c - 2) / 2;
        const double g = std::pow(10.0, volume_db / 20);
        const double in[2] = {saw[n % saw.size()] * g * std::min(1.0, 1 - pan),
                              saw[n % saw.size()] * g * std::min(1.0, 1 + pan)};
        // The bus: an RBJ lowpass, Q 2, cutoff 200 → 8000 → 200 Hz exponentially over 4 + 4 s; then its volume.
        const double cutoff = t < 4 ? 200 * std::pow(40.0, t / 4) : 8000 * std::pow(1 / 40.0, (t - 4) / 4);
        const double w0 = 2 * kPi * cutoff / kRate, alpha = std::sin(w0) / (2 * 2.0), cw = std::cos(w0);
        const double a0 = 1 + alpha;
        const double b0 = (1 - cw) / 2 / a0, b1 = (1 - cw) / a0, b2 = b0, a1 = -2 * cw / a0, a2 = (1 - alpha) / a0;
        const double bus_db = t < 7 ? -6 : -6 + (-60 + 6) * (t - 7);
        const double bus = std::pow(10.0, bus_db / 20);
        for (int ch = 0; ch < 2; ++ch) {
            const double y = b0 * in[ch] + s1[ch];
            s1[ch] = b1 * in[ch] - a1 * y + s2[ch];
            s2[ch] = b2 * in[ch] - a2 * y;
            out.samples[2 * n + ch] = static_cast<float>(y * bus);
        }
    }
    return out;
}

TEST(FilterSweepCli, TheExampleRendersAsItsFormulasSay) {
    TempDir dir;
    fs::create_directories(dir / "assets");
    fs::create_directories(dir / "automation");
    fs::copy_file(std::string(SIMVX_SOURCE_DIR) + "/examples/automation/filter-sweep.toml",
                  dir / "automation/filter-sweep.toml");
    // The example's source, made here: a 110 Hz sawtooth (whole periods in 2 s, so it loops seamlessly).
    std::vector<float> saw(2 * kRate);
    for (size_t i = 0; i < saw.size(); ++i) saw[i] = static_cast<float>(0.5 * (std::fmod(110.0 * i / kRate, 1.0) * 2 - 1));
    write_wav(dir / "assets/saw.wav", interleave({saw}, kRate), WavFormat::f32);
    write_wav(dir / "reference.wav", example_reference(saw), WavFormat::f32);

    RunResult r = simvx({dir / "automation/filter-sweep.toml", "--render-format", "f32", "--render", dir / "out.wav",
                         "--expect", dir / "reference.wav", "--tolerance-db", "-90"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    std::printf("%s%s", r.out.c_str(), r.err.c_str());
}

// |H| in dB at `f` of an RBJ peaking band (cookbook formulas, written out here).
double peaking_response_db(double f, double centre, double q, double gain_db) {
    const double A = std::pow(10.0, gain_db / 40), w0 = 2 * kPi * centre / kRate, alpha = std::sin(w0) / (2 * q);
    const double b[3] = {1 + alpha * A, -2 * std::cos(w0), 1 - alpha * A};
    const double a[3] = {1 + alpha / A, -2 * std::cos(w0), 1 - alpha / A};
    const double w = 2 * kPi * f / kRate;
    auto magnitude = [w](const double* c) {
        const double re = c[0] + c[1] * std::cos(w) + c[2] * std::cos(2 * w);
        const double im = -c[1] * std::sin(w) - c[2] * std::sin(2 * w);
        return std::hypot(re, im);
    };
    return 20 * std::log10(magnitude(b) / magnitude(a));
}

// An eq whose band `band_keys` describes, on a 1 kHz tone of amplitude 0.1 (room for +12 dB),
// rendered mono; the tone's level in dB relative to its own, over 10 ms
// windows every 5 ms, beside what `expected_db(t)` says at each window's
// centre: the largest difference over [from, to) s.
double worst_eq_error(const std::string& band_keys, double from, double to,
                      const std::function<double(double)>& expected_db) {
    TempDir dir;
    write_wav(dir / "tone.wav", interleave({sine(1000, kRate, 3 * kRate, 0.1)}, kRate), WavFormat::f32);
    write_file(dir / "eq.toml", "version = 1\n[engine]\nchannels = 1\n[[bus]]\nname = \"Master\"\n"
                                "[[bus.effect]]\ntype = \"eq\"\nbands = [ { type = \"peaking\", " +
                                    band_keys + " } ]\n[[sound]]\nfile = \"tone.wav\"\n");
    const Pcm p = render_f32(dir / "eq.toml", dir / "out.wav");
    const std::vector<float> y = p.channel(0);
    const double unity = 20 * std::log10(0.1 / std::sqrt(2.0));
    const size_t window = kRate / 100, hop = kRate / 200;
    double worst = 0;
    for (size_t first = static_cast<size_t>(from * kRate); first + window <= std::min(y.size(), size_t(to * kRate));
         first += hop) {
        const double centre = (static_cast<double>(first) + window / 2.0) / kRate;
        worst = std::max(worst, std::fabs(level_db(y, first, window) - unity - expected_db(centre)));
    }
    return worst;
}

TEST(FilterSweepCli, AnEqBandsGainFollowsItsEnvelope) {
    // At its centre a peaking band's gain is gain_db exactly: the tone's level is the envelope.
    const double worst = worst_eq_error(
        "freq = 1000, q = 1.0, gain_db = { points = [[0.5, -12], [2.5, 12]], curve = \"linear\" }", 0.1, 2.9,
        [](double t) { return std::clamp(-12 + 24 * (t - 0.5) / 2, -12.0, 12.0); });
    std::printf("gain_db -12 -> +12 dB over 2 s: worst %.4f dB from the envelope\n", worst);
    EXPECT_LT(worst, 0.05);
}

TEST(FilterSweepCli, AnEqBandsFrequencySweepsPastATone) {
    // The band's centre sweeps 250 Hz -> 4 kHz exponentially past the 1 kHz tone:
    // its level is the band's response at 1 kHz for the centre of the moment.
    auto centre = [](double t) { return 250 * std::pow(16.0, std::clamp((t - 0.5) / 2, 0.0, 1.0)); };
    const double worst = worst_eq_error(
        "freq = { points = [[0.5, 250], [2.5, 4000]], curve = \"exponential\" }, q = 2.0, gain_db = 9", 0.1, 2.9,
        [&](double t) { return peaking_response_db(1000, centre(t), 2.0, 9.0); });
    std::printf("freq 250 Hz -> 4 kHz over 2 s: worst %.4f dB from the band's response\n", worst);
    EXPECT_LT(worst, 0.1);
}

TEST(FilterSweepCli, CheckNamesAnAutomatedBand) {
    TempDir dir;
    write_wav(dir / "tone.wav", interleave({sine(1000, kRate, kRate / 10, 0.5)}, kRate), WavFormat::f32);
    write_file(dir / "eq.toml", R"(version = 1
[[bus]]
name = "Master"
[[bus.effect]]
type = "eq"
bands = [ { freq = 100, gain_db = 3 }, { freq = 2000, gain_db = { points = [[0, -6], [4, 6]] } } ]
[[sound]]
file = "tone.wav"
)");
    const RunResult r = simvx({"--check", dir / "eq.toml"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("eq (bands[2].gain_db envelope -6..6 dB"), std::string::npos) << r.out;
    // A band's envelope is checked at each point, as a parameter's is.
    write_file(dir / "bad.toml", R"(version = 1
[[bus]]
name = "Master"
[[bus.effect]]
type = "eq"
bands = [ { freq = { points = [[0, 1000], [1, 30000]] } } ]
[[sound]]
file = "tone.wav"
)");
    const RunResult bad = simvx({"--check", dir / "bad.toml"});
    EXPECT_NE(bad.status, 0);
    EXPECT_NE(bad.err.find("band 1: "), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("(at 1 s of its envelope)"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace simvx::test
