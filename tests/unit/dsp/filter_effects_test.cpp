// The gain, filter and EQ effects: contract parameters, sox as the reference
// implementation of the same RBJ filters, ramps on live changes, NaN recovery
// and decays into silence.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "dsp/effects/effects.hpp"
#include "support/effect_configs.hpp"
#include "support/audio.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;
constexpr size_t kBlock = 512;

using test::effect_config;

EffectConfig eq_config(std::vector<EqBand> bands) {
    EffectConfig c = default_config(effects::eq());
    c.bands = std::move(bands);
    return c;
}

// Runs `x` (interleaved stereo) through a fresh effect in blocks of kBlock.
std::vector<float> run(const EffectType& t, const EffectConfig& c, std::vector<float> x) {
    auto p = t.make(c);
    p->prepare({.sample_rate = kRate, .max_block = kBlock});
    for (size_t i = 0; i < x.size() / 2; i += kBlock) p->process(x.data() + 2 * i, std::min(kBlock, x.size() / 2 - i), nullptr);
    return x;
}

std::vector<float> noise(size_t frames, uint32_t seed, float amplitude) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-amplitude, amplitude);
    std::vector<float> x(2 * frames);
    for (float& v : x) v = u(rng);
    return x;
}

std::vector<float> stereo_sine(double freq, size_t frames, double amplitude) {
    std::vector<float> x(2 * frames);
    for (size_t i = 0; i < frames; ++i)
        x[2 * i] = x[2 * i + 1] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * freq * static_cast<double>(i) / kRate));
    return x;
}

const ParamSpec& spec(const EffectType& t, std::string_view key) {
    for (const ParamSpec& p : t.params)
        if (p.key == key) return p;
    throw std::logic_error("no such parameter");
}

TEST(FilterEffects, ParamSpecsFollowTheContract) {
    const ParamSpec& vol = spec(effects::gain(), "volume_db");
    EXPECT_EQ(effects::gain().name, "gain");
    EXPECT_EQ(vol.default_value, 0.0);
    EXPECT_EQ(vol.min, -120.0);
    EXPECT_EQ(vol.max, 24.0);
    EXPECT_EQ(vol.unit, "dB");

    for (const EffectType* t : {&effects::lowpass(), &effects::highpass(), &effects::bandpass(), &effects::notch()}) {
        ASSERT_EQ(t->params.size(), 2u) << t->name;
        const ParamSpec &cut = spec(*t, "cutoff_hz"), &q = spec(*t, "q");
        EXPECT_EQ(cut.default_value, 1000.0) << t->name;
        EXPECT_EQ(cut.min, 10.0) << t->name;
        EXPECT_EQ(cut.unit, "Hz");
        EXPECT_EQ(q.default_value, t == &effects::notch() ? 1.0 : 0.707) << t->name;
        EXPECT_EQ(q.min, 0.0);
        EXPECT_TRUE(q.min_open);
        EXPECT_EQ(q.max, 100.0);
        EXPECT_NE(t->check, nullptr);
        EXPECT_NE(t->make, nullptr);
    }
    EXPECT_EQ(effects::lowpass().name, "lowpass");
    EXPECT_EQ(effects::highpass().name, "highpass");
    EXPECT_EQ(effects::bandpass().name, "bandpass");
    EXPECT_EQ(effects::notch().name, "notch");

    EXPECT_EQ(effects::eq().name, "eq");
    EXPECT_TRUE(effects::eq().has_bands);
    EXPECT_TRUE(effects::eq().params.empty());
    const EqBand band;
    EXPECT_EQ(band.q, 1.0);
    EXPECT_EQ(band.gain_db, 0.0);
}

TEST(FilterEffects, CheckRejectsFrequenciesAtOrAboveNyquist) {
    const EffectType& lp = effects::lowpass();
    EXPECT_EQ(lp.check(effect_config(lp, {{"cutoff_hz", 30000}}), 48000),
              "cutoff_hz 30000 Hz is above the Nyquist frequency (24000 Hz) at 48000 Hz");
    EXPECT_EQ(lp.check(effect_config(lp, {{"cutoff_hz", 22050}}), 44100),
              "cutoff_hz 22050 Hz is at the Nyquist frequency (22050 Hz) at 44100 Hz");
    EXPECT_EQ(lp.check(effect_config(lp, {{"cutoff_hz", 23999}}), 48000), "");
    EXPECT_EQ(effects::notch().check(effect_config(effects::notch(), {{"cutoff_hz", 5000}}), 8000),
              "cutoff_hz 5000 Hz is above the Nyquist frequency (4000 Hz) at 8000 Hz");

    const EffectType& eq = effects::eq();
    EXPECT_EQ(eq.check(eq_config({{.freq = 100}, {.type = EqBand::Type::highshelf, .freq = 30000}}), 48000),
              "band 2: freq 30000 Hz is above the Nyquist frequency (24000 Hz) at 48000 Hz");
    EXPECT_EQ(eq.check(eq_config({{.freq = 5}}), 48000), "band 1: freq 5 Hz is below 10 Hz");
    EXPECT_EQ(eq.check(eq_config({{.q = 0}}), 48000), "band 1: q 0 is outside (0, 100]");
    EXPECT_EQ(eq.check(eq_config({{.gain_db = 60}}), 48000), "band 1: gain_db 60 dB is outside -48..48 dB");
    EXPECT_EQ(eq.check(eq_config({{.freq = 100, .gain_db = 6}, {.type = EqBand::Type::lowshelf, .freq = 20000}}), 48000), "");
}

TEST(FilterEffects, UnityGainIsBitExact) {
    const std::vector<float> x = noise(4096, 1, 0.9f);
    EXPECT_EQ(run(effects::gain(), default_config(effects::gain()), x), x);
    EXPECT_EQ(run(effects::eq(), eq_config({}), x), x);
    EXPECT_EQ(run(effects::eq(), eq_config({{.freq = 500, .gain_db = 0}}), x), x);
}

TEST(FilterEffects, GainAppliesItsVolume) {
    const std::vector<float> x = noise(4096, 2, 0.5f);
    const std::vector<float> y = run(effects::gain(), effect_config(effects::gain(), {{"volume_db", -6}}), x);
    for (size_t i = 0; i < x.size(); ++i) ASSERT_FLOAT_EQ(y[i], x[i] * static_cast<float>(std::pow(10.0, -6.0 / 20)));
}

// The same white noise through sox's biquads and through the effects: sox runs
// the cookbook in double precision, so the residual is rounding noise.
struct SoxCase {
    const char* label;
    const EffectType* type;
    EffectConfig config;
    std::vector<std::string> sox;
};

TEST(FilterEffects, MatchSoxBiquads) {
    if (!test::have_tool("sox")) GTEST_SKIP() << "sox not installed";
    const EffectType &lp = effects::lowpass(), &hp = effects::highpass(), &bp = effects::bandpass(), &no = effects::notch();
    using T = EqBand::Type;
    // sox: `bandpass` without -c is the constant 0 dB peak variant, `bandreject`
    // the notch, `equalizer` the peaking EQ; `bass`/`treble` are the cookbook
    // shelves (gain first, then frequency; a `q` width is the cookbook's Q).
    const std::vector<SoxCase> cases = {
        {"lowpass 1000 q0.707", &lp, default_config(lp), {"lowpass", "1000", "0.707q"}},
        {"lowpass 150 q4", &lp, effect_config(lp, {{"cutoff_hz", 150}, {"q", 4}}), {"lowpass", "150", "4q"}},
        {"highpass 1000 q0.707", &hp, default_config(hp), {"highpass", "1000", "0.707q"}},
        {"highpass 6000 q2", &hp, effect_config(hp, {{"cutoff_hz", 6000}, {"q", 2}}), {"highpass", "6000", "2q"}},
        {"bandpass 1000 q0.707", &bp, default_config(bp), {"bandpass", "1000", "0.707q"}},
        {"bandpass 300 q8", &bp, effect_config(bp, {{"cutoff_hz", 300}, {"q", 8}}), {"bandpass", "300", "8q"}},
        {"notch 1000 q1", &no, default_config(no), {"bandreject", "1000", "1q"}},
        {"notch 7000 q5", &no, effect_config(no, {{"cutoff_hz", 7000}, {"q", 5}}), {"bandreject", "7000", "5q"}},
        {"peaking 1000 q1 +6", &effects::eq(), eq_config({{T::peaking, 1000, 1, 6}}), {"equalizer", "1000", "1q", "6"}},
        {"peaking 250 q3 -10", &effects::eq(), eq_config({{T::peaking, 250, 3, -10}}), {"equalizer", "250", "3q", "-10"}},
        {"lowshelf 200 q0.707 +6", &effects::eq(), eq_config({{T::lowshelf, 200, 0.707, 6}}), {"bass", "6", "200", "0.707q"}},
        {"lowshelf 800 q1.2 -8", &effects::eq(), eq_config({{T::lowshelf, 800, 1.2, -8}}), {"bass", "-8", "800", "1.2q"}},
        {"highshelf 5000 q0.707 -6", &effects::eq(), eq_config({{T::highshelf, 5000, 0.707, -6}}), {"treble", "-6", "5000", "0.707q"}},
        {"highshelf 3000 q0.9 +6", &effects::eq(), eq_config({{T::highshelf, 3000, 0.9, 6}}), {"treble", "6", "3000", "0.9q"}},
        {"eq 3 bands", &effects::eq(),
         eq_config({{T::lowshelf, 120, 0.707, 4}, {T::peaking, 2500, 2, -6}, {T::highshelf, 9000, 0.707, 3}}),
         {"bass", "4", "120", "0.707q", "equalizer", "2500", "2q", "-6", "treble", "3", "9000", "0.707q"}},
    };

    test::TempDir dir;
    const std::string in = dir / "noise.wav";
    test::Pcm pcm{.rate = kRate, .channels = 2, .samples = noise(2 * kRate, 11, 0.2f)};
    test::write_wav(in, pcm, test::WavFormat::f32);
    double worst = -400;
    for (const SoxCase& c : cases) {
        const std::string out = dir / "sox.wav";
        std::vector<std::string> argv = {"sox", "-D", in, "-e", "floating-point", "-b", "32", out};
        argv.insert(argv.end(), c.sox.begin(), c.sox.end());
        const test::RunResult r = test::run(argv);
        ASSERT_EQ(r.status, 0) << r.err;
        const test::Pcm ref = test::sox_read(out);
        const std::vector<float> got = run(*c.type, c.config, pcm.samples);
        ASSERT_EQ(ref.samples.size(), got.size()) << c.label;
        double err = 0, sig = 0;
        for (size_t i = 0; i < got.size(); ++i) {
            const double d = static_cast<double>(got[i]) - ref.samples[i];
            err += d * d;
            sig += static_cast<double>(ref.samples[i]) * ref.samples[i];
        }
        const double residual_db = 10 * std::log10(std::max(err, 1e-300) / sig);
        std::printf("  %-28s residual vs sox %.1f dB\n", c.label, residual_db);
        EXPECT_LT(residual_db, -80) << c.label << " (sox " << testing::PrintToString(c.sox) << ")";
        worst = std::max(worst, residual_db);
    }
    RecordProperty("worst_residual_db", std::to_string(worst));
}

// A step bigger than the signal's own steepest slope (plus a margin) is a click.
TEST(FilterEffects, CutoffChangeGlidesWithoutClicks) {
    const std::vector<float> x = stereo_sine(1000, kRate, 0.5);
    const double slope = test::max_step(std::vector<float>(x.begin(), x.end()));
    for (const auto& [from, to] : {std::pair{500.0, 5000.0}, std::pair{5000.0, 500.0}, std::pair{200.0, 15000.0}}) {
        const EffectType& lp = effects::lowpass();
        auto p = lp.make(effect_config(lp, {{"cutoff_hz", from}}));
        p->prepare({.sample_rate = kRate, .max_block = kBlock});
        std::vector<float> y = x;
        const EffectConfig target = effect_config(lp, {{"cutoff_hz", to}});
        for (size_t i = 0; i < kRate; i += kBlock) {
            if (i == 24064) p->update(effect_params(target));  // mid-sine, a block boundary
            p->process(y.data() + 2 * i, std::min<size_t>(kBlock, kRate - i), nullptr);
        }
        // Skip the start-up transient (the filter starts from silence).
        const std::vector<float> left = [&] {
            std::vector<float> v;
            for (size_t i = 4800; i < kRate; ++i) v.push_back(y[2 * i]);
            return v;
        }();
        const double step = test::max_step(left);
        std::printf("  lowpass %g -> %g Hz: max step %.4f (sine's own %.4f)\n", from, to, step, slope);
        EXPECT_LT(step, slope * 1.02 + 0.002) << from << " -> " << to;
        // And it arrives: the end is the new filter's steady state.
        const std::vector<float> steady = run(lp, target, x);
        double diff = 0;
        for (size_t i = y.size() - 4800; i < y.size(); ++i) diff = std::max(diff, std::fabs(double(y[i]) - steady[i]));
        EXPECT_LT(diff, 1e-5) << from << " -> " << to;
    }
}

TEST(FilterEffects, GainChangeRamps) {
    const std::vector<float> x = stereo_sine(1000, kRate / 2, 0.5);
    const double slope = test::max_step(x);
    const EffectType& g = effects::gain();
    auto p = g.make(effect_config(g, {{"volume_db", -20}}));
    p->prepare({.sample_rate = kRate, .max_block = kBlock});
    std::vector<float> y = x;
    const EffectConfig unity = default_config(g);
    for (size_t i = 0; i < kRate / 2; i += kBlock) {
        if (i == 4096) p->update(effect_params(unity));
        p->process(y.data() + 2 * i, std::min<size_t>(kBlock, kRate / 2 - i), nullptr);
    }
    std::vector<float> left;
    for (size_t i = 0; i < kRate / 2; ++i) left.push_back(y[2 * i]);
    EXPECT_LT(test::max_step(left), slope * 1.02);
    // Still -20 dB just before, not there yet 10 ms after, exactly unity (bit-exact) 20 ms after.
    EXPECT_FLOAT_EQ(y[2 * 4095], x[2 * 4095] * 0.1f);
    EXPECT_NE(y[2 * (4096 + 480)], x[2 * (4096 + 480)]);
    for (size_t i = 2 * (4096 + 960); i < y.size(); ++i) ASSERT_EQ(y[i], x[i]) << i;
}

// An EQ band that changes type, gain and frequency at once glides through
// 0 dB, and a band that appears glides from 0 dB: no click, and the end is the
// new EQ's steady state.
TEST(FilterEffects, EqBandChangesGlide) {
    using T = EqBand::Type;
    const std::vector<float> x = stereo_sine(300, kRate, 0.25);
    const double slope = test::max_step(x);
    const EffectType& eq = effects::eq();
    auto p = eq.make(eq_config({{T::peaking, 300, 2, 12}}));
    p->prepare({.sample_rate = kRate, .max_block = kBlock});
    std::vector<float> y = x;
    // Both bands only cut from here on, so the level never rises above the +12 dB (4×) of the start.
    const EffectConfig later = eq_config({{T::lowshelf, 1000, 0.707, -12}, {T::highshelf, 2000, 0.707, -6}});
    for (size_t i = 0; i < kRate; i += kBlock) {
        if (i == 12288) p->update(effect_params(later));
        p->process(y.data() + 2 * i, std::min<size_t>(kBlock, kRate - i), nullptr);
    }
    std::vector<float> left;
    for (size_t i = 4800; i < kRate; ++i) left.push_back(y[2 * i]);
    const double step = test::max_step(left);
    std::printf("  eq change: max step %.4f (the +12 dB sine's own %.4f)\n", step, 4 * slope);
    EXPECT_LT(step, 4 * slope * 1.02);
    const std::vector<float> steady = run(eq, later, x);
    double diff = 0;
    for (size_t i = y.size() - 4800; i < y.size(); ++i) diff = std::max(diff, std::fabs(double(y[i]) - steady[i]));
    EXPECT_LT(diff, 1e-5);
}

// A band that goes away glides to 0 dB, rings out, and is then skipped.
TEST(FilterEffects, EqBandRemovalGlides) {
    using T = EqBand::Type;
    const std::vector<float> x = stereo_sine(2000, kRate, 0.25);
    const double slope = test::max_step(x);
    const EffectType& eq = effects::eq();
    auto p = eq.make(eq_config({{T::lowshelf, 100, 0.707, -6}, {T::peaking, 2000, 4, -12}}));
    p->prepare({.sample_rate = kRate, .max_block = kBlock});
    std::vector<float> y = x;
    const EffectConfig later = eq_config({{T::lowshelf, 100, 0.707, -6}});
    for (size_t i = 0; i < kRate; i += kBlock) {
        if (i == 12288) p->update(effect_params(later));
        p->process(y.data() + 2 * i, std::min<size_t>(kBlock, kRate - i), nullptr);
    }
    std::vector<float> left;
    for (size_t i = 4800; i < kRate; ++i) left.push_back(y[2 * i]);
    EXPECT_LT(test::max_step(left), slope * 1.02);
    const std::vector<float> steady = run(eq, later, x);
    double diff = 0;
    for (size_t i = y.size() - 4800; i < y.size(); ++i) diff = std::max(diff, std::fabs(double(y[i]) - steady[i]));
    EXPECT_LT(diff, 1e-5);
}

TEST(FilterEffects, NonFiniteInputDoesNotLatch) {
    using T = EqBand::Type;
    const std::vector<std::pair<const EffectType*, EffectConfig>> effects_under_test = {
        {&effects::lowpass(), default_config(effects::lowpass())},
        {&effects::highpass(), default_config(effects::highpass())},
        {&effects::bandpass(), default_config(effects::bandpass())},
        {&effects::notch(), default_config(effects::notch())},
        {&effects::eq(), eq_config({{T::lowshelf, 100, 0.707, 6}, {T::peaking, 1000, 1, -6}, {T::highshelf, 8000, 0.707, 3}})},
    };
    for (const auto& [type, cfg] : effects_under_test) {
        for (float bad : {std::nanf(""), INFINITY}) {
            std::vector<float> x = noise(8 * kBlock, 5, 0.5f);
            x[2 * (kBlock + 100) + 1] = bad;
            const std::vector<float> y = run(*type, cfg, x);
            for (size_t i = 2 * 2 * kBlock; i < y.size(); ++i) ASSERT_TRUE(std::isfinite(y[i])) << type->name << " sample " << i;
            // Back to normal: after the reset it is a fresh filter, of the input's level.
            EXPECT_LT(test::peak_db(std::vector<float>(y.end() - 2 * kBlock, y.end())), 12.0) << type->name;
        }
    }
}

TEST(FilterEffects, SilenceAfterNoiseHasNoSubnormals) {
#if defined(__SSE__) || defined(__x86_64__)
    const unsigned saved = _mm_getcsr();
    _mm_setcsr(saved & ~0x8040u);  // FTZ and DAZ off
#endif
    using T = EqBand::Type;
    const std::vector<std::pair<const EffectType*, EffectConfig>> effects_under_test = {
        {&effects::lowpass(), effect_config(effects::lowpass(), {{"cutoff_hz", 40}, {"q", 2}})},
        {&effects::lowpass(), effect_config(effects::lowpass(), {{"cutoff_hz", 20000}, {"q", 0.5}})},
        {&effects::highpass(), effect_config(effects::highpass(), {{"cutoff_hz", 15000}, {"q", 0.3}})},
        {&effects::bandpass(), effect_config(effects::bandpass(), {{"cutoff_hz", 100}, {"q", 20}})},
        {&effects::notch(), default_config(effects::notch())},
        {&effects::eq(), eq_config({{T::lowshelf, 60, 0.707, 9}, {T::peaking, 3000, 4, -9}, {T::highshelf, 12000, 0.707, 6}})},
    };
    for (const auto& [type, cfg] : effects_under_test) {
        auto p = type->make(cfg);
        p->prepare({.sample_rate = kRate, .max_block = kBlock});
        std::vector<float> x = noise(kRate, 9, 0.5f);
        for (size_t i = 0; i < kRate; i += kBlock) p->process(x.data() + 2 * i, std::min<size_t>(kBlock, kRate - i), nullptr);
        size_t subnormal = 0;
        std::vector<float> block(2 * kBlock);
        for (size_t n = 0; n < 10 * kRate / kBlock; ++n) {
            std::fill(block.begin(), block.end(), 0.0f);
            p->process(block.data(), kBlock, nullptr);
            for (float v : block) subnormal += std::fpclassify(v) == FP_SUBNORMAL;
        }
        EXPECT_EQ(subnormal, 0u) << type->name;
        EXPECT_EQ(block.back(), 0.0f) << type->name << " did not decay to exact silence";
    }
#if defined(__SSE__) || defined(__x86_64__)
    _mm_setcsr(saved);
#endif
}

}  // namespace
}  // namespace simvx
