// Effect automation: a lowpass whose cutoff follows an envelope, stepped every
// EffectAutomation::kStepFrames frames as the engine does, against a reference
// that designs the filter anew on every sample (no zipper by construction).
// The residual measures the zipper noise; coefficients stepped without the
// glide are measured too, to show what the glide removes.
#include "dsp/effect_automation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "dsp/biquad.hpp"
#include "dsp/effects/effects.hpp"
#include "support/audio.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;
constexpr size_t kFrames = kRate;  // 1 s
constexpr uint32_t kStep = EffectAutomation::kStepFrames;

// A fast sweep: 100 Hz to 10 kHz and back in one second, exponential both ways.
Envelope sweep() {
    return Envelope({{0, 100}, {0.5, 10000, EnvelopeCurve::exponential}, {1.0, 100, EnvelopeCurve::exponential}}, false);
}

// A slow one, 1.2e-4 of its frequency per step: the filter holds between glides.
Envelope slow_sweep() {
    return Envelope({{0, 1000}, {0.75, 1200, EnvelopeCurve::exponential}}, false);
}

std::vector<float> noise() {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    std::vector<float> x(2 * kFrames);
    for (float& v : x) v = u(rng);
    return x;
}

double rms(const std::vector<float>& x) {
    double s = 0;
    for (float v : x) s += static_cast<double>(v) * v;
    return std::sqrt(s / static_cast<double>(x.size()));
}

// The residual of `y` against `ref`, in dB relative to `ref`.
double residual_db(const std::vector<float>& y, const std::vector<float>& ref) {
    std::vector<float> d(y.size());
    for (size_t i = 0; i < y.size(); ++i) d[i] = y[i] - ref[i];
    return 20 * std::log10(rms(d) / rms(ref));
}

// The filter designed for the envelope's value at every frame.
std::vector<float> per_sample_reference(std::vector<float> x, const Envelope& e = sweep()) {
    Biquad b;
    for (size_t i = 0; i < kFrames; ++i) {
        b.set(design_biquad({.freq = e.value_at(static_cast<double>(i) / kRate)}, kRate));
        b.process(x.data() + 2 * i, 1);
    }
    return x;
}

// As the engine runs an automated effect: steps ending on multiples of kStep, each gliding to its end's values.
std::vector<float> automated(std::vector<float> x, size_t block, const Envelope& e = sweep()) {
    const EffectType& type = effects::lowpass();
    EffectConfig config = default_config(type);
    const std::vector<ParamEnvelope> envelopes{{{0}, e}};
    auto fx = type.make(config_at(config, envelopes, 0.0));
    fx->prepare({.sample_rate = kRate, .max_block = 1024});
    EffectAutomation automation(type, config, envelopes, kRate);
    for (size_t pos = 0; pos < kFrames;) {
        const size_t n = std::min<size_t>({block, kFrames - pos, kStep - pos % kStep});
        if (automation.due(pos + n)) fx->automate(automation.at(pos + n), static_cast<uint32_t>(n));
        fx->process(x.data() + 2 * pos, n, nullptr);
        pos += n;
    }
    return x;
}

// Coefficients designed every kStep frames and held: the zipper the glide removes.
std::vector<float> stepped(std::vector<float> x) {
    const Envelope e = sweep();
    Biquad b;
    for (size_t pos = 0; pos < kFrames; pos += kStep) {
        b.set(design_biquad({.freq = e.value_at(static_cast<double>(pos) / kRate)}, kRate));
        b.process(x.data() + 2 * pos, std::min<size_t>(kStep, kFrames - pos));
    }
    return x;
}

TEST(EffectAutomation, ACutoffSweepHasNoZipperNoise) {
    const std::vector<float> x = noise();
    const std::vector<float> ref = per_sample_reference(x);
    const double ours = residual_db(automated(x, 1024), ref);
    const double held = residual_db(stepped(x), ref);
    std::printf("residual against per-sample coefficients: glided %.1f dB, held every %u frames %.1f dB\n", ours, kStep,
                held);
    EXPECT_LT(ours, -70.0);
    EXPECT_LT(ours, held - 20.0);
}

TEST(EffectAutomation, TheOutputDoesNotDependOnTheBlockSize) {
    const std::vector<float> x = noise();
    EXPECT_EQ(automated(x, 1024), automated(x, 77));
    EXPECT_EQ(automated(x, 1024, slow_sweep()), automated(x, 77, slow_sweep()));
}

// A slow sweep's cutoff holds between reads of its envelope (due() says
// when it may have moved past the hold), so the filter lags the envelope by
// at most that, about a cent, and gets its last value exactly once it stops.
TEST(EffectAutomation, ASlowSweepHoldsWithinACentAndLandsExactly) {
    const Envelope e = slow_sweep();
    const EffectType& type = effects::lowpass();
    EffectAutomation automation(type, default_config(type), {{{0}, e}}, kRate);
    FilterParams given;
    size_t reads = 0, changes = 0, steps = 0;
    double worst = 0;
    for (uint64_t end = kStep; end <= kFrames; end += kStep, ++steps) {
        if (automation.due(end)) {
            const double before = given.freq;
            ASSERT_TRUE(automation.at(end).get(given));
            ++reads;
            changes += given.freq != before;
        }
        worst = std::max(worst, std::fabs(std::log(given.freq / e.value_at(static_cast<double>(end) / kRate))));
    }
    std::printf("%zu reads and %zu changes in %zu steps; the cutoff within %.2f cents of its envelope\n", reads, changes,
                steps, worst / std::log(2.0) * 1200);
    EXPECT_LE(worst, std::log1p(SmoothedBiquad::kHoldFreq));
    EXPECT_LT(reads, steps / 2);
    EXPECT_EQ(given.freq, 1200.0);
    EXPECT_EQ(given.freq, e.value_at(1.0));
}

// A biquad that glides for one parameter takes its others along at their
// current values: a slow cutoff beside a fast Q is given exactly at every step.
TEST(EffectAutomation, AGlidingFilterTakesAllItsCurrentValues) {
    const EffectType& type = effects::lowpass();
    const Envelope cutoff({{0, 1000}, {1.0, 1010}}, false), q({{0, 0.7}, {0.5, 7.0, EnvelopeCurve::exponential}}, false);
    EffectAutomation automation(type, default_config(type), {{{0}, cutoff}, {{1}, q}}, kRate);
    for (uint64_t end = kStep; end <= kRate / 2; end += kStep) {
        ASSERT_TRUE(automation.due(end)) << end;
        FilterParams p;
        ASSERT_TRUE(automation.at(end).get(p));
        const double t = static_cast<double>(end) / kRate;
        EXPECT_NEAR(p.q, q.value_at(t), 1e-12);
        EXPECT_NEAR(p.freq, cutoff.value_at(t), 1e-9) << end;
    }
}

// A parameter without a hold (a reverb's room size) is read at every step, however slowly it moves.
TEST(EffectAutomation, AParameterWithoutAHoldIsReadAtEveryStep) {
    const EffectType& type = effects::reverb();
    EffectAutomation automation(type, default_config(type),
                                {{{0}, Envelope({{0, 0.5}, {0.75, 0.51}}, false)}}, kRate);
    for (uint64_t end = kStep; end <= kFrames; end += kStep) {
        ASSERT_TRUE(automation.due(end)) << end;
        automation.at(end);
    }
}

// The air absorption's cutoff, from a source's distance, moves as it
// pleases: SmoothedBiquad::follow() holds it the same way.
TEST(EffectAutomation, AFollowedCutoffHoldsWithinACentAndLandsExactly) {
    const Envelope e = slow_sweep();
    SmoothedBiquad b({.freq = e.value_at(0)});
    b.prepare(kRate);
    std::vector<float> audio(2 * kStep, 0.25f);
    size_t glides = 0, steps = 0;
    double worst = 0;
    for (size_t end = kStep; end <= kFrames; end += kStep, ++steps) {
        const double want = e.value_at(static_cast<double>(end) / kRate);
        const double before = b.current().freq;
        b.follow({.freq = want}, kStep);
        b.process(audio.data(), kStep);
        glides += b.current().freq != before;
        worst = std::max(worst, std::fabs(std::log(b.current().freq / want)));
    }
    std::printf("%zu glides in %zu steps; the filter within %.2f cents of its target\n", glides, steps,
                worst / std::log(2.0) * 1200);
    EXPECT_LE(worst, std::log1p(SmoothedBiquad::kHoldFreq) * 1.000001);
    EXPECT_LT(glides, steps / 2);
    EXPECT_EQ(b.current().freq, 1200.0);
}

// What that lag costs: the slow sweep against a filter designed anew on every
// sample differs by -70 dB, about what the fast sweep's glide does (-72 dB),
// and well under the -59 dB of an error as large as the hold allows (the
// response off by 0.01 dB everywhere).
TEST(EffectAutomation, ASlowSweepStaysCloseToPerSampleCoefficients) {
    const std::vector<float> x = noise();
    const double ours = residual_db(automated(x, 1024, slow_sweep()), per_sample_reference(x, slow_sweep()));
    std::printf("slow sweep: residual against per-sample coefficients %.1f dB\n", ours);
    EXPECT_LT(ours, -65.0);
}

// A compressor's threshold holds within 0.01 dB, as a filter's gain does
// (its curve then moves no more than that), and is read only when it may have
// moved past it. What comes out follows the envelope: a steady -6 dBFS signal
// (ratio 4, no knee, an instant attack and a 1 ms release) comes out at the
// static curve's level for the envelope's threshold on every frame once the
// detector has settled: within 0.05 dB under a threshold rising 30 dB in a
// second (read at every step; the release lags it by about 0.02 dB), within
// 0.01 dB under one rising 2 dB in a second (read every few steps).
struct CompressorRun {
    size_t reads = 0, steps = 0;
    double worst_db = 0;  // the output level against the static curve's
};
CompressorRun compress_under(const Envelope& threshold) {
    const EffectType& type = effects::compressor();
    EffectConfig config = default_config(type);
    config.set(type.params, "ratio", 4.0);
    config.set(type.params, "knee_db", 0.0);
    config.set(type.params, "attack_ms", 0.01);
    config.set(type.params, "release_ms", 1.0);
    const std::vector<ParamEnvelope> envelopes{{{EffectConfig::param_index(type.params, "threshold_db")}, threshold}};
    auto fx = type.make(config_at(config, envelopes, 0.0));
    fx->prepare({.sample_rate = kRate, .max_block = 1024});
    EffectAutomation automation(type, config, envelopes, kRate);
    const float in = 0.5f;
    const double in_db = 20 * std::log10(in);
    std::vector<float> block(2 * kStep);
    CompressorRun r;
    for (size_t pos = 0; pos < kFrames; pos += kStep, ++r.steps) {
        if (automation.due(pos + kStep)) {
            ++r.reads;
            fx->automate(automation.at(pos + kStep), kStep);
        }
        std::fill(block.begin(), block.end(), in);
        fx->process(block.data(), kStep, nullptr);
        for (size_t i = 0; i < kStep && pos + i >= kRate / 100; ++i) {
            const double over = std::max(0.0, in_db - threshold.value_at(static_cast<double>(pos + i + 1) / kRate));
            const double got = 20 * std::log10(static_cast<double>(block[2 * i]));
            r.worst_db = std::max(r.worst_db, std::fabs(got - (in_db - over * (1 - 1 / 4.0))));
        }
    }
    return r;
}

TEST(EffectAutomation, ACompressorsThresholdHoldsWithinAHundredthOfADecibelAndItsLevelFollows) {
    const CompressorRun fast = compress_under(Envelope({{0, -40}, {1.0, -10}}, false));
    const CompressorRun slow = compress_under(Envelope({{0, -30}, {1.0, -28}}, false));
    std::printf("fast: %zu reads in %zu steps, level within %.4f dB; slow: %zu reads, within %.4f dB\n", fast.reads,
                fast.steps, fast.worst_db, slow.reads, slow.worst_db);
    EXPECT_LT(fast.worst_db, 0.05);
    EXPECT_LT(slow.worst_db, 0.01);
    EXPECT_LT(slow.reads, slow.steps / 4);
}

// An automated effect's block in steps (Processor::process_steps), as the
// engine cuts it: the lowpass and the eq run each biquad through the whole
// block, in runs as long as its values hold; the same bits as taking each
// step's values and processing its frames in turn (Processor's own
// process_steps). The eq's bands sweep fast and slow, hold, and cross and
// stop at 0 dB (where a band is skipped); blocks fall off the step grid.
std::vector<float> in_steps(const EffectType& type, const EffectConfig& config,
                            const std::vector<ParamEnvelope>& envelopes, bool band_after_band) {
    std::vector<float> x = noise();
    auto fx = type.make(config_at(config, envelopes, 0.0));
    fx->prepare({.sample_rate = kRate, .max_block = 1024});
    EffectAutomation automation(type, config, envelopes, kRate);
    std::vector<EffectParams> params(1000 / kStep + 2);
    for (size_t pos = 0; pos < kFrames;) {
        const size_t block = std::min<size_t>(1000, kFrames - pos);
        std::vector<AutomationStep> steps;
        for (size_t done = 0; done < block;) {
            const size_t n = std::min<size_t>(block - done, kStep - (pos + done) % kStep);
            AutomationStep& step = steps.emplace_back(AutomationStep{static_cast<uint32_t>(done), static_cast<uint32_t>(n)});
            if (automation.due(pos + done + n)) {
                params[steps.size() - 1] = automation.at(pos + done + n);
                step.params = &params[steps.size() - 1];
            }
            done += n;
        }
        float* audio = x.data() + 2 * pos;
        if (band_after_band) fx->process_steps(audio, nullptr, 2, steps);
        else fx->Processor::process_steps(audio, nullptr, 2, steps);
        pos += block;
    }
    return x;
}

TEST(EffectAutomation, AFilterAndAnEqTakeABlockOfStepsToTheBit) {
    const EffectType& lowpass = effects::lowpass();
    const std::vector<ParamEnvelope> cutoff{{{0}, sweep()}};
    EXPECT_EQ(in_steps(lowpass, default_config(lowpass), cutoff, true),
              in_steps(lowpass, default_config(lowpass), cutoff, false));

    const EffectType& eq = effects::eq();
    EffectConfig config = default_config(eq);
    config.bands = {{.freq = 200, .q = 1, .gain_db = 4}, {.freq = 1000, .q = 2, .gain_db = -3},
                    {.freq = 3000, .q = 0.7, .gain_db = 0}, {.freq = 8000, .q = 1, .gain_db = 6}};
    using B = ParamSlot::Band;
    const std::vector<ParamEnvelope> bands{
        {{0, B::freq}, sweep()},
        {{1, B::gain_db}, Envelope({{0, -6}, {0.3, 0}, {0.6, 0, EnvelopeCurve::step}, {0.9, 5}}, false)},
        {{2, B::gain_db}, Envelope({{0, 0}, {0.5, 0}, {0.7, -4}}, false)},
        {{3, B::q}, Envelope({{0, 1}, {1, 1.05}}, false)},
    };
    const std::vector<float> ours = in_steps(eq, config, bands, true);
    EXPECT_EQ(ours, in_steps(eq, config, bands, false));
    EXPECT_NE(ours, noise());  // (it did filter)
}

TEST(EffectAutomation, ParamsAtAFrameHoldTheEnvelopesValues) {
    const EffectType& type = effects::lowpass();
    EffectConfig config = default_config(type);
    config.set(type.params, "q", 2.0);
    EffectAutomation automation(type, config, {{{0}, sweep()}}, kRate);
    FilterParams p;
    ASSERT_TRUE(automation.at(12000).get(p));
    EXPECT_DOUBLE_EQ(p.freq, sweep().value_at(0.25));
    EXPECT_EQ(p.q, 2.0);
}

}  // namespace
}  // namespace simvx
