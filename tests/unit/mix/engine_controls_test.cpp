// Live controls of the engine: pause (a fade, then time stands still) and the
// listener's volume (ramped).
#include <gtest/gtest.h>

#include <cmath>

#include "mix/engine.hpp"
#include "mix_fixtures.hpp"
#include "support/audio.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;

// A ramp 0, 1e-6, 2e-6, ... so every output sample says which frame it is.
Engine ramp_engine(size_t frames) {
    auto b = std::make_shared<SampleBuffer>();
    b->rate = kRate;
    b->channels = 1;
    for (size_t i = 0; i < frames; ++i) b->samples.push_back(static_cast<float>(i) * 1e-6f);
    std::vector<VoiceSetup> vs(1);
    vs[0].end_frame = frames;
    vs[0].source = std::make_unique<BufferSource>(b, 0, false, 0, 0);
    return Engine(EngineConfig{.output = {kRate, 1}}, std::move(vs));
}

std::vector<float> pull(Engine& e, size_t frames) {
    std::vector<float> out(frames);
    out.resize(e.render(out));
    return out;
}

TEST(EngineControls, PauseFadesOutHoldsTimeAndResumesWithAFadeIn) {
    Engine e = ramp_engine(48000);
    pull(e, 1000);
    e.set_paused(true);
    const auto fading = pull(e, 2000);
    const size_t fade = static_cast<size_t>(0.015 * kRate);
    // Over the fade the gain falls linearly to zero; after it, silence.
    for (size_t i = 0; i < fade; ++i) {
        const double expect = (1000.0 + i) * 1e-6 * (1.0 - static_cast<double>(i + 1) / fade);
        ASSERT_NEAR(fading[i], expect, 1e-7) << i;
    }
    for (size_t i = fade; i < fading.size(); ++i) ASSERT_EQ(fading[i], 0.0f) << i;
    EXPECT_TRUE(e.faded_out());
    const uint64_t held = e.position();
    EXPECT_EQ(held, 1000u + fade);
    EXPECT_EQ(pull(e, 5000).size(), 5000u);  // silence, still delivered in full
    EXPECT_EQ(e.position(), held);           // scene time stood still

    e.set_paused(false);
    const auto back = pull(e, 2000);
    EXPECT_FALSE(e.faded_out());
    // It resumes at the frame where it stopped, fading in.
    for (size_t i = 0; i < fade; ++i) {
        const double expect = (held + i) * 1e-6 * (static_cast<double>(i + 1) / fade);
        ASSERT_NEAR(back[i], expect, 1e-7) << i;
    }
    EXPECT_FLOAT_EQ(back[fade + 10], static_cast<float>(held + fade + 10) * 1e-6f);
}

TEST(EngineControls, AnEngineStartedPausedIsSilentUntilResumed) {
    Engine e = ramp_engine(48000);
    e.start_paused();
    for (float x : pull(e, 4000)) ASSERT_EQ(x, 0.0f);
    EXPECT_EQ(e.position(), 0u);
    e.set_paused(false);
    const auto out = pull(e, 1000);
    EXPECT_EQ(out[0], 0.0f);  // frame 0 of the ramp is 0 anyway; then the fade-in starts from silence
    EXPECT_GT(out[900], 0.0f);
}

TEST(EngineControls, ListenerGainRampsWithoutAStep) {
    std::vector<VoiceSetup> vs;
    vs.push_back(fixtures::voice_on(0, 0.5f, 48000));
    Engine e(EngineConfig{.output = {kRate, 1}}, std::move(vs));
    pull(e, 100);
    e.set_listener_gain(0.25f);
    const auto out = pull(e, 4000);
    const size_t ramp = static_cast<size_t>(0.02 * kRate);
    EXPECT_LT(test::max_step(out), 0.5 * 0.75 / ramp * 1.05);  // linear over 20 ms
    EXPECT_FLOAT_EQ(out[ramp + 10], 0.125f);
}

}  // namespace
}  // namespace simvx
