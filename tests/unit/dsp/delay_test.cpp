// The delay effect: echo times and levels of an impulse, identity, tail length,
// click-free parameter changes, NaN recovery, no denormals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>

#include "dsp/effects/effects.hpp"
#include "support/audio.hpp"

namespace simvx {
namespace {

const EffectType& type() { return effects::delay(); }

EffectConfig config(double time, double feedback, double wet, double dry) {
    EffectConfig c = default_config(type());
    c.set(type().params, "time_seconds", time);
    c.set(type().params, "feedback", feedback);
    c.set(type().params, "wet", wet);
    c.set(type().params, "dry", dry);
    return c;
}

std::unique_ptr<Processor> make(const EffectConfig& c, uint32_t rate, uint32_t block = 512) {
    auto p = type().make(c);
    p->prepare({.sample_rate = rate, .max_block = block});
    return p;
}

// Processes interleaved stereo in place in blocks of `block` frames.
void run(Processor& p, std::vector<float>& audio, size_t block = 333) {
    const size_t frames = audio.size() / 2;
    for (size_t at = 0; at < frames; at += block) p.process(audio.data() + 2 * at, std::min(block, frames - at), nullptr);
}

std::vector<float> noise(size_t n, uint32_t seed = 7) {
    std::vector<float> v(n);
    for (auto& x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = 0.5f * static_cast<float>(static_cast<int32_t>(seed)) / 2147483648.0f;
    }
    return v;
}

std::vector<float> stereo_sine(double freq, uint32_t rate, size_t frames) {
    std::vector<float> s = test::sine(freq, rate, frames), out(2 * frames);
    for (size_t i = 0; i < frames; ++i) out[2 * i] = out[2 * i + 1] = s[i];
    return out;
}

std::vector<float> left(const std::vector<float>& x) {
    std::vector<float> l(x.size() / 2);
    for (size_t i = 0; i < l.size(); ++i) l[i] = x[2 * i];
    return l;
}

TEST(Delay, DescriptorMatchesTheContract) {
    const EffectConfig c = default_config(type());
    EXPECT_EQ(type().name, "delay");
    ASSERT_EQ(c.values, (std::vector<double>{0.25, 0.4, 0.5, 0.5}));
    const auto& p = type().params;
    EXPECT_TRUE(p[0].min_open);
    EXPECT_EQ(p[0].max, 10.0);
    EXPECT_EQ(p[1].max, 0.99);  // feedback 1 would never die out
    EXPECT_EQ(p[2].max, 2.0);
    EXPECT_EQ(p[3].max, 2.0);
    EXPECT_EQ(type().check, nullptr);
}

TEST(Delay, ImpulseGivesEchoesAtTheDelayTimesScaledByFeedback) {
    constexpr uint32_t rate = 44100;
    const double time = 0.123456, fb = 0.4, wet = 0.6, dry = 0.7;
    const size_t d = static_cast<size_t>(std::lround(time * rate));  // 5444
    auto p = make(config(time, fb, wet, dry), rate);
    std::vector<float> audio(2 * (6 * d + 100), 0.0f);
    audio[0] = 1.0f;
    audio[1] = -0.5f;
    run(*p, audio);
    EXPECT_FLOAT_EQ(audio[0], dry);
    EXPECT_FLOAT_EQ(audio[1], -0.5 * dry);
    double expect = wet;
    for (size_t k = 1; k <= 6; ++k, expect *= fb) {
        EXPECT_NEAR(audio[2 * k * d], expect, 1e-5 * expect) << "echo " << k;
        EXPECT_NEAR(audio[2 * k * d + 1], -0.5 * expect, 0.5e-5 * expect) << "echo " << k;
    }
    for (size_t i = 1; i < audio.size() / 2; ++i) {
        if (i % d == 0) continue;
        ASSERT_EQ(audio[2 * i], 0.0f) << "frame " << i;
    }
}

TEST(Delay, WetZeroDryOneIsBitExact) {
    auto p = make(config(0.01, 0.9, 0.0, 1.0), 48000);
    const std::vector<float> in = noise(2 * 48000);
    std::vector<float> out = in;
    run(*p, out);
    EXPECT_EQ(0, std::memcmp(in.data(), out.data(), in.size() * sizeof(float)));
}

TEST(Delay, TailCoversEchoesDownToMinus90dB) {
    constexpr uint32_t rate = 48000;
    for (double fb : {0.0, 0.4, 0.8}) {
        auto p = make(config(0.05, fb, 0.5, 0.0), rate);
        const uint64_t tail = p->tail_frames();
        std::vector<float> audio(2 * (tail + rate), 0.0f);
        audio[0] = audio[1] = 1.0f;
        run(*p, audio);
        size_t last = 0;
        for (size_t i = 0; i < audio.size() / 2; ++i)
            if (std::fabs(audio[2 * i]) >= 3.1623e-5f) last = i;
        std::printf("feedback %.1f: last echo above -90 dB at frame %zu, tail_frames %llu\n", fb, last,
                    static_cast<unsigned long long>(tail));
        EXPECT_LT(last, tail) << "feedback " << fb;
        EXPECT_LT(tail, last + 2400 + 2400) << "feedback " << fb;  // not much more than needed (one echo + ramp)
    }
    auto p = make(config(10.0, 0.99, 1.0, 1.0), rate);
    EXPECT_EQ(p->tail_frames(), 60u * rate);  // capped
}

TEST(Delay, WetChangeRampsWithoutAStep) {
    constexpr uint32_t rate = 48000;
    auto p = make(config(0.01, 0.0, 0.0, 1.0), rate);
    std::vector<float> audio = stereo_sine(1000, rate, rate);
    const double own = test::max_step(left(audio));
    // Switch where the wet echo is near its peak: an unramped change would step by ~0.5.
    const size_t at = 24000 + 12;  // the sine (and its echo) at its peak
    p->process(audio.data(), at, nullptr);
    p->update(effect_params(config(0.01, 0.0, 1.0, 1.0)));
    p->process(audio.data() + 2 * at, rate - at, nullptr);
    const double step = test::max_step(left(audio));
    std::printf("wet 0 -> 1: max step %.4f (sine alone %.4f)\n", step, own);
    // dry + wet of a sine of slope `own`: at most 2 × own, plus the ramp's own contribution.
    EXPECT_LT(step, 2 * own + 0.5 / 960 + 1e-3);
}

TEST(Delay, TimeChangeCrossfadesWithoutAClick) {
    constexpr uint32_t rate = 48000;
    const double fb = 0.4, wet = 0.5, dry = 0.5, amp = 0.5, f = 200;
    auto p = make(config(0.25, fb, wet, dry), rate);
    std::vector<float> audio = stereo_sine(f, rate, 2 * rate);
    // The line holds a sine of amplitude at most amp / (1 - fb); the output's
    // slope is bounded by the slopes of dry input and wet tap, plus what the
    // crossfade (over 960 frames) adds between two taps.
    const double slope = amp * 2 * std::numbers::pi * f / rate;
    const double line = 1 / (1 - fb);
    const double bound = 1.2 * (slope * (dry + wet * line) + 2 * amp * wet * line / 960);
    const size_t at = 48000 + 123;
    p->process(audio.data(), at, nullptr);
    p->update(effect_params(config(0.1, fb, wet, dry)));
    p->process(audio.data() + 2 * at, 200, nullptr);
    p->update(effect_params(config(0.0371, fb, wet, dry)));  // another change while crossfading
    p->process(audio.data() + 2 * (at + 200), 2 * rate - at - 200, nullptr);
    const double step = test::max_step(left(audio));
    std::printf("time 0.25 -> 0.1 -> 0.0371 s: max step %.4f (bound %.4f)\n", step, bound);
    EXPECT_LT(step, bound);
    // And the new time is in effect: the echo of a fresh impulse comes 0.0371 s later.
    std::vector<float> imp(2 * 4000, 0.0f);
    p->reset();
    imp[0] = 1.0f;
    run(*p, imp);
    EXPECT_FLOAT_EQ(imp[2 * 1781], wet);  // round(0.0371 × 48000)
}

TEST(Delay, NanInputDoesNotLatch) {
    constexpr uint32_t rate = 48000;
    auto p = make(config(0.01, 0.9, 0.5, 0.5), rate);
    std::vector<float> audio = noise(2 * rate);
    audio[2 * 100] = std::numeric_limits<float>::quiet_NaN();
    audio[2 * 200 + 1] = std::numeric_limits<float>::infinity();
    run(*p, audio);
    for (size_t i = 2 * 201; i < audio.size(); ++i) ASSERT_TRUE(std::isfinite(audio[i])) << "sample " << i;
}

TEST(Delay, NoDenormalsWhenEchoesDieOut) {
    // Flush-to-zero is off here (no DenormalGuard): every output sample must be 0 or normal.
    constexpr uint32_t rate = 8000;
    auto p = make(config(0.001, 0.5, 1.0, 1.0), rate);
    std::vector<float> audio = noise(2 * rate);
    audio.resize(2 * 10 * rate, 0.0f);
    run(*p, audio);
    for (size_t i = 0; i < audio.size(); ++i) {
        const int c = std::fpclassify(audio[i]);
        ASSERT_TRUE(c == FP_ZERO || c == FP_NORMAL) << "sample " << i;
    }
}

}  // namespace
}  // namespace simvx
