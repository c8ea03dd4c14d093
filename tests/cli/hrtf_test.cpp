// Binaural 3D ([engine] spatial = "hrtf", --hrtf) through the real binary:
// interaural level and time differences against ffmpeg's sofalizer on the
// same SOFA file, a source circling the listener without clicks or zipper
// noise, the distance model still heard, the listener's turn turning the
// scene, and a bad SOFA file reported by name.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <sstream>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

constexpr const char* kSofa = "/usr/share/libmysofa/default.sofa";  // MIT KEMAR, 44.1 kHz
constexpr uint32_t kRate = 48000;

// Deterministic white noise (a 32-bit LCG), amplitude 0.25.
std::vector<float> noise(size_t frames) {
    std::vector<float> x(frames);
    uint32_t s = 12345;
    for (float& v : x) {
        s = s * 1664525u + 1013904223u;
        v = 0.25f * (static_cast<float>(s >> 8) / 8388608.0f - 1.0f);
    }
    return x;
}

// Interaural level difference, left over right, in dB.
double ild_db(std::span<const float> l, std::span<const float> r) { return rms_db(l) - rms_db(r); }

// Interaural time difference in samples: the lag (within ±1.5 ms) at which
// the right ear's signal best matches the left's, refined by a parabola
// through the cross-correlation's peak. Positive: the right ear hears it later.
double itd_samples(std::span<const float> l, std::span<const float> r, uint32_t rate) {
    const int max_lag = static_cast<int>(rate * 3 / 2000);
    auto xcorr = [&](int lag) {
        double s = 0;
        for (size_t i = max_lag; i + max_lag < l.size(); ++i) s += double(l[i]) * r[static_cast<size_t>(static_cast<long>(i) + lag)];
        return s;
    };
    int best = 0;
    double best_v = -1e300;
    std::vector<double> v(2 * max_lag + 1);
    for (int lag = -max_lag; lag <= max_lag; ++lag) {
        v[static_cast<size_t>(lag + max_lag)] = xcorr(lag);
        if (v[static_cast<size_t>(lag + max_lag)] > best_v) best_v = v[static_cast<size_t>(lag + max_lag)], best = lag;
    }
    if (best == -max_lag || best == max_lag) return best;
    const double a = v[static_cast<size_t>(best + max_lag - 1)], b = v[static_cast<size_t>(best + max_lag)],
                 c = v[static_cast<size_t>(best + max_lag + 1)];
    const double den = a - 2 * b + c;
    return best + (den != 0 ? 0.5 * (a - c) / den : 0.0);
}

// A position 1 m away at SOFA's azimuth (counterclockwise from ahead: 90 is
// left) and elevation, for the default listener (facing -z, y up).
std::string position(double azimuth, double elevation) {
    const double a = azimuth * std::numbers::pi / 180, e = elevation * std::numbers::pi / 180;
    std::ostringstream o;
    o.precision(17);
    o << "[" << -std::cos(e) * std::sin(a) << ", " << std::sin(e) << ", " << -std::cos(e) * std::cos(a) << "]";
    return o.str();
}

struct Direction {
    int azimuth, elevation;
};

class HrtfCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override { write_wav(at("noise.wav"), interleave({noise(kRate)}, kRate), WavFormat::f32); }
    Pcm render(const std::string& scene_text, const std::vector<std::string>& extra = {}) {
        write_file(at("scene.toml"), "version = 1\n" + scene_text);
        return render_f32(at("scene.toml"), at("out.wav"), extra);
    }
    // The noise through sofalizer with its one input channel placed at
    // (azimuth, elevation), resampled to `rate` (sofalizer runs at the SOFA
    // file's rate: ffmpeg resamples its input to 44.1 kHz first).
    Pcm sofalizer(int azimuth, int elevation, bool interpolate, uint32_t rate) {
        const std::string out = at("sofalizer.wav");
        RunResult r = run({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", at("noise.wav"), "-af",
                           "sofalizer=sofa=" + std::string(kSofa) + ":type=time:interpolate=" + (interpolate ? "1" : "0") +
                               ":speakers=0 " + std::to_string(azimuth) + " " + std::to_string(elevation) +
                               ",aresample=" + std::to_string(rate),
                           "-c:a", "pcm_f32le", out});
        EXPECT_EQ(r.status, 0) << r.err;
        return sox_read(out);
    }
    // Each direction for a second of the noise (at `rate`, the file's too),
    // ours against sofalizer's (nearest measured direction, or with
    // `interpolate` libmysofa's interpolation): ILD within 0.5 dB, ITD within
    // one sample at 48 kHz. Returns our ILDs.
    std::vector<double> expect_like_sofalizer(const std::vector<Direction>& dirs, bool interpolate, uint32_t rate);
};

TEST_F(HrtfCli, InterauralDifferencesMatchSofalizer) {
    // Measured directions of the MIT KEMAR set (5° apart at elevations 0 and
    // 20, 6° at -30, 360/56° at 40), so that neither side interpolates.
    const std::vector<Direction> dirs{{0, 0}, {30, 0}, {90, 0}, {135, 0}, {270, 0}, {45, 20}, {300, -30}, {90, 40}};
    const std::vector<double> ild = expect_like_sofalizer(dirs, false, kRate);
    // Left is left: a source on the left is louder in the left ear.
    EXPECT_GT(ild[2], 10.0);
    EXPECT_LT(ild[4], -10.0);
}

TEST_F(HrtfCli, BetweenMeasuredDirectionsAsSofalizerInterpolates) {
    // Off the set's measurements and (but for 200°/-20°) off our 5° grid:
    // bilinear between grid points against libmysofa's interpolation.
    expect_like_sofalizer({{32, 0}, {100, 15}, {47, 33}, {200, -20}, {333, 7}}, true, kRate);
}

TEST_F(HrtfCli, AtAnotherRateTheSetIsResampled) {
    // 96 kHz: the same level differences; time differences in twice as many samples.
    const std::vector<Direction> dirs{{30, 0}, {90, 0}, {45, 20}};
    const std::vector<double> at48 = expect_like_sofalizer(dirs, false, kRate);
    write_wav(at("noise.wav"), interleave({noise(2 * kRate)}, 2 * kRate), WavFormat::f32);
    const std::vector<double> at96 = expect_like_sofalizer(dirs, false, 2 * kRate);
    for (size_t i = 0; i < dirs.size(); ++i) EXPECT_NEAR(at96[i], at48[i], 0.2) << "azimuth " << dirs[i].azimuth;
}

std::vector<double> HrtfCli::expect_like_sofalizer(const std::vector<Direction>& dirs, bool interpolate, uint32_t rate) {
    std::string scene = "[engine]\nspatial = \"hrtf\"\nsample_rate = " + std::to_string(rate) + "\n";
    for (size_t i = 0; i < dirs.size(); ++i)
        scene += "[[sound]]\nfile = \"noise.wav\"\nstart = " + std::to_string(i) +
                 "\n[sound.spatial]\nattenuation = \"none\"\nposition = " + position(dirs[i].azimuth, dirs[i].elevation) + "\n";
    const Pcm ours = render(scene);
    std::vector<double> ilds;
    EXPECT_GE(ours.frames(), dirs.size() * rate);
    if (ours.frames() < dirs.size() * rate) return std::vector<double>(dirs.size());
    const auto ol = ours.channel(0), orr = ours.channel(1);
    // Each second, after the previous sound's tail (the IR's 12 ms) and before the next.
    const size_t from = rate / 10, to = rate - rate / 10;
    for (size_t i = 0; i < dirs.size(); ++i) {
        const Pcm ref = sofalizer(dirs[i].azimuth, dirs[i].elevation, interpolate, rate);
        EXPECT_GE(ref.frames(), rate);
        if (ref.frames() < rate) return std::vector<double>(dirs.size());
        const auto rl = ref.channel(0), rr = ref.channel(1);
        const std::span<const float> l(ol.data() + i * rate + from, to - from), r(orr.data() + i * rate + from, to - from);
        const std::span<const float> fl(rl.data() + from, to - from), fr(rr.data() + from, to - from);
        const double ild = ild_db(l, r), ref_ild = ild_db(fl, fr);
        const double itd = itd_samples(l, r, rate), ref_itd = itd_samples(fl, fr, rate);
        EXPECT_NEAR(ild, ref_ild, 0.5) << "azimuth " << dirs[i].azimuth << ", elevation " << dirs[i].elevation;
        EXPECT_NEAR(itd, ref_itd, rate / 48000.0) << "azimuth " << dirs[i].azimuth << ", elevation " << dirs[i].elevation;
        std::printf("%s%u Hz, az %4d el %3d: ILD %+7.3f dB (sofalizer %+7.3f), ITD %+7.3f samples (sofalizer %+7.3f)\n",
                    interpolate ? "interpolated, " : "", rate, dirs[i].azimuth, dirs[i].elevation, ild, ref_ild, itd, ref_itd);
        ilds.push_back(ild);
    }
    return ilds;
}

// A 1 kHz tone circling the listener 2 m away, one turn per second: each
// block's filters crossfade into the next's, so the ears hear the tone's
// level and phase glide. Anything abrupt (a filter switched mid-signal, a
// step at a block's edge) would spread energy far from 1 kHz and make
// sample-to-sample steps larger than the tone's own. The reference is the
// same circle through the pan law, whose gains ramp linearly across each
// block (the engine's accepted smooth motion).
TEST_F(HrtfCli, ACirclingSourceGlidesWithoutClicksOrZipperNoise) {
    write_wav(at("tone.wav"), interleave({sine(1000, kRate, 3 * kRate, 0.5)}, kRate), WavFormat::f32);
    std::string path = "path = [";
    for (int k = 0; k <= 3 * 72; ++k) {  // every 5°, 1/72 s apart
        const double a = k * 5.0 * std::numbers::pi / 180;
        path += (k ? ", [" : "[") + std::to_string(k / 72.0) + ", " + std::to_string(-2 * std::sin(a)) + ", 0, " +
                std::to_string(-2 * std::cos(a)) + "]";
    }
    path += "]\n";
    const std::string sound = "[[sound]]\nfile = \"tone.wav\"\n[sound.spatial]\ndoppler = 0\nattenuation = \"none\"\n" + path;
    const Pcm hrtf = render("[engine]\nspatial = \"hrtf\"\n" + sound);
    const Pcm pan = render("[engine]\npan_law = \"constant_power\"\n" + sound);
    ASSERT_GE(hrtf.frames(), 3 * kRate);
    const size_t win = 8192, hop = 4096, first = 4800, last = 3 * kRate - 4800;
    for (uint32_t c = 0; c < 2; ++c) {
        const auto h = hrtf.channel(c), p = pan.channel(c);
        double worst_h = -300, worst_p = -300;
        for (size_t i = first; i + win <= last; i += hop) {
            // Spurious level relative to the window's tone (dB), farther than 200 Hz from it.
            auto rel = [&](const std::vector<float>& x) {
                const std::span<const float> w(x.data() + i, win);
                return worst_spurious_db(w, kRate, {1000}, 200) - peak_db(w);
            };
            worst_h = std::max(worst_h, rel(h));
            worst_p = std::max(worst_p, rel(p));
        }
        std::printf("channel %u: worst spurious beyond 1 kHz ± 200 Hz: hrtf %.1f dB, pan law %.1f dB re the tone\n", c,
                    worst_h, worst_p);
        EXPECT_LT(worst_h, -80.0) << "channel " << c;
        EXPECT_LT(worst_h, worst_p + 6.0) << "channel " << c;
        // No click: no step bigger than the largest a 1 kHz sine of this
        // peak takes (2π·1000/48000 of it), with 5 % for the level's glide.
        const std::span<const float> x(h.data() + first, last - first);
        const double peak = std::pow(10.0, peak_db(x) / 20);
        EXPECT_LT(max_step(x), 1.05 * peak * 2 * std::numbers::pi * 1000 / kRate) << "channel " << c;
    }
}

TEST_F(HrtfCli, TheDistanceModelStillSetsTheLevel) {
    // Left of the listener at 1 m, then at 4 m (inverse, min 1: -12.04 dB in both ears).
    std::string scene = "[engine]\nspatial = \"hrtf\"\n";
    for (int i = 0; i < 2; ++i)
        scene += "[[sound]]\nfile = \"noise.wav\"\nstart = " + std::to_string(i) + "\n[sound.spatial]\nposition = [" +
                 std::to_string(i ? -4 : -1) + ", 0, 0]\n";
    const Pcm p = render(scene);
    for (uint32_t c = 0; c < 2; ++c) {
        const auto x = p.channel(c);
        const double near = rms_db({x.data() + 4800, 38400}), far = rms_db({x.data() + kRate + 4800, 38400});
        EXPECT_NEAR(far - near, 20 * std::log10(0.25), 0.1) << "channel " << c;
    }
}

TEST_F(HrtfCli, TurningTheListenerTurnsTheScene) {
    // Ahead of the default listener; a listener facing +x has it on the left,
    // where a source at [-1, 0, 0] is for the default one: the same samples.
    const std::string source = "[[sound]]\nfile = \"noise.wav\"\n[sound.spatial]\nattenuation = \"none\"\nposition = ";
    const Pcm turned = render("[engine]\nspatial = \"hrtf\"\n[listener]\ndirection = [1, 0, 0]\n" + source + "[0, 0, -1]\n");
    const Pcm left = render("[engine]\nspatial = \"hrtf\"\n" + source + "[-1, 0, 0]\n");
    ASSERT_EQ(turned.samples.size(), left.samples.size());
    double worst = 0;
    for (size_t i = 0; i < left.samples.size(); ++i) worst = std::max(worst, double(std::fabs(turned.samples[i] - left.samples[i])));
    EXPECT_LT(worst, 1e-5);
    const auto l = turned.channel(0), r = turned.channel(1);
    EXPECT_GT(ild_db({l.data() + 4800, 38400}, {r.data() + 4800, 38400}), 10.0);
}

TEST_F(HrtfCli, TheCommandLineChoosesTheSetAndRendersAreDeterministic) {
    const std::string scene = "[[sound]]\nfile = \"noise.wav\"\n[sound.spatial]\nposition = [-1, 0, 0]\n";
    write_file(at("scene.toml"), "version = 1\n" + scene);
    // A bare --hrtf before the scene: the default set, the scene still the input.
    RunResult a = simvx({"--hrtf", at("scene.toml"), "--render-format", "f32", "--render", at("a.wav")});
    ASSERT_EQ(a.status, 0) << a.err;
    RunResult b = simvx({at("scene.toml"), "--hrtf", kSofa, "--render-format", "f32", "--render", at("b.wav")});
    ASSERT_EQ(b.status, 0) << b.err;
    EXPECT_EQ(read_file(at("a.wav")), read_file(at("b.wav")));
    const Pcm p = sox_read(at("a.wav"));
    const auto l = p.channel(0), r = p.channel(1);
    EXPECT_GT(ild_db({l.data() + 4800, 38400}, {r.data() + 4800, 38400}), 10.0);
    // Binaural: the far ear hears it too (the balance pan law would leave it silent).
    EXPECT_GT(rms_db({r.data() + 4800, 38400}), -40.0);
    // --check names the set it read.
    RunResult c = simvx({at("scene.toml"), "--hrtf", "--check"});
    ASSERT_EQ(c.status, 0) << c.err;
    EXPECT_NE(c.out.find(std::string("3D binaural through ") + kSofa), std::string::npos) << c.out;
}

TEST_F(HrtfCli, ABadSofaFileIsAnErrorNamingIt) {
    write_file(at("scene.toml"), "version = 1\n[[sound]]\nfile = \"noise.wav\"\n[sound.spatial]\nposition = [1, 0, 0]\n");
    write_file(at("fake.sofa"), "not HDF5 at all\n");
    for (const std::string& file : {at("missing.sofa"), at("fake.sofa"), dir.path().string()}) {
        RunResult r = simvx({at("scene.toml"), "--hrtf=" + file, "--render", at("out.wav")});
        EXPECT_EQ(r.status, 3) << file << ": " << r.err;
        EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("Segmentation"), std::string::npos);
    }
    // In the scene: resolved against its folder, reported at its line.
    write_file(at("scene.toml"), "version = 1\n[engine]\nspatial = \"hrtf\"\nhrtf_file = \"nope.sofa\"\n");
    RunResult r = simvx({at("scene.toml"), "--check"});
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find("scene.toml:4"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nope.sofa"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace simvx::test
