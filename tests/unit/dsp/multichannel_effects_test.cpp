// Every bus effect on 1 to 8 channels (ProcessSpec::channels): per-channel
// effects give each channel exactly what the stereo effect gives that signal
// (ramps, glides and delay-time crossfades included); the compressor and
// limiter link all channels; the surround reverb gives every pair and lone
// channel a decorrelated tail of the stereo reverb's decay and level, and the
// LFE none.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "dsp/effects/effects.hpp"
#include "support/effect_configs.hpp"
#include "dsp/speaker_groups.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;
constexpr uint32_t kMaxBlock = 512;

using test::effect_config;

std::unique_ptr<Processor> make(const EffectType& t, const EffectConfig& c, uint32_t channels) {
    auto p = t.make(c);
    p->prepare({.sample_rate = kRate, .max_block = kMaxBlock, .channels = channels});
    return p;
}

// A change while playing: at frame `at`, update() or automate() (over `frames`) with `params`.
struct Change {
    size_t at = 0;
    EffectParams params;
    uint32_t automate_frames = 0;  // 0: update()
};

// Runs `x` (interleaved, `channels` per frame) through `p` in blocks of
// varying length (1..kMaxBlock, the same sequence for every run), applying
// the changes at their frames.
void run(Processor& p, std::vector<float>& x, uint32_t channels, const std::vector<Change>& changes = {},
         const float* key = nullptr) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<size_t> len(1, kMaxBlock);
    size_t next_change = 0;
    for (size_t at = 0, frames = x.size() / channels; at < frames;) {
        size_t n = std::min(len(rng), frames - at);
        if (next_change < changes.size()) {
            const Change& c = changes[next_change];
            if (c.at == at) {
                if (c.automate_frames) p.automate(c.params, c.automate_frames);
                else p.update(c.params);
                ++next_change;
            }
            if (next_change < changes.size()) n = std::min(n, changes[next_change].at - at);
        }
        p.process(x.data() + channels * at, n, key ? key + channels * at : nullptr);
        at += n;
    }
}

std::vector<float> noise(size_t frames, uint32_t seed, float amplitude = 0.5f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-amplitude, amplitude);
    std::vector<float> x(frames);
    for (float& v : x) v = u(rng);
    return x;
}

std::vector<float> sine(double freq, size_t frames, double amplitude) {
    std::vector<float> x(frames);
    for (size_t i = 0; i < frames; ++i) x[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * freq * double(i) / kRate));
    return x;
}

std::vector<float> interleave(const std::vector<std::vector<float>>& channels) {
    const size_t n = channels.size(), frames = channels[0].size();
    std::vector<float> x(n * frames);
    for (size_t i = 0; i < frames; ++i)
        for (size_t c = 0; c < n; ++c) x[n * i + c] = channels[c][i];
    return x;
}

std::vector<float> channel(const std::vector<float>& x, uint32_t channels, uint32_t c, size_t from = 0) {
    std::vector<float> out;
    for (size_t i = from; i < x.size() / channels; ++i) out.push_back(x[channels * i + c]);
    return out;
}

// Bit equality, reporting the first difference.
::testing::AssertionResult same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return ::testing::AssertionFailure() << "sizes " << a.size() << " and " << b.size();
    for (size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0)
            return ::testing::AssertionFailure() << "sample " << i << ": " << a[i] << " vs " << b[i];
    return ::testing::AssertionSuccess();
}

double energy(const std::vector<float>& x) {
    double e = 0;
    for (float v : x) e += double(v) * v;
    return e;
}
double rms_db(const std::vector<float>& x) { return 10 * std::log10(energy(x) / double(x.size())); }

// --- per-channel effects ------------------------------------------------------

struct PerChannelCase {
    const char* name;
    const EffectType& (*type)();
    EffectConfig config;
    std::vector<Change> changes;
};

std::vector<PerChannelCase> per_channel_cases() {
    std::vector<PerChannelCase> cases;
    {
        const EffectType& t = effects::gain();
        cases.push_back({"gain", effects::gain, effect_config(t, {{"volume_db", -6}}),
                         {{.at = 3000, .params = t.to_params(effect_config(t, {{"volume_db", 3}}))},
                          {.at = 9000, .params = t.to_params(effect_config(t, {{"volume_db", -20}})), .automate_frames = 32}}});
    }
    for (auto type : {effects::lowpass, effects::highpass, effects::bandpass, effects::notch}) {
        const EffectType& t = type();
        cases.push_back({t.name.data(), type, effect_config(t, {{"cutoff_hz", 800}, {"q", 2}}),
                         {{.at = 2500, .params = t.to_params(effect_config(t, {{"cutoff_hz", 5000}, {"q", 0.7}}))},
                          {.at = 8000, .params = t.to_params(effect_config(t, {{"cutoff_hz", 300}})), .automate_frames = 32},
                          {.at = 8032, .params = t.to_params(effect_config(t, {{"cutoff_hz", 250}})), .automate_frames = 32}}});
    }
    {
        const EffectType& t = effects::eq();
        EffectConfig c = default_config(t), c2 = default_config(t);
        c.bands = {{.type = EqBand::Type::lowshelf, .freq = 120, .q = 0.7, .gain_db = 6},
                   {.type = EqBand::Type::peaking, .freq = 2500, .q = 1.5, .gain_db = -8}};
        c2.bands = {{.type = EqBand::Type::highshelf, .freq = 8000, .q = 0.7, .gain_db = 4},
                    {.type = EqBand::Type::peaking, .freq = 1000, .q = 3, .gain_db = 9}};
        cases.push_back({"eq", effects::eq, c, {{.at = 4000, .params = t.to_params(c2)}}});
    }
    {
        const EffectType& t = effects::softclip();
        cases.push_back({"softclip", effects::softclip, effect_config(t, {{"drive", 3}}),
                         {{.at = 5000, .params = t.to_params(effect_config(t, {{"drive", 6}, {"output_gain", 0.8}}))}}});
    }
    {
        const EffectType& t = effects::delay();
        cases.push_back({"delay", effects::delay,
                         effect_config(t, {{"time_seconds", 0.01}, {"feedback", 0.6}, {"wet", 0.7}, {"dry", 0.8}}),
                         {{.at = 6000, .params = t.to_params(effect_config(t, {{"time_seconds", 0.017}, {"feedback", 0.3}}))}}});
    }
    return cases;
}

// Channel k of an N-channel run equals, to the bit, the stereo effect's output
// for that signal: the stereo reference runs the bus's channels two at a time
// (the last one of an odd count beside itself).
TEST(MultichannelEffects, PerChannelEffectsMatchStereoBitForBit) {
    constexpr size_t kFrames = 16000;
    for (const PerChannelCase& fx : per_channel_cases()) {
        for (uint32_t n : {1u, 3u, 4u, 5u, 6u, 7u, 8u}) {
            SCOPED_TRACE(std::string(fx.name) + " on " + std::to_string(n) + " channels");
            std::vector<std::vector<float>> signals;
            for (uint32_t c = 0; c < n; ++c) signals.push_back(noise(kFrames, 100 + c, 0.3f + 0.1f * float(c)));
            std::vector<float> bus = interleave(signals);
            auto multi = make(fx.type(), fx.config, n);
            run(*multi, bus, n, fx.changes);
            for (uint32_t c = 0; c < n; c += 2) {
                const uint32_t right = std::min(c + 1, n - 1);
                std::vector<float> pair = interleave({signals[c], signals[right]});
                auto stereo = make(fx.type(), fx.config, 2);
                run(*stereo, pair, 2, fx.changes);
                EXPECT_TRUE(same_bits(channel(bus, n, c), channel(pair, 2, 0))) << "channel " << c;
                EXPECT_TRUE(same_bits(channel(bus, n, right), channel(pair, 2, 1))) << "channel " << right;
            }
        }
    }
}

// The effects refuse a channel count they cannot run, in prepare() (off the audio thread).
TEST(MultichannelEffects, ChannelCountsOutsideOneToEightAreRefused) {
    for (const EffectType& t : effect_types()) {
        auto p = t.make(default_config(t));
        EXPECT_THROW(p->prepare({.sample_rate = kRate, .max_block = kMaxBlock, .channels = 0}), std::invalid_argument) << t.name;
        EXPECT_THROW(p->prepare({.sample_rate = kRate, .max_block = kMaxBlock, .channels = 9}), std::invalid_argument) << t.name;
        EXPECT_NO_THROW(p->prepare({.sample_rate = kRate, .max_block = kMaxBlock, .channels = 8})) << t.name;
    }
}

TEST(MultichannelEffects, SpeakerGroupsFollowTheWavOrder) {
    const SpeakerGroups mono = speaker_groups(1);
    EXPECT_EQ(mono.pair_count, 0u);
    ASSERT_EQ(mono.lone_count, 1u);
    EXPECT_EQ(mono.lone[0], 0u);
    EXPECT_EQ(mono.lfe, SpeakerGroups::kNone);

    const SpeakerGroups s51 = speaker_groups(6);  // FL FR FC LFE BL BR
    ASSERT_EQ(s51.pair_count, 2u);
    EXPECT_EQ(s51.pairs[0], (std::array<uint32_t, 2>{0, 1}));
    EXPECT_EQ(s51.pairs[1], (std::array<uint32_t, 2>{4, 5}));
    ASSERT_EQ(s51.lone_count, 1u);
    EXPECT_EQ(s51.lone[0], 2u);
    EXPECT_EQ(s51.lfe, 3u);

    const SpeakerGroups s61 = speaker_groups(7);  // FL FR FC LFE BC SL SR
    ASSERT_EQ(s61.pair_count, 2u);
    EXPECT_EQ(s61.pairs[1], (std::array<uint32_t, 2>{5, 6}));
    ASSERT_EQ(s61.lone_count, 2u);
    EXPECT_EQ(s61.lone[1], 4u);

    const SpeakerGroups s71 = speaker_groups(8);  // FL FR FC LFE BL BR SL SR
    ASSERT_EQ(s71.pair_count, 3u);
    EXPECT_EQ(s71.pairs[2], (std::array<uint32_t, 2>{6, 7}));
    EXPECT_EQ(s71.lfe, 3u);

    const SpeakerGroups s50 = speaker_groups(5);  // FL FR FC BL BR: no LFE
    EXPECT_EQ(s50.pair_count, 2u);
    EXPECT_EQ(s50.lfe, SpeakerGroups::kNone);
}

// --- dynamics: linked ---------------------------------------------------------

struct DynamicsCase {
    const EffectType& (*type)();
    EffectConfig config;
    size_t latency;  // frames (the limiter's look-ahead)
};

std::vector<DynamicsCase> dynamics_cases() {
    return {{effects::compressor, effect_config(effects::compressor(), {{"threshold_db", -24}, {"ratio", 4}, {"attack_ms", 2}}), 0},
            {effects::limiter, effect_config(effects::limiter(), {{"ceiling_db", -12}, {"lookahead_ms", 5}}), 240}};
}

// A loud tone on FC of a 5.1 bus, quiet tones elsewhere: every channel is
// turned down by the same gain, frame by frame (out/in equal to float
// rounding), and by the same dB overall, the loud channel's reduction.
TEST(MultichannelEffects, DynamicsApplyOneGainToEveryChannel) {
    constexpr uint32_t kChannels = 6;
    constexpr size_t kFrames = kRate;
    for (const DynamicsCase& fx : dynamics_cases()) {
        SCOPED_TRACE(std::string(fx.type().name));
        std::vector<std::vector<float>> signals;
        for (uint32_t c = 0; c < kChannels; ++c)
            signals.push_back(c == 2 ? sine(1000, kFrames, 1.0) : sine(200.0 + 150.0 * c, kFrames, 0.03));
        const std::vector<float> in = interleave(signals);
        std::vector<float> out = in;
        auto p = make(fx.type(), fx.config, kChannels);
        run(*p, out, kChannels);

        double worst_ratio_spread = 0;
        for (size_t i = fx.latency + 1000; i < kFrames; ++i) {
            const float* x = &in[kChannels * (i - fx.latency)];
            const float* y = &out[kChannels * i];
            if (std::fabs(x[2]) < 1e-2f) continue;
            const double loud = double(y[2]) / x[2];
            for (uint32_t c = 0; c < kChannels; ++c)
                if (std::fabs(x[c]) > 1e-3f)
                    worst_ratio_spread = std::max(worst_ratio_spread, std::fabs(double(y[c]) / x[c] / loud - 1));
        }
        std::printf("  %s: per-frame out/in across channels differs by at most %.2e (relative)\n", fx.type().name.data(),
                    worst_ratio_spread);
        EXPECT_LT(worst_ratio_spread, 3e-7);  // float rounding of out = in × gain: 2^-24 each

        const size_t from = kFrames / 2;  // steady state
        const double loud_db = rms_db(channel(out, kChannels, 2, from)) - rms_db(channel(in, kChannels, 2, from));
        std::printf("  %s: loud FC reduced %.3f dB;", fx.type().name.data(), -loud_db);
        for (uint32_t c = 0; c < kChannels; ++c) {
            if (c == 2) continue;
            const double db = rms_db(channel(out, kChannels, c, from)) - rms_db(channel(in, kChannels, c, from));
            std::printf(" ch%u %.3f", c, -db);
            EXPECT_NEAR(db, loud_db, 0.02) << "channel " << c;
        }
        std::printf(" dB\n");
        EXPECT_LT(loud_db, -8.0);  // the quiet channels alone would not be touched at all
    }
}

// A signal on the front pair alone (the rest silent) is compressed or limited
// exactly as on a stereo bus, sidechain key included; a mono bus as a stereo
// one with a silent right channel.
TEST(MultichannelEffects, DynamicsOnTheFrontPairAloneMatchStereoBitForBit) {
    constexpr size_t kFrames = 30000;
    std::vector<float> left = noise(kFrames, 3, 0.9f), right = sine(440, kFrames, 0.7);
    for (size_t i = 0; i < kFrames; ++i) left[i] *= static_cast<float>(0.2 + 0.8 * (i / 5000 % 2));  // bursts
    const std::vector<float> silent(kFrames, 0.0f), key_l = sine(90, kFrames, 0.95), key_r = noise(kFrames, 9, 0.2f);
    for (const DynamicsCase& fx : dynamics_cases()) {
        for (bool keyed : {false, true}) {
            if (keyed && !fx.type().has_sidechain) continue;
            std::vector<float> stereo = interleave({left, right});
            const std::vector<float> stereo_key = interleave({key_l, key_r});
            auto p2 = make(fx.type(), fx.config, 2);
            run(*p2, stereo, 2, {}, keyed ? stereo_key.data() : nullptr);
            for (uint32_t n : {3u, 4u, 6u, 8u}) {
                SCOPED_TRACE(std::string(fx.type().name) + (keyed ? " keyed" : "") + " on " + std::to_string(n));
                std::vector<std::vector<float>> chans(n, silent), keys(n, silent);
                chans[0] = left, chans[1] = right, keys[0] = key_l, keys[1] = key_r;
                std::vector<float> bus = interleave(chans);
                const std::vector<float> key = interleave(keys);
                auto p = make(fx.type(), fx.config, n);
                run(*p, bus, n, {}, keyed ? key.data() : nullptr);
                EXPECT_TRUE(same_bits(channel(bus, n, 0), channel(stereo, 2, 0)));
                EXPECT_TRUE(same_bits(channel(bus, n, 1), channel(stereo, 2, 1)));
                for (uint32_t c = 2; c < n; ++c) EXPECT_EQ(energy(channel(bus, n, c)), 0.0);
            }
        }
        SCOPED_TRACE(std::string(fx.type().name) + " on a mono bus");
        std::vector<float> mono = left, stereo = interleave({left, silent});
        auto p1 = make(fx.type(), fx.config, 1);
        auto p2 = make(fx.type(), fx.config, 2);
        run(*p1, mono, 1);
        run(*p2, stereo, 2);
        EXPECT_TRUE(same_bits(mono, channel(stereo, 2, 0)));
    }
}

// --- reverb: a tank per speaker pair, the LFE dry ------------------------------

EffectConfig reverb_config(double dry = 0.0) {
    return effect_config(effects::reverb(), {{"room_size", 0.7}, {"damping", 0.4}, {"wet", 1.0}, {"dry", dry}});
}

// Reverberation time from the Schroeder energy decay curve: -5 to -35 dB, doubled.
double t60(const std::vector<float>& ir) {
    std::vector<double> edc(ir.size() + 1, 0.0);
    for (size_t i = ir.size(); i-- > 0;) edc[i] = edc[i + 1] + double(ir[i]) * ir[i];
    auto when = [&](double db) {
        for (size_t i = 0; i < ir.size(); ++i)
            if (10 * std::log10(edc[i] / edc[0]) <= db) return double(i) / kRate;
        return -1.0;
    };
    return 2 * (when(-35) - when(-5));
}

double correlation(const std::vector<float>& a, const std::vector<float>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size(); ++i) ab += double(a[i]) * b[i], aa += double(a[i]) * a[i], bb += double(b[i]) * b[i];
    return ab / std::sqrt(aa * bb);
}

std::vector<float> impulse_on_all(uint32_t channels, size_t frames) {
    std::vector<float> x(channels * frames, 0.0f);
    std::fill_n(x.begin(), channels, 1.0f);
    return x;
}

// An impulse on every channel of 1 to 8: each non-LFE channel rings with the
// stereo reverb's decay (T60 within 2 %) and level (within 0.5 dB), the LFE
// not at all, and FL's tail is decorrelated from every other tank's (BL, SL,
// FC, BC, the back of quad).
TEST(MultichannelEffects, SurroundReverbTailsDecayLikeStereoAndDecorrelate) {
    constexpr size_t kFrames = 3 * kRate;
    std::vector<float> ref = impulse_on_all(2, kFrames);
    auto stereo = make(effects::reverb(), reverb_config(), 2);
    run(*stereo, ref, 2);
    const std::vector<float> ref_l = channel(ref, 2, 0);
    const double ref_t60 = t60(ref_l), ref_db = 10 * std::log10(energy(ref_l));
    std::printf("  stereo: T60 %.3f s, tail energy %.2f dB\n", ref_t60, ref_db);
    ASSERT_GT(ref_t60, 1.0);

    for (uint32_t n : {1u, 3u, 4u, 5u, 6u, 7u, 8u}) {
        SCOPED_TRACE(std::to_string(n) + " channels");
        const SpeakerGroups groups = speaker_groups(n);
        std::vector<float> bus = impulse_on_all(n, kFrames);
        auto p = make(effects::reverb(), reverb_config(), n);
        run(*p, bus, n);
        EXPECT_GE(p->tail_frames(), stereo->tail_frames());
        std::printf("  %u ch:", n);
        for (uint32_t c = 0; c < n; ++c) {
            const std::vector<float> tail = channel(bus, n, c);
            if (c == groups.lfe) {
                EXPECT_EQ(energy(tail), 0.0) << "the LFE has no reverb";
                std::printf(" LFE silent;");
                continue;
            }
            const double rt = t60(tail), db = 10 * std::log10(energy(tail)) - ref_db;
            std::printf(" ch%u T60 %.3f %+.2f dB;", c, rt, db);
            EXPECT_NEAR(rt / ref_t60, 1.0, 0.02) << "channel " << c;
            EXPECT_NEAR(db, 0.0, 0.5) << "channel " << c;
        }
        std::printf("\n");
        // FL against the first channel of every other tank.
        if (n >= 2) {
            const std::vector<float> fl = channel(bus, n, 0);
            std::vector<uint32_t> others;
            for (uint32_t g = 1; g < groups.pair_count; ++g) others.push_back(groups.pairs[g][0]);
            for (uint32_t g = 0; g < groups.lone_count; ++g) others.push_back(groups.lone[g]);
            for (uint32_t c : others) {
                const double r = correlation(fl, channel(bus, n, c));
                std::printf("    corr(FL, ch%u) = %+.4f\n", c, r);
                EXPECT_LT(std::fabs(r), 0.5) << "channel " << c;
            }
        }
    }
}

// 5.1 with dry 0.7: the LFE is exactly dry × input; FL/FR are bit-identical to
// a stereo reverb fed FL/FR (the front tank is the stereo one); BL's tail,
// with the same impulse as FL, correlates with FL's far below 0.5.
TEST(MultichannelEffects, SurroundReverbKeepsTheLfeDryAndTheFrontPairStereo) {
    constexpr uint32_t kChannels = 6;
    constexpr size_t kFrames = kRate;
    std::vector<std::vector<float>> signals;
    for (uint32_t c = 0; c < kChannels; ++c) signals.push_back(noise(kFrames, 40 + c, 0.5f));
    const std::vector<float> in = interleave(signals);
    std::vector<float> bus = in;
    const EffectConfig c = reverb_config(0.7);
    auto p = make(effects::reverb(), c, kChannels);
    const std::vector<Change> changes = {
        {.at = 20000, .params = effects::reverb().to_params(effect_config(effects::reverb(), {{"wet", 0.4}, {"width", 0.5}}))}};
    run(*p, bus, kChannels, changes);

    const std::vector<float> lfe_in = channel(in, kChannels, 3), lfe_out = channel(bus, kChannels, 3);
    for (size_t i = 0; i < kFrames; ++i) ASSERT_EQ(lfe_out[i], lfe_in[i] * 0.7f) << "frame " << i;  // dry stays 0.7

    std::vector<float> pair = interleave({signals[0], signals[1]});
    auto stereo = make(effects::reverb(), c, 2);
    run(*stereo, pair, 2, changes);
    EXPECT_TRUE(same_bits(channel(bus, kChannels, 0), channel(pair, 2, 0)));
    EXPECT_TRUE(same_bits(channel(bus, kChannels, 1), channel(pair, 2, 1)));

    std::vector<float> impulse = impulse_on_all(kChannels, kFrames);
    auto fresh = make(effects::reverb(), reverb_config(), kChannels);
    run(*fresh, impulse, kChannels);
    const double r = correlation(channel(impulse, kChannels, 0), channel(impulse, kChannels, 4));
    std::printf("  5.1 impulse: corr(FL, BL) = %+.4f\n", r);
    EXPECT_LT(std::fabs(r), 0.5);
}

}  // namespace
}  // namespace simvx
