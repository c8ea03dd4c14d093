// The engine on synthetic buffers: identity, timing, loops, fades, pan, the
// length rule and the stop fade, measured sample by sample.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>

#include "dsp/effect_types.hpp"
#include "mix/engine.hpp"
#include "support/audio.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;

SharedBuffer make_buffer(std::vector<float> samples, uint32_t channels) {
    auto b = std::make_shared<SampleBuffer>();
    b->rate = kRate;
    b->channels = channels;
    b->samples.assign(samples.begin(), samples.end());
    return b;
}

VoiceSetup voice(SharedBuffer b, uint64_t start = 0, bool loop = false, uint64_t from = 0) {
    VoiceSetup v;
    v.name = "v";
    if (!loop) v.end_frame = start + b->frames() - from;
    v.start_frame = start;
    v.source = std::make_unique<BufferSource>(b, from, loop, 0, 0);
    return v;
}

// Renders everything in blocks of `block` frames.
std::vector<float> render_all(Engine& e, size_t block = 333) {
    std::vector<float> out, buf(block * e.spec().channels);
    while (size_t n = e.render(buf)) out.insert(out.end(), buf.begin(), buf.begin() + n * e.spec().channels);
    return out;
}

EngineConfig stereo() { return EngineConfig{.output = {kRate, 2}}; }

std::vector<float> noise(size_t n, uint32_t seed = 1) {
    std::vector<float> v(n);
    for (auto& x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = static_cast<float>(static_cast<int32_t>(seed)) / 2147483648.0f;
    }
    return v;
}

// A sound in memory lends its frames where they lie (the voice mixes from
// there) until a block would cross the loop's end; pull() takes the wrap.
TEST(BufferSource, LendsInPlaceUpToTheLoopEndAndPullsAcrossIt) {
    auto b = make_buffer(noise(2 * 1000), 2);
    BufferSource s(b, 100, true, 200, 900);
    const float* p = s.lend(500);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p, b->samples.data() + 2 * 100);
    EXPECT_EQ(s.lend(301), nullptr) << "600 + 301 crosses the loop end at 900";
    std::vector<float> buf(2 * 301);
    ASSERT_EQ(s.pull(buf.data(), 301), 301u);
    EXPECT_EQ(buf[2 * 299], b->samples[2 * 899]);
    EXPECT_EQ(buf[2 * 300], b->samples[2 * 200]) << "after frame 899 comes 200";
    EXPECT_EQ(s.lend(10), b->samples.data() + 2 * 201);
}

TEST(Engine, IdentityIsBitExact) {
    auto b = make_buffer(noise(2 * 10007), 2);
    std::vector<VoiceSetup> vs;
    vs.push_back(voice(b));
    Engine e(stereo(), std::move(vs));
    ASSERT_EQ(e.length(), 10007u);
    const auto out = render_all(e);
    ASSERT_EQ(out.size(), b->samples.size());
    EXPECT_EQ(0, std::memcmp(out.data(), b->samples.data(), out.size() * sizeof(float)));
    EXPECT_TRUE(e.finished());
}

TEST(Engine, MonoSourceOnBothChannelsAndMonoOutputAverages) {
    auto b = make_buffer(noise(5000), 1);
    std::vector<VoiceSetup> vs;
    vs.push_back(voice(b));
    Engine e(stereo(), std::move(vs));
    auto out = render_all(e);
    for (size_t i = 0; i < 5000; ++i) {
        ASSERT_EQ(out[2 * i], b->samples[i]);
        ASSERT_EQ(out[2 * i + 1], b->samples[i]);
    }
    std::vector<VoiceSetup> vs2;
    vs2.push_back(voice(b));
    Engine mono(EngineConfig{.output = {kRate, 1}}, std::move(vs2));
    out = render_all(mono);
    ASSERT_EQ(out.size(), 5000u);
    EXPECT_EQ(0, std::memcmp(out.data(), b->samples.data(), out.size() * sizeof(float)));
}

TEST(Engine, StartTimeIsSampleExact) {
    std::vector<float> one(100, 0.0f);
    one[0] = 1.0f;
    auto b = make_buffer(one, 1);
    std::vector<VoiceSetup> vs;
    vs.push_back(voice(b, 12345));
    Engine e(stereo(), std::move(vs));
    EXPECT_EQ(e.length(), 12445u);
    const auto out = render_all(e, 1000);
    ASSERT_EQ(out.size(), 2 * 12445u);
    for (size_t i = 0; i < 12445; ++i) ASSERT_EQ(out[2 * i], i == 12345 ? 1.0f : 0.0f) << i;
}

TEST(Engine, PlaylistJoinsWithoutAGap) {
    // One sine cut in two: rendered back to back it must be the original sine.
    const auto s = test::sine(440, kRate, 9000, 0.5);
    auto a = make_buffer(std::vector<float>(s.begin(), s.begin() + 4321), 1);
    auto b = make_buffer(std::vector<float>(s.begin() + 4321, s.end()), 1);
    std::vector<VoiceSetup> vs;
    vs.push_back(voice(a));
    vs.push_back(voice(b, 4321));
    Engine e(EngineConfig{.output = {kRate, 1}}, std::move(vs));
    const auto out = render_all(e, 512);
    ASSERT_EQ(out.size(), s.size());
    for (size_t i = 0; i < s.size(); ++i) ASSERT_EQ(out[i], s[i]);
}

TEST(Engine, LoopSeamHasNoDiscontinuity) {
    // Exactly 10 periods of 480 Hz at 48 kHz: the loop is seamless only if
    // the wrap is sample exact.
    auto b = make_buffer(test::sine(480, kRate, 1000, 0.8), 1);
    std::vector<VoiceSetup> vs;
    vs.push_back(voice(b, 0, true));
    EngineConfig c = stereo();
    c.duration_frames = kRate;  // 1 s = 48 passes through the loop
    Engine e(c, std::move(vs));
    const auto out = render_all(e, 317);
    ASSERT_EQ(out.size(), 2u * kRate);
    std::vector<float> left(kRate);
    for (size_t i = 0; i < kRate; ++i) left[i] = out[2 * i];
    const auto ref = test::sine(480, kRate, kRate, 0.8);
    double worst = 0;
    for (size_t i = 0; i < kRate; ++i) worst = std::max(worst, std::fabs(double(left[i]) - ref[i]));
    EXPECT_LT(worst, 1e-5);
    // The largest step equals that of the sine itself (2π·480/48000·0.8).
    EXPECT_LT(test::max_step(left), 0.8 * 2 * std::numbers::pi * 480 / kRate * 1.001);
}

TEST(Engine, FadesHaveTheRequestedLengthAndLinearShape) {
    auto b = make_buffer(std::vector<float>(10000, 0.5f), 1);
    VoiceSetup v = voice(b);
    v.fade_in_frames = 1000;
    v.fade_out_frames = 2000;
    std::vector<VoiceSetup> vs;
    vs.push_back(std::move(v));
    Engine e(EngineConfig{.output = {kRate, 1}}, std::move(vs));
    const auto out = render_all(e, 256);
    ASSERT_EQ(out.size(), 10000u);
    for (size_t i = 0; i < 1000; ++i) ASSERT_NEAR(out[i], 0.5 * i / 1000.0, 1e-6) << i;
    for (size_t i = 1000; i < 8000; ++i) ASSERT_EQ(out[i], 0.5f) << i;
    for (size_t i = 8000; i < 10000; ++i) ASSERT_NEAR(out[i], 0.5 * (9999 - i) / 2000.0, 1e-6) << i;
    EXPECT_EQ(out[9999], 0.0f);
}

TEST(Engine, GainAndPanLaws) {
    auto b = make_buffer(std::vector<float>(100, 1.0f), 1);
    VoiceSetup v = voice(b);
    v.gain = 0.5f;
    v.pan = pan_gains(PanLaw::balance, 0.5);  // left 0.5, right 1
    std::vector<VoiceSetup> vs;
    vs.push_back(std::move(v));
    Engine e(stereo(), std::move(vs));
    const auto out = render_all(e);
    EXPECT_FLOAT_EQ(out[0], 0.25f);
    EXPECT_FLOAT_EQ(out[1], 0.5f);
    const StereoGain cp = pan_gains(PanLaw::constant_power, 0.0);
    EXPECT_NEAR(cp.left, std::sqrt(0.5), 1e-7);
    EXPECT_NEAR(cp.right, std::sqrt(0.5), 1e-7);
    const StereoGain hard = pan_gains(PanLaw::constant_power, 1.0);
    EXPECT_NEAR(hard.left, 0.0, 1e-7);
    EXPECT_NEAR(hard.right, 1.0, 1e-7);
}

TEST(Engine, LengthRule) {
    auto b = make_buffer(std::vector<float>(1000, 0.1f), 1);
    {  // the last sound's end
        std::vector<VoiceSetup> vs;
        vs.push_back(voice(b, 0));
        vs.push_back(voice(b, 5000));
        EXPECT_EQ(Engine(stereo(), std::move(vs)).length(), 6000u);
    }
    {  // a loop never ends
        std::vector<VoiceSetup> vs;
        vs.push_back(voice(b, 0));
        vs.push_back(voice(b, 0, true));
        EXPECT_FALSE(Engine(stereo(), std::move(vs)).length());
    }
    {  // a duration wins, shorter or longer
        std::vector<VoiceSetup> vs;
        vs.push_back(voice(b, 0));
        EngineConfig c = stereo();
        c.duration_frames = 777;
        Engine e(c, std::move(vs));
        EXPECT_EQ(render_all(e).size(), 2 * 777u);
    }
}

TEST(Engine, StopFadesOutWithinTwentyMilliseconds) {
    auto b = make_buffer(std::vector<float>(kRate * 4, 0.5f), 1);
    std::vector<VoiceSetup> vs;
    vs.push_back(voice(b));
    Engine e(EngineConfig{.output = {kRate, 1}}, std::move(vs));
    std::vector<float> buf(4800);
    ASSERT_EQ(e.render(buf), 4800u);
    e.request_stop();
    std::vector<float> tail;
    while (size_t n = e.render(buf)) tail.insert(tail.end(), buf.begin(), buf.begin() + n);
    EXPECT_TRUE(e.finished());
    EXPECT_LE(tail.size(), kRate * 20 / 1000u);
    EXPECT_GT(tail.size(), kRate * 5 / 1000u);
    EXPECT_LT(std::fabs(tail.back()), 1e-3);
    // Monotonic fade: no sample step larger than the fade's slope.
    EXPECT_LT(test::max_step(tail), 0.5 / (kRate * 0.015) * 1.01);
}

TEST(Engine, MasterGainAndMute) {
    auto b = make_buffer(std::vector<float>(100, 0.5f), 1);
    std::vector<VoiceSetup> vs;
    vs.push_back(voice(b));
    EngineConfig c{.output = {kRate, 1}};
    c.master_gain = 0.5f;
    Engine e(c, std::move(vs));
    EXPECT_FLOAT_EQ(render_all(e)[50], 0.25f);
    std::vector<VoiceSetup> vs2;
    vs2.push_back(voice(b));
    c.master_mute = true;
    Engine m(c, std::move(vs2));
    for (float x : render_all(m)) ASSERT_EQ(x, 0.0f);
}

TEST(Engine, StartFrameSkipsIntoTheScene) {
    auto b = make_buffer(test::sine(100, kRate, 10000, 0.5), 1);
    std::vector<VoiceSetup> vs;
    vs.push_back(voice(b, 0, false, 4000));  // source positioned as prepare() does for --start-at 4000 frames
    vs.back().end_frame = 10000;
    EngineConfig c{.output = {kRate, 1}};
    c.start_frame = 4000;
    Engine e(c, std::move(vs));
    const auto out = render_all(e);
    ASSERT_EQ(out.size(), 6000u);
    EXPECT_EQ(out[0], b->samples[4000]);
    EXPECT_EQ(e.position(), 10000u);
}

}  // namespace
}  // namespace simvx

namespace simvx {
namespace {

// A live stream: its end is known only when its source ends.
VoiceSetup live(SharedBuffer b, uint64_t start = 0) {
    VoiceSetup v = voice(std::move(b), start);
    v.end_frame.reset();
    v.ends_with_source = true;
    return v;
}

TEST(Engine, LiveStreamsEndTheSceneWithWhicheverEndsLast) {
    const auto sound = make_buffer(noise(2 * 3001, 5), 2);
    for (size_t stream_frames : {size_t{1000}, size_t{3001}, size_t{10007}}) {
        const auto stream = make_buffer(noise(2 * stream_frames, 9), 2);
        std::vector<VoiceSetup> vs;
        vs.push_back(voice(sound));
        vs.push_back(live(stream));
        Engine e(stereo(), std::move(vs));
        EXPECT_FALSE(e.length().has_value());  // not known before the stream ends
        EXPECT_FALSE(e.exact_end().has_value());
        const auto out = render_all(e);
        const size_t frames = std::max<size_t>(3001, stream_frames);
        ASSERT_EQ(out.size(), 2 * frames) << stream_frames;
        EXPECT_EQ(e.length(), frames);
        for (size_t i = 0; i < out.size(); ++i) {
            float want = 0.0f;
            if (i < sound->samples.size()) want += sound->samples[i];
            if (i < stream->samples.size()) want += stream->samples[i];
            ASSERT_EQ(out[i], want) << stream_frames << " at " << i;
        }
    }
}

TEST(Engine, LiveStreamBesideALoopPlaysUntilStopped) {
    std::vector<VoiceSetup> vs;
    vs.push_back(voice(make_buffer(noise(2 * 500), 2), 0, true));
    vs.push_back(live(make_buffer(noise(2 * 700), 2)));
    Engine e(stereo(), std::move(vs));
    std::vector<float> buf(2 * 4096);
    for (int i = 0; i < 10; ++i) ASSERT_EQ(e.render(buf), 4096u);
    EXPECT_FALSE(e.finished());
    EXPECT_FALSE(e.length().has_value());
}

TEST(Engine, LiveStreamTailRingsOutAfterItEnds) {
    const EffectType* delay = find_effect_type("delay");
    ASSERT_NE(delay, nullptr);
    EffectConfig config = default_config(*delay);  // 0.25 s echoes, feedback 0.4
    std::vector<BusSetup> buses(1);
    buses[0].name = "Master";
    buses[0].effects.push_back({delay->make(config), true, std::nullopt});
    std::vector<VoiceSetup> vs;
    vs.push_back(live(make_buffer(std::vector<float>(2 * 4800, 0.5f), 2)));
    Engine e(stereo(), std::move(vs), compile_plan(std::move(buses), ProcessSpec{kRate, 1024}));
    const auto out = render_all(e);
    EXPECT_EQ(e.length(), 4800u);
    EXPECT_GT(out.size() / 2, 4800u + kRate / 4);  // at least the first echo
    EXPECT_LT(out.size() / 2, 4800u + 61 * kRate);  // capped
    EXPECT_LT(std::fabs(out.back()), 3.2e-5);       // ends below -90 dBFS
}

}  // namespace
}  // namespace simvx
