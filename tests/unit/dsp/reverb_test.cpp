// The reverb (Freeverb core + wrapper): decay time against room size and
// damping, freeze, width, identity, tail length, ramps, NaN recovery and no
// denormals with flush-to-zero off.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>

#include "dsp/effects/effects.hpp"
#include "dsp/freeverb.hpp"
#include "support/audio.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;

const EffectType& type() { return effects::reverb(); }

struct Settings {
    double room_size = 0.5, damping = 0.5, wet = 1.0, dry = 0.0, width = 1.0;
    bool freeze = false;
};

EffectConfig config(const Settings& s) {
    EffectConfig c = default_config(type());
    const auto& p = type().params;
    c.set(p, "room_size", s.room_size);
    c.set(p, "damping", s.damping);
    c.set(p, "wet", s.wet);
    c.set(p, "dry", s.dry);
    c.set(p, "width", s.width);
    c.set(p, "freeze", s.freeze ? 1.0 : 0.0);
    return c;
}

std::unique_ptr<Processor> make(const Settings& s, uint32_t block = 512) {
    auto p = type().make(config(s));
    p->prepare({.sample_rate = kRate, .max_block = block});
    return p;
}

void run(Processor& p, float* audio, size_t frames, size_t block = 512) {
    for (size_t at = 0; at < frames; at += block) p.process(audio + 2 * at, std::min(block, frames - at), nullptr);
}
void run(Processor& p, std::vector<float>& audio) { run(p, audio.data(), audio.size() / 2); }

std::vector<float> noise(size_t n, uint32_t seed = 11) {
    std::vector<float> v(n);
    for (auto& x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = 0.5f * static_cast<float>(static_cast<int32_t>(seed)) / 2147483648.0f;
    }
    return v;
}

std::vector<float> channel(const std::vector<float>& x, size_t c, size_t from = 0, size_t to = SIZE_MAX) {
    std::vector<float> out;
    for (size_t i = from; i < std::min(to, x.size() / 2); ++i) out.push_back(x[2 * i + c]);
    return out;
}

std::vector<float> impulse_response(const Settings& s, double seconds) {
    auto p = make(s);
    std::vector<float> audio(2 * static_cast<size_t>(seconds * kRate), 0.0f);
    audio[0] = audio[1] = 1.0f;
    run(*p, audio);
    return audio;
}

// Reverberation time from the Schroeder energy decay curve: the time from -5
// to -35 dB, doubled (T30 extrapolated to 60 dB).
double t60(const std::vector<float>& ir) {
    std::vector<double> edc(ir.size() / 2 + 1, 0.0);
    for (size_t i = ir.size() / 2; i-- > 0;)
        edc[i] = edc[i + 1] + double(ir[2 * i]) * ir[2 * i] + double(ir[2 * i + 1]) * ir[2 * i + 1];
    auto when = [&](double db) {
        const double level = edc[0] * std::pow(10.0, db / 10);
        size_t i = 0;
        while (i < edc.size() && edc[i] > level) ++i;
        return static_cast<double>(i) / kRate;
    };
    return 2 * (when(-35) - when(-5));
}

// Energy (dB) of components above `hz` in a mono segment.
double band_energy_db(std::span<const float> x, double hz) {
    const test::Spectrum s = test::spectrum(x, kRate);
    double sum = 0;
    for (size_t k = 0; k < s.mag_db.size(); ++k)
        if (k * s.bin_hz >= hz) sum += std::pow(10.0, s.mag_db[k] / 10);
    return 10 * std::log10(sum);
}

TEST(Reverb, DescriptorMatchesTheContract) {
    EXPECT_EQ(type().name, "reverb");
    const EffectConfig c = default_config(type());
    ASSERT_EQ(c.values, (std::vector<double>{0.5, 0.5, 0.3, 0.7, 1.0, 0.0}));
    const auto& p = type().params;
    EXPECT_EQ(p[2].max, 2.0);
    EXPECT_EQ(p[3].max, 2.0);
    EXPECT_EQ(p[4].max, 1.0);
    EXPECT_EQ(p[5].kind, ParamSpec::Kind::boolean);
    EXPECT_EQ(type().check, nullptr);
}

TEST(Reverb, DecayTimeGrowsWithRoomSize) {
    const double a = t60(impulse_response({.room_size = 0.3}, 6));
    const double b = t60(impulse_response({.room_size = 0.6}, 8));
    const double c = t60(impulse_response({.room_size = 0.9}, 14));
    std::printf("T60: room 0.3 %.3f s, 0.6 %.3f s, 0.9 %.3f s\n", a, b, c);
    EXPECT_GT(a, 0.2);
    EXPECT_GT(b, 1.4 * a);
    EXPECT_GT(c, 1.8 * b);
}

TEST(Reverb, DampingShortensTheHighFrequencies) {
    const auto lo = impulse_response({.damping = 0.1}, 1);
    const auto hi = impulse_response({.damping = 0.9}, 1);
    // Energy above 5 kHz from 200 to 700 ms.
    const double e_lo = band_energy_db(channel(lo, 0, 9600, 33600), 5000);
    const double e_hi = band_energy_db(channel(hi, 0, 9600, 33600), 5000);
    // Below 500 Hz the damping matters much less.
    const double l_lo = 10 * std::log10(std::pow(10.0, band_energy_db(channel(lo, 0, 9600, 33600), 0) / 10) -
                                        std::pow(10.0, e_lo / 10));
    const double l_hi = 10 * std::log10(std::pow(10.0, band_energy_db(channel(hi, 0, 9600, 33600), 0) / 10) -
                                        std::pow(10.0, e_hi / 10));
    std::printf("energy > 5 kHz after 200 ms: damping 0.1 %.1f dB, 0.9 %.1f dB (below: %.1f, %.1f dB)\n", e_lo, e_hi,
                l_lo, l_hi);
    EXPECT_GT(e_lo - e_hi, 10.0);
    EXPECT_GT(e_lo - e_hi, (l_lo - l_hi) + 5.0);
}

TEST(Reverb, FreezeHoldsTheTail) {
    auto p = make({});
    std::vector<float> audio = noise(2 * kRate / 2);
    audio.resize(2 * 11 * kRate, 0.0f);
    run(*p, audio.data(), kRate / 2);
    p->update(effect_params(config({.freeze = true})));
    run(*p, audio.data() + kRate, 21 * kRate / 2);
    double lo = 1e9, hi = -1e9;
    for (size_t w = 2; w < 22; ++w) {  // 0.5 s windows from 1 s to 11 s
        const double db = test::rms_db(channel(audio, 0, w * kRate / 2, (w + 1) * kRate / 2));
        lo = std::min(lo, db);
        hi = std::max(hi, db);
    }
    std::printf("frozen tail: RMS %.3f .. %.3f dB\n", lo, hi);
    EXPECT_GT(lo, -40.0);
    EXPECT_LT(hi - lo, 1.0);
    EXPECT_EQ(p->tail_frames(), 60u * kRate);
}

TEST(Reverb, WidthZeroGivesTheSameWetSignalOnBothSides) {
    auto p = make({.width = 0.0});
    std::vector<float> audio = noise(2 * kRate);  // different left and right
    audio.resize(2 * 2 * kRate, 0.0f);
    run(*p, audio);
    for (size_t i = 0; i < audio.size() / 2; ++i) ASSERT_EQ(audio[2 * i], audio[2 * i + 1]) << "frame " << i;
    EXPECT_GT(test::rms_db(channel(audio, 0)), -40.0);
}

TEST(Reverb, WetZeroDryOneIsBitExact) {
    auto p = make({.wet = 0.0, .dry = 1.0});
    const std::vector<float> in = noise(2 * kRate);
    std::vector<float> out = in;
    run(*p, out);
    EXPECT_EQ(0, std::memcmp(in.data(), out.data(), in.size() * sizeof(float)));
}

TEST(Reverb, TailCoversTheImpulseResponseDownToMinus90dB) {
    for (double room : {0.2, 0.5, 0.8}) {
        auto p = make({.room_size = room, .damping = 0.2, .wet = 2.0});
        const uint64_t tail = p->tail_frames();
        std::vector<float> audio(2 * (tail + kRate), 0.0f);
        audio[0] = audio[1] = 1.0f;
        run(*p, audio);
        size_t last = 0;
        for (size_t i = 0; i < audio.size(); ++i)
            if (std::fabs(audio[i]) >= 3.1623e-5f) last = i / 2;
        std::printf("room %.1f: last sample above -90 dB at %.2f s, tail_frames %.2f s\n", room,
                    double(last) / kRate, double(tail) / kRate);
        EXPECT_LT(last, tail);
        EXPECT_LT(tail, 3 * last);  // an estimate, not a wild overshoot
    }
    EXPECT_EQ(make({.wet = 0.0, .dry = 1.0})->tail_frames(), 0u);
    EXPECT_EQ(make({.freeze = true})->tail_frames(), 60u * kRate);
}

TEST(Reverb, WetChangeRamps) {
    constexpr double f = 440;
    const size_t n = kRate;
    std::vector<float> sine(2 * n);
    const auto s = test::sine(f, kRate, n);
    for (size_t i = 0; i < n; ++i) sine[2 * i] = sine[2 * i + 1] = s[i];
    // The wet signal alone, to know its level and slope.
    std::vector<float> wet_only = sine;
    run(*make({.wet = 1.0, .dry = 0.0}), wet_only);
    const auto r = channel(wet_only, 0);
    // Switch where the wet signal is largest within one period after 0.5 s.
    size_t at = kRate / 2;
    for (size_t i = at; i < kRate / 2 + kRate / 440; ++i)
        if (std::fabs(r[i]) > std::fabs(r[at])) at = i;
    double peak = 0;
    for (float v : r) peak = std::max(peak, double(std::fabs(v)));
    const double bound = test::max_step(s) + test::max_step(r) + peak / 960 + 1e-3;
    ASSERT_GT(std::fabs(r[at]), 2 * bound) << "the test would not see an unramped switch";

    auto p = make({.wet = 0.0, .dry = 1.0});
    std::vector<float> audio = sine;
    run(*p, audio.data(), at);
    p->update(effect_params(config({.wet = 1.0, .dry = 1.0})));
    run(*p, audio.data() + 2 * at, n - at);
    const double step = test::max_step(channel(audio, 0));
    std::printf("wet 0 -> 1: max step %.4f (bound %.4f, unramped jump %.4f)\n", step, bound, std::fabs(r[at]));
    EXPECT_LT(step, bound);
}

TEST(Reverb, FreezeAndRoomChangesDoNotClick) {
    // A steady sine through the reverb; freezing mutes the input and makes
    // the combs lossless, then a jump to a small damped room: the wet
    // signal's largest step just after each change stays near the one before.
    auto p = make({});
    std::vector<float> audio(2 * 3 * kRate);
    const auto s = test::sine(300, kRate, 3 * kRate);
    for (size_t i = 0; i < 3 * kRate; ++i) audio[2 * i] = audio[2 * i + 1] = s[i];
    run(*p, audio.data(), kRate);
    p->update(effect_params(config({.room_size = 1.0, .damping = 0.0, .freeze = true})));
    run(*p, audio.data() + 2 * kRate, kRate);
    p->update(effect_params(config({.room_size = 0.1, .damping = 1.0})));
    run(*p, audio.data() + 4 * kRate, kRate);
    auto step = [&](double from, double to) {
        return test::max_step(channel(audio, 0, size_t(from * kRate), size_t(to * kRate)));
    };
    std::printf("max step: before freeze %.4f, after %.4f; before room change %.4f, after %.4f\n", step(0.5, 1.0),
                step(1.0, 1.1), step(1.9, 2.0), step(2.0, 2.1));
    EXPECT_LT(step(1.0, 1.1), 1.5 * step(0.5, 1.0));  // unramped: 2.1x
    EXPECT_LT(step(2.0, 2.1), 1.2 * step(1.9, 2.0));
}

TEST(Reverb, NanInputDoesNotLatch) {
    auto p = make({.wet = 0.5, .dry = 0.5});
    std::vector<float> audio = noise(2 * kRate);
    audio[2 * 1000] = std::numeric_limits<float>::quiet_NaN();
    audio[2 * 2000 + 1] = -std::numeric_limits<float>::infinity();
    run(*p, audio);
    for (size_t i = 2 * 2001; i < audio.size(); ++i) ASSERT_TRUE(std::isfinite(audio[i])) << "sample " << i;
    EXPECT_GT(test::rms_db(channel(audio, 0, kRate / 2)), -20.0);  // still reverberating
}

TEST(Reverb, OverflowedStateIsCleared) {
    // Huge finite input in a long room overflows the combs (inf, then NaN):
    // the core clears itself and plays on once the input is sane again
    // (within a few hundred ms: the overflow shows when it reaches the output).
    auto p = make({.room_size = 1.0, .damping = 0.0, .wet = 0.5, .dry = 0.5});
    std::vector<float> audio(2 * kRate / 2, 1e38f), after = noise(2 * kRate);
    run(*p, audio);
    run(*p, after);
    for (size_t i = 2 * 3 * kRate / 10; i < after.size(); ++i) ASSERT_TRUE(std::isfinite(after[i])) << "sample " << i;
    EXPECT_GT(test::rms_db(channel(after, 0, kRate / 2)), -20.0);
}

TEST(Reverb, SilenceAfterNoiseHasNoDenormals) {
    // Flush-to-zero is off here (no DenormalGuard): the tail decays for 10 s,
    // and no output or stored sample may become subnormal.
    auto clean = [](float v) { return std::fpclassify(v) == FP_ZERO || std::fpclassify(v) == FP_NORMAL; };
    Freeverb core;
    core.prepare(kRate);
    core.set({.room_size = 0.3f, .damping = 0.9f}, false);
    auto p = make({.room_size = 0.3, .damping = 0.9, .wet = 0.3, .dry = 0.7});
    std::vector<float> in = noise(2 * kRate), out(in.size()), audio = in;
    core.process(in.data(), out.data(), kRate);
    run(*p, audio);
    std::fill(in.begin(), in.end(), 0.0f);
    for (int second = 0; second < 10; ++second) {
        core.process(in.data(), out.data(), kRate);
        audio = in;
        run(*p, audio);
        for (size_t i = 0; i < out.size(); ++i) {
            ASSERT_TRUE(clean(out[i])) << "core, second " << second << ", sample " << i;
            ASSERT_TRUE(clean(audio[i])) << "effect, second " << second << ", sample " << i;
        }
        ASSERT_TRUE(core.state_is_clean()) << "second " << second;
    }
}

}  // namespace
}  // namespace simvx
