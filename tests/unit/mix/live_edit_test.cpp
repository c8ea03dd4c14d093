// Live edits (--watch) on a running engine: bus and voice gains ramp, effect
// parameters update on the render thread, voices fade out or join, and a new
// plan crossfades in while the old one's effects carry on.
#include <gtest/gtest.h>

#include <cmath>

#include "dsp/effect_params.hpp"
#include "dsp/effect_types.hpp"
#include "mix/engine.hpp"
#include "mix_fixtures.hpp"

namespace simvx {
namespace {

using fixtures::bus;
using fixtures::constant;
using fixtures::kRate;
using fixtures::voice_on;
const ProcessSpec kSpec{kRate, 1024};

// Left channel of the next `frames` frames.
std::vector<float> left(Engine& e, size_t frames) {
    std::vector<float> buf(2 * frames), l;
    const size_t n = e.render(buf);
    for (size_t i = 0; i < n; ++i) l.push_back(buf[2 * i]);
    return l;
}

float max_step(const std::vector<float>& x) {
    float m = 0;
    for (size_t i = 1; i < x.size(); ++i) m = std::max(m, std::fabs(x[i] - x[i - 1]));
    return m;
}

// Scales by its parameter.
struct ScalerParams {
    float factor = 1.0f;
};
class Scaler final : public Processor {
public:
    void prepare(const ProcessSpec&) override {}
    void reset() noexcept override {}
    void update(const EffectParams& params) noexcept override {
        if (ScalerParams p; params.get(p)) factor_ = p.factor;
    }
    void process(float* audio, size_t frames, const float*) noexcept override {
        for (size_t i = 0; i < 2 * frames; ++i) audio[i] *= factor_;
    }

private:
    float factor_ = 1.0f;
};

// An echo 100 frames later: state that a plan swap without a crossfade would cut off.
class Echo final : public Processor {
public:
    void prepare(const ProcessSpec&) override { line_.assign(200, 0.0f); }
    void reset() noexcept override {}
    void update(const EffectParams&) noexcept override {}
    void process(float* audio, size_t frames, const float*) noexcept override {
        for (size_t i = 0; i < 2 * frames; ++i) {
            const float d = line_[pos_];
            line_[pos_] = audio[i];
            audio[i] += 0.5f * d;
            pos_ = (pos_ + 1) % line_.size();
        }
    }
    uint64_t tail_frames() const noexcept override { return 100; }

private:
    std::vector<float> line_;
    size_t pos_ = 0;
};

std::vector<BusSetup> master_and_music(float music_gain = 1.0f) {
    std::vector<BusSetup> b;
    b.push_back(bus("Master", std::nullopt));
    b.push_back(bus("Music", 0, music_gain));
    return b;
}

TEST(LiveEdit, BusGainRampsToItsNewValueWithoutSteps) {
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(1, 0.5f, kRate));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(master_and_music(), kSpec));
    EXPECT_FLOAT_EQ(left(e, 1000).back(), 0.5f);
    ASSERT_TRUE(e.ramp_bus_gain(1, 0.25f, 480));
    const auto out = left(e, 1000);
    EXPECT_FLOAT_EQ(out[0], 0.5f * (1 - 0.75f / 480));  // the ramp starts at the next block
    EXPECT_FLOAT_EQ(out[479], 0.125f);            // and arrives after 480 frames
    EXPECT_FLOAT_EQ(out.back(), 0.125f);
    EXPECT_LE(max_step(out), 0.5f * 0.75f / 480 * 1.01f);
}

TEST(LiveEdit, EffectParametersUpdateOnTheRenderThread) {
    auto setups = master_and_music();
    setups[1].effects.push_back({std::make_unique<Scaler>(), true, std::nullopt});
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(1, 0.5f, kRate));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(std::move(setups), kSpec));
    EXPECT_FLOAT_EQ(left(e, 100).back(), 0.5f);
    ASSERT_TRUE(e.update_effect(1, 0, EffectParams::of(ScalerParams{0.5f})));
    EXPECT_FLOAT_EQ(left(e, 100).front(), 0.25f);
    // Parameters of another type are not taken for these.
    ASSERT_TRUE(e.update_effect(1, 0, EffectParams::of(0.125)));
    EXPECT_FLOAT_EQ(left(e, 100).front(), 0.25f);
}

TEST(LiveEdit, ReleasedVoicesFadeOutAndAddedVoicesJoin) {
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(0, 0.5f, kRate));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v));
    left(e, 1000);
    ASSERT_TRUE(e.release_voice(0, 960));
    auto out = left(e, 2000);
    EXPECT_FLOAT_EQ(out[959], 0.0f);
    EXPECT_EQ(out.back(), 0.0f);
    EXPECT_LE(max_step(out), 0.5f / 960 * 1.01f);
    // A voice added while playing: id after the constructor's, heard from its start frame.
    const auto id = e.add_voice(voice_on(0, 0.25f, 1000, 3500));
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, 1u);
    out = left(e, 1000);  // frames 3000..3999
    EXPECT_EQ(out[499], 0.0f);
    EXPECT_FLOAT_EQ(out[500], 0.25f);
    ASSERT_TRUE(e.ramp_voice_gain(*id, 0.5f, 1));
    EXPECT_FLOAT_EQ(left(e, 10)[0], 0.125f);
}

TEST(LiveEdit, APlanSwapCrossfadesAndKeepsTheOldEffectsRinging) {
    auto setups = master_and_music();
    setups[1].effects.push_back({std::make_unique<Echo>(), true, std::nullopt});
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(1, 0.5f, 48000));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(std::move(setups), kSpec));
    EXPECT_FLOAT_EQ(left(e, 1000).back(), 0.75f);  // dry + echo
    e.replace_plan(compile_plan(master_and_music(0.5f), kSpec), 480);  // no echo, half volume
    const auto out = left(e, 1000);
    EXPECT_NEAR(out[0], 0.75f, 0.001f);
    EXPECT_NEAR(out[240], 0.75f * 0.5f + 0.25f * 0.5f, 0.002f);  // halfway between the two plans
    EXPECT_FLOAT_EQ(out[600], 0.25f);
    EXPECT_LE(max_step(out), 0.5f / 480 + 1e-5f);
    e.collect_retired();
}

// Voices added while playing give their slots back once stopped: thousands of
// adds and removals (a long --watch session) and the last ones still play.
TEST(LiveEdit, AddedVoicesThatStopGiveTheirSlotsBack) {
    Engine e(EngineConfig{.output = {kRate, 2}, .duration_frames = 100'000'000}, {});
    size_t most = 0;
    for (int i = 0; i < 3000; ++i) {
        // Long enough to still play when released (a small buffer: 3,000 of them are made).
        const auto id = e.add_voice(voice_on(0, 0.25f, 4096, e.position()));
        ASSERT_TRUE(id) << "add " << i;
        auto out = left(e, 128);
        ASSERT_EQ(out.size(), 128u);
        ASSERT_EQ(out.front(), 0.25f) << "add " << i;  // heard at its level from its first frame
        ASSERT_EQ(out.back(), 0.25f) << "add " << i;
        if (i % 2) {
            ASSERT_TRUE(e.release_voice(*id, 32));  // removed: fades out, then stops
        } else {
            // Or restarted: released while its replacement joins.
            ASSERT_TRUE(e.release_voice(*id, 32));
            ASSERT_TRUE(e.add_voice(voice_on(0, 0.5f, 64, e.position())));  // ends by itself
            EXPECT_EQ(left(e, 64)[40], 0.5f);
        }
        out = left(e, 128);
        ASSERT_EQ(out.back(), 0.0f) << "add " << i;
        most = std::max(most, e.added_voices());
    }
    EXPECT_LE(most, 4u);  // never more than a few waiting to be freed
    left(e, 1);  // the last one notices it has faded out
    left(e, 1);  // and is handed back
    e.collect_retired();
    EXPECT_EQ(e.added_voices(), 0u);
}

// A full queue takes nothing and loses nothing (commands own no memory); after
// the next block there is room again.
TEST(LiveEdit, AFullQueueRefusesAndTheNextBlockMakesRoom) {
    auto setups = master_and_music();
    setups[1].effects.push_back({std::make_unique<Scaler>(), true, std::nullopt});
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(1, 0.5f, kRate));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(std::move(setups), kSpec));
    size_t taken = 0;
    while (e.update_effect(1, 0, EffectParams::of(ScalerParams{0.5f}))) ++taken;
    EXPECT_EQ(taken, e.effect_update_capacity());
    EXPECT_EQ(e.effect_update_room(), 0u);
    taken = 0;
    while (e.ramp_bus_gain(1, 0.5f, 1)) ++taken;
    EXPECT_EQ(taken, e.command_capacity());
    EXPECT_FALSE(e.ramp_bus_gain(1, 0.5f, 1));
    EXPECT_FLOAT_EQ(left(e, 10)[5], 0.125f);  // all applied: scaled by 0.5, bus at 0.5
    EXPECT_EQ(e.command_room(), e.command_capacity());
    EXPECT_EQ(e.effect_update_room(), e.effect_update_capacity());
    EXPECT_TRUE(e.update_effect(1, 0, EffectParams::of(ScalerParams{1.0f})));
    EXPECT_FLOAT_EQ(left(e, 10)[5], 0.25f);
}

// The crossfade length travels inside the plan: two replacements before the
// render thread takes either leave the second plan with its own length.
TEST(LiveEdit, APlanKeepsItsOwnCrossfadeLength) {
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(1, 0.5f, 48000));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(master_and_music(), kSpec));
    EXPECT_FLOAT_EQ(left(e, 100).back(), 0.5f);
    e.replace_plan(compile_plan(master_and_music(0.25f), kSpec), 480);
    e.replace_plan(compile_plan(master_and_music(0.5f * 0.5f * 0.5f), kSpec), 0);  // wins, at once
    EXPECT_FLOAT_EQ(left(e, 100)[0], 0.0625f);
    e.replace_plan(compile_plan(master_and_music(0.75f), kSpec), 0);
    e.replace_plan(compile_plan(master_and_music(1.0f), kSpec), 480);  // wins, crossfaded
    const auto out = left(e, 1000);
    EXPECT_FLOAT_EQ(out[0], 0.0625f);
    EXPECT_NEAR(out[240], 0.5f * 0.125f * 0.5f + 0.5f * 0.5f, 1e-3f);
    EXPECT_FLOAT_EQ(out[600], 0.5f);
    e.collect_retired();
}

// The first frame at or after `from` that is not silent.
size_t onset(const std::vector<float>& x, size_t from) {
    while (from < x.size() && x[from] == 0.0f) ++from;
    return from;
}

std::unique_ptr<RenderPlan> limited(double lookahead_ms) {
    const EffectType& type = *find_effect_type("limiter");
    EffectConfig c = default_config(type);
    c.set(type.params, "lookahead_ms", lookahead_ms);
    std::vector<BusSetup> b;
    b.push_back(bus("Master", std::nullopt));
    b[0].effects.push_back({type.make(c), true, std::nullopt});
    return compile_plan(std::move(b), kSpec);
}

// The limiter's look-ahead is its latency. update() leaves it alone (it could
// not change without a jump), so --watch builds a new plan for that edit; the
// new plan's delay is the new look-ahead.
TEST(LiveEdit, ALimiterLookaheadChangesTheDelayOnlyThroughANewPlan) {
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(0, 0.1f, 1000, 1000));  // below the ceiling: delayed, untouched
    v.push_back(voice_on(0, 0.1f, 1000, 6000));
    v.push_back(voice_on(0, 0.1f, 1000, 12000));
    Engine e(EngineConfig{.output = {kRate, 2}, .duration_frames = 16000}, std::move(v), limited(5));
    const auto first = left(e, 4000);
    EXPECT_EQ(onset(first, 0), 1000u + 240u);  // 5 ms at 48 kHz
    EXPECT_FLOAT_EQ(first[1500], 0.1f);

    EffectConfig c = default_config(*find_effect_type("limiter"));
    c.set(find_effect_type("limiter")->params, "lookahead_ms", 10);
    ASSERT_TRUE(e.update_effect(0, 0, effect_params(c)));
    auto out = left(e, 4000);  // frames 4000..7999
    EXPECT_EQ(4000 + onset(out, 0), 6000u + 240u);  // unchanged

    e.replace_plan(limited(10), 480);
    out = left(e, 8000);  // frames 8000..15999: the old plan's tail has faded by 8480
    EXPECT_EQ(8000 + onset(out, 1000), 12000u + 480u);  // 10 ms
    EXPECT_FLOAT_EQ(out[12480 - 8000 + 500], 0.1f);
    e.collect_retired();
}

}  // namespace
}  // namespace simvx
