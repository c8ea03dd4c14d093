// Compressor and limiter: measured static curve, time constants, sidechain,
// the limiter's ceiling and transparency, NaN recovery.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "dsp/effects/effects.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;

double db(double gain) { return 20.0 * std::log10(gain); }
float from_db(double v) { return static_cast<float>(std::pow(10.0, v / 20.0)); }

EffectConfig config_of(const EffectType& type, std::initializer_list<std::pair<std::string_view, double>> values) {
    EffectConfig c = default_config(type);
    for (const auto& [key, v] : values) c.set(type.params, key, v);
    return c;
}

std::unique_ptr<Processor> make(const EffectType& type, const EffectConfig& config, uint32_t rate = kRate) {
    auto p = type.make(config);
    p->prepare({.sample_rate = rate, .max_block = 1024});
    return p;
}

// Processes in blocks of varying size (1 … 1024 frames), as the engine may.
void run(Processor& p, std::vector<float>& audio, const float* key = nullptr, unsigned seed = 1) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<size_t> len(1, 1024);
    for (size_t at = 0, frames = audio.size() / 2; at < frames;) {
        const size_t n = std::min(len(rng), frames - at);
        p.process(audio.data() + 2 * at, n, key ? key + 2 * at : nullptr);
        at += n;
    }
}

// A 1 kHz stereo sine (both channels) whose peak amplitude per frame is amp(frame).
template <class Amp>
std::vector<float> sine_1k(size_t frames, Amp amp) {
    std::vector<float> x(2 * frames);
    for (size_t n = 0; n < frames; ++n)
        x[2 * n] = x[2 * n + 1] = static_cast<float>(amp(n) * std::sin(2 * M_PI * 1000.0 * n / kRate));
    return x;
}

double peak_db(const std::vector<float>& x, size_t from_frame, size_t to_frame) {
    float p = 0;
    for (size_t i = 2 * from_frame; i < 2 * to_frame; ++i) p = std::max(p, std::fabs(x[i]));
    return db(p);
}

// The contract's static curve, written out independently of dsp/dynamics.
double static_curve(double x, double t, double r, double w) {
    if (2 * (x - t) <= -w) return x;
    if (2 * (x - t) > w) return t + (x - t) / r;
    const double d = x - t + w / 2;
    return x + (1 / r - 1) * d * d / (2 * w);
}

TEST(Dynamics, Descriptors) {
    const EffectType& c = effects::compressor();
    EXPECT_EQ(c.name, "compressor");
    EXPECT_TRUE(c.has_sidechain);
    ASSERT_EQ(c.params.size(), 6u);
    const std::pair<std::string_view, double> want[] = {{"threshold_db", -24}, {"ratio", 4}, {"attack_ms", 5},
                                                        {"release_ms", 100}, {"knee_db", 6}, {"makeup_db", 0}};
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(c.params[i].key, want[i].first);
        EXPECT_EQ(c.params[i].default_value, want[i].second);
    }
    EXPECT_EQ(c.params[1].min, 1);  // a ratio below 1 is rejected
    EXPECT_FALSE(c.params[1].min_open);

    const EffectType& l = effects::limiter();
    ASSERT_EQ(l.params.size(), 3u);
    EXPECT_EQ(l.params[0].key, "ceiling_db");
    EXPECT_EQ(l.params[0].default_value, -1);
    EXPECT_EQ(l.params[2].key, "lookahead_ms");
    EXPECT_EQ(l.params[2].default_value, 5);
    EXPECT_TRUE(l.params[2].min_open);
    EXPECT_EQ(l.params[2].min, 0);
    EXPECT_EQ(l.params[2].max, 50);
    ASSERT_NE(l.check, nullptr);
    EXPECT_NE(l.check(config_of(l, {{"lookahead_ms", 0.01}}), 48000), "");  // 0.48 frames
    EXPECT_EQ(l.check(config_of(l, {{"lookahead_ms", 0.02}}), 48000), "");
    EXPECT_FALSE(l.has_sidechain);
}

TEST(Compressor, StaticCurve) {
    struct Case { double threshold, ratio, knee; };
    for (const Case& k : {Case{-24, 4, 6}, Case{-24, 4, 0}, Case{-24, 10, 6}}) {
        double worst = 0;
        for (int level = -60; level <= 0; level += 3) {
            auto p = make(effects::compressor(),
                          config_of(effects::compressor(), {{"threshold_db", k.threshold}, {"ratio", k.ratio}, {"knee_db", k.knee}}));
            auto x = sine_1k(kRate, [&](size_t) { return from_db(level); });
            run(*p, x);
            const double out = peak_db(x, kRate - kRate / 10, kRate);
            const double want = static_curve(level, k.threshold, k.ratio, k.knee);
            EXPECT_NEAR(out, want, 0.5) << "level " << level << " knee " << k.knee << " ratio " << k.ratio;
            worst = std::max(worst, std::fabs(out - want));
        }
        std::printf("static curve T %g R %g W %g: worst error %.4f dB\n", k.threshold, k.ratio, k.knee, worst);
    }
}

// Time constant as dsp/dynamics.hpp defines it: after a step of the input's
// peak level, the time the gain reduction (dB) takes to cover 1 − 1/e of its
// change. The gain is out/in per sample (the compressor has no delay), read
// where |in| is at least half the peak; the steps fall on a sine peak.
TEST(Compressor, AttackAndReleaseTimes) {
    struct Case { double attack_ms, release_ms; };
    for (const Case& k : {Case{5, 100}, Case{20, 400}}) {
        const size_t step_up = kRate / 2 + 12, step_down = kRate + 12;
        const size_t end = step_down + static_cast<size_t>(10 * k.release_ms * kRate / 1000);  // settled to e^-10
        const auto amp = [&](size_t n) { return from_db(n >= step_up && n < step_down ? -10 : -40); };
        const auto in = sine_1k(end, amp);
        auto out = in;
        auto p = make(effects::compressor(),
                      config_of(effects::compressor(), {{"attack_ms", k.attack_ms}, {"release_ms", k.release_ms}}));
        run(*p, out);

        // Reduction (dB) per frame, NaN where the input is too small to read it.
        std::vector<double> reduction(end, std::numeric_limits<double>::quiet_NaN());
        for (size_t n = 0; n < end; ++n)
            if (std::fabs(in[2 * n]) >= 0.5 * amp(n)) reduction[n] = -db(out[2 * n] / in[2 * n]);
        const auto settled = [&](size_t before) {
            for (size_t n = before; n-- > 0;)
                if (!std::isnan(reduction[n])) return reduction[n];
            return 0.0;
        };
        // Time from `step` until the reduction crosses from..to's 1 − 1/e point (interpolated).
        const auto time_ms = [&](size_t step, size_t until) {
            const double from = settled(step), to = settled(until);
            const double mark = from + (1 - std::exp(-1.0)) * (to - from);
            double prev_t = 0, prev_v = from;
            for (size_t n = step; n < until; ++n) {
                if (std::isnan(reduction[n])) continue;
                const double t = static_cast<double>(n - step + 1), v = reduction[n];  // sample n ends step+1 frames in
                if ((to > from && v >= mark) || (to < from && v <= mark))
                    return 1000.0 * (prev_t + (mark - prev_v) / (v - prev_v) * (t - prev_t)) / kRate;
                prev_t = t;
                prev_v = v;
            }
            return -1.0;
        };
        EXPECT_NEAR(settled(step_down), -10 - static_curve(-10, -24, 4, 6), 0.1);
        const double attack = time_ms(step_up, step_down), release = time_ms(step_down, end);
        std::printf("attack %g ms: measured %.3f ms; release %g ms: measured %.3f ms\n", k.attack_ms, attack,
                    k.release_ms, release);
        EXPECT_NEAR(attack, k.attack_ms, 0.1 * k.attack_ms);
        EXPECT_NEAR(release, k.release_ms, 0.1 * k.release_ms);
    }
}

TEST(Compressor, Sidechain) {
    const size_t frames = 2 * kRate;
    std::vector<float> music(2 * frames), key(2 * frames, 0.0f);
    for (size_t n = 0; n < frames; ++n) {
        music[2 * n] = music[2 * n + 1] = from_db(-12) * static_cast<float>(std::sin(2 * M_PI * 440.0 * n / kRate));
        if (n < kRate) key[2 * n] = key[2 * n + 1] = from_db(-6) * static_cast<float>(std::sin(2 * M_PI * 1000.0 * n / kRate));
    }
    EffectConfig config = default_config(effects::compressor());
    config.sidechain = "Drums";
    auto p = make(effects::compressor(), config);
    run(*p, music, key.data());
    const double ducked = peak_db(music, kRate / 2, kRate), recovered = peak_db(music, frames - kRate / 5, frames);
    const double want = -12 - (-6 - static_curve(-6, -24, 4, 6));  // 13.5 dB below
    std::printf("sidechain: ducked %.3f dBFS (want %.3f), recovered %.3f dBFS (want -12)\n", ducked, want, recovered);
    EXPECT_NEAR(ducked, want, 1.0);
    EXPECT_NEAR(recovered, -12, 0.5);
}

TEST(Compressor, MakeupRampsAndUnityIsExact) {
    auto x = sine_1k(kRate / 2, [](size_t) { return from_db(-40); });  // below the knee
    auto y = x;
    const EffectType& type = effects::compressor();
    auto p = make(type, default_config(type));
    run(*p, y);
    EXPECT_EQ(x, y);  // no reduction and no makeup: bit-exact

    // Makeup +12 dB from frame 1000: the gain climbs in small steps to 3.98.
    auto z = x;
    p->process(z.data(), 1000, nullptr);
    p->update(effect_params(config_of(type, {{"makeup_db", 12}})));
    p->process(z.data() + 2000, kRate / 2 - 1000, nullptr);
    double prev = 1, step = 0;
    for (size_t n = 1000; n < kRate / 2; ++n) {
        if (std::fabs(x[2 * n]) < 2e-3) continue;
        const double g = double(z[2 * n]) / x[2 * n];
        step = std::max(step, std::fabs(g - prev));
        prev = g;
    }
    EXPECT_NEAR(db(prev), 12, 1e-4);
    EXPECT_LT(step, 0.05);  // a jump would be 2.98
}

struct Hot {
    std::vector<float> audio;
    size_t sine_from = 0, sine_to = 0;  // the +6 dBFS sine, frames
};

// Hot, transient-rich input: +12 dB white noise, full-scale and ±2 square
// waves, isolated ±2 single-sample spikes in silence, a +6 dBFS sine.
Hot hot_input() {
    Hot h;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> noise(-1, 1);
    auto& a = h.audio;
    for (size_t n = 0; n < kRate; ++n) a.insert(a.end(), {3.98f * noise(rng), 3.98f * noise(rng)});
    for (size_t n = 0; n < kRate / 2; ++n) {
        const float s = (n / 240) % 2 ? 1.0f : -1.0f;  // 100 Hz
        a.insert(a.end(), {s, -s});
    }
    for (size_t n = 0; n < kRate / 2; ++n) {
        const float s = (n / 24) % 2 ? 2.0f : -2.0f;  // 1 kHz
        a.insert(a.end(), {s, s});
    }
    for (size_t n = 0; n < kRate; ++n) {
        const float s = n % 4801 == 100 ? 2.0f : n % 4801 == 2500 ? -2.0f : 0.0f;
        a.insert(a.end(), {s, n % 9600 == 7000 ? 2.0f : 0.0f});
    }
    h.sine_from = a.size() / 2;
    for (size_t n = 0; n < kRate; ++n) {
        const float s = 2.0f * static_cast<float>(std::sin(2 * M_PI * 1000.0 * n / kRate));
        a.insert(a.end(), {s, s});
    }
    h.sine_to = a.size() / 2;
    a.resize(a.size() + 2 * kRate / 10, 0.0f);  // let the look-ahead out
    return h;
}

// The hard clamp at the ceiling writes exactly ±ceiling, and the gain aims
// 1e-6 below it, so "every sample strictly below the ceiling" also shows that
// the clamp never engaged.
TEST(Limiter, NeverExceedsCeiling) {
    struct Case { double ceiling, release, lookahead; };
    for (const Case& k : {Case{-1, 50, 5}, Case{-6, 1, 0.1}, Case{0, 500, 50}, Case{-1, 50, 1.3}}) {
        const EffectType& type = effects::limiter();
        auto p = make(type, config_of(type, {{"ceiling_db", k.ceiling}, {"release_ms", k.release}, {"lookahead_ms", k.lookahead}}));
        Hot hot = hot_input();
        run(*p, hot.audio, nullptr, static_cast<unsigned>(k.lookahead * 10));
        const float ceiling = static_cast<float>(std::pow(10.0, k.ceiling / 20.0));
        float peak = 0;
        size_t over = 0;
        for (float v : hot.audio) {
            peak = std::max(peak, std::fabs(v));
            over += std::fabs(v) >= ceiling;
        }
        const size_t delay = p->tail_frames();
        const double sine = peak_db(hot.audio, hot.sine_to - kRate / 10 + delay, hot.sine_to + delay);
        std::printf("limiter ceiling %g dB, lookahead %g ms: output peak %.7f dB, samples at/over ceiling %zu; "
                    "+6 dBFS sine limited to %.3f dB\n", k.ceiling, k.lookahead, db(peak), over, sine);
        EXPECT_EQ(over, 0u);
        EXPECT_LT(peak, ceiling);
        EXPECT_NEAR(sine, k.ceiling, 0.2);  // limits to the ceiling, not far below
    }
}

// Lowering the ceiling while playing: the frames already in the look-ahead
// window leave under the old ceiling, every later one under the new.
TEST(Limiter, CeilingChange) {
    const EffectType& type = effects::limiter();
    auto p = make(type, default_config(type));
    Hot hot = hot_input();
    const size_t change = 10000, frames = hot.audio.size() / 2;
    p->process(hot.audio.data(), change, nullptr);
    p->update(effect_params(config_of(type, {{"ceiling_db", -6}})));
    p->process(hot.audio.data() + 2 * change, frames - change, nullptr);
    const double after = peak_db(hot.audio, change + p->tail_frames(), frames);
    std::printf("limiter ceiling -1 -> -6 dB: peak before %.6f dB, from the window's end on %.6f dB\n",
                peak_db(hot.audio, 0, change + p->tail_frames()), after);
    EXPECT_LT(peak_db(hot.audio, 0, frames), -1);
    EXPECT_LT(after, -6);
}

TEST(Limiter, TransparentBelowCeilingApartFromDelay) {
    for (uint32_t rate : {48000u, 44100u}) {
        const EffectType& type = effects::limiter();
        auto p = make(type, default_config(type), rate);
        const size_t delay = static_cast<size_t>(std::lround(5.0 * rate / 1000));
        EXPECT_EQ(p->tail_frames(), delay);
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> noise(-0.1f, 0.1f);
        const size_t frames = rate;
        std::vector<float> in(2 * frames);
        for (size_t n = 0; n < frames; ++n) {
            in[2 * n] = 0.7f * static_cast<float>(std::sin(2 * M_PI * 997.0 * n / rate)) + noise(rng);
            in[2 * n + 1] = 0.79f * static_cast<float>(std::sin(2 * M_PI * 50.0 * n / rate)) + noise(rng);
        }
        auto out = in;
        run(*p, out);
        double worst = 0;
        for (size_t i = 0; i < 2 * frames; ++i) 
            worst = std::max(worst, double(std::fabs(out[i] - (i >= 2 * delay ? in[i - 2 * delay] : 0.0f))));
        std::printf("limiter at %u Hz: delay %zu frames, largest difference from the delayed input %g\n", rate, delay, worst);
        EXPECT_LE(worst, 1e-6);
    }
}

// One NaN frame must not latch: everything else equals the output for the
// same input with that frame silent.
TEST(Dynamics, NanDoesNotLatch) {
    for (const EffectType* type : {&effects::compressor(), &effects::limiter(), &effects::softclip()}) {
        auto in = sine_1k(kRate / 2, [](size_t) { return 0.9f; });
        auto ref = in;
        in[2000] = in[2001] = std::numeric_limits<float>::quiet_NaN();
        ref[2000] = ref[2001] = 0.0f;
        auto p = make(*type, default_config(*type)), q = make(*type, default_config(*type));
        run(*p, in);
        run(*q, ref);
        size_t nans = 0, differ = 0;
        for (size_t i = 0; i < in.size(); ++i) {
            if (std::isnan(in[i])) ++nans;
            else differ += in[i] != ref[i];
        }
        EXPECT_EQ(nans, 2u) << type->name;  // the NaN frame itself passes through
        EXPECT_EQ(differ, 0u) << type->name;

        // Infinity: the output is finite again afterwards.
        auto inf = sine_1k(kRate / 2, [](size_t) { return 0.9f; });
        inf[2000] = inf[2001] = std::numeric_limits<float>::infinity();
        auto r = make(*type, default_config(*type));
        run(*r, inf);
        size_t bad = 0;
        for (size_t i = 2 * kRate / 4; i < inf.size(); ++i) bad += !std::isfinite(inf[i]);
        EXPECT_EQ(bad, 0u) << type->name;
    }
}

}  // namespace
}  // namespace simvx
