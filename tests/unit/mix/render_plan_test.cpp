// The bus graph: routing, volumes through send_to, sends, mute, solo, the
// render order with sidechains, cycles, plan swaps and effect tails.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "mix/engine.hpp"
#include "mix_fixtures.hpp"

namespace simvx {
namespace {

using fixtures::bus;
using fixtures::constant;
using fixtures::kRate;
using fixtures::voice_on;
const ProcessSpec kSpec{kRate, 1024};

// A test effect: multiplies by a factor; or, with a key, outputs the key's left sample (proves order).
class Probe final : public Processor {
public:
    explicit Probe(float factor, uint64_t tail = 0) : factor_(factor), tail_(tail) {}
    void prepare(const ProcessSpec&) override {}
    void reset() noexcept override {}
    void update(const EffectParams&) noexcept override {}
    void process(float* audio, size_t frames, const float* key) noexcept override {
        for (size_t i = 0; i < frames * 2; ++i) audio[i] = key ? key[i] : audio[i] * factor_;
    }
    uint64_t tail_frames() const noexcept override { return tail_; }

private:
    float factor_;
    uint64_t tail_;
};

// An echo 1000 frames later at half level, forever decaying: a tail.
class Echo final : public Processor {
public:
    void prepare(const ProcessSpec&) override { line_.assign(2000, 0.0f); }
    void reset() noexcept override { std::fill(line_.begin(), line_.end(), 0.0f); }
    void update(const EffectParams&) noexcept override {}
    void process(float* audio, size_t frames, const float*) noexcept override {
        for (size_t i = 0; i < frames * 2; ++i) {
            const float delayed = line_[pos_];
            audio[i] += 0.5f * delayed;
            line_[pos_] = audio[i];
            pos_ = (pos_ + 1) % line_.size();
        }
    }
    uint64_t tail_frames() const noexcept override { return 1000; }  // shorter than the real tail: the quiet window decides

private:
    std::vector<float> line_;
    size_t pos_ = 0;
};

std::vector<float> render_all(Engine& e) {
    std::vector<float> out, buf(2 * 700);
    while (size_t n = e.render(buf)) out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(2 * n));
    return out;
}

float left_at(const std::vector<float>& out, size_t frame) { return out[2 * frame]; }

TEST(RenderPlan, VolumesMultiplyThroughSendToAndSendsAddPostFader) {
    // Master(0.5) <- Music(0.5) <- Strings(0.5); Music also sends to Reverb at 0.25.
    std::vector<BusSetup> b;
    b.push_back(bus("Master", std::nullopt, 0.5f));
    b.push_back(bus("Music", 0, 0.5f));
    b.push_back(bus("Strings", 1, 0.5f));
    b.push_back(bus("Reverb", 0));
    b[1].sends.push_back({3, 0.25f});
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(2, 1.0f));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(std::move(b), kSpec));
    const auto out = render_all(e);
    // Strings 1 × 0.5 → Music × 0.5 = 0.25 → Master: 0.25 direct + 0.25 × 0.25 via Reverb, × 0.5
    EXPECT_FLOAT_EQ(left_at(out, 100), (0.25f + 0.0625f) * 0.5f);
}

TEST(RenderPlan, VoiceSendsAndMute) {
    std::vector<BusSetup> b;
    b.push_back(bus("Master", std::nullopt));
    b.push_back(bus("Dry", 0));
    b.push_back(bus("Wet", 0));
    b[1].mute = true;
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(1, 1.0f));
    v.back().sends.push_back({2, 0.5f});
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(std::move(b), kSpec));
    const auto out = render_all(e);
    EXPECT_FLOAT_EQ(left_at(out, 100), 0.5f);  // only the send to Wet is heard
}

TEST(RenderPlan, SoloHearsSoloedBusesAndWhatTheyFeed) {
    // Master <- Music <- Drums; Master <- Voice; Music sends to Reverb; Voice sends to Reverb.
    auto build = [](bool solo_music, bool solo_drums) {
        std::vector<BusSetup> b;
        b.push_back(bus("Master", std::nullopt));
        b.push_back(bus("Music", 0));
        b.push_back(bus("Drums", 1));
        b.push_back(bus("Voice", 0));
        b.push_back(bus("Reverb", 0));
        b[1].solo = solo_music;
        b[2].solo = solo_drums;
        b[1].sends.push_back({4, 1.0f});
        b[3].sends.push_back({4, 1.0f});
        std::vector<VoiceSetup> v;
        v.push_back(voice_on(1, 1.0f));     // on Music
        v.push_back(voice_on(2, 10.0f));    // on Drums
        v.push_back(voice_on(3, 100.0f));   // on Voice
        v.push_back(voice_on(0, 1000.0f));  // straight on Master
        Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(std::move(b), kSpec));
        return left_at(render_all(e), 10);
    };
    EXPECT_FLOAT_EQ(build(false, false), 1000 + 100 * 2 + 11 * 2);  // Voice and Music each dry + via Reverb
    EXPECT_FLOAT_EQ(build(true, false), 11 * 2);  // Music and its child Drums, dry and through Reverb
    EXPECT_FLOAT_EQ(build(false, true), 10 * 2);  // Drums only (Music passes it on, but not its own sound)
}

TEST(RenderPlan, SidechainKeyRendersBeforeTheBusItDrives) {
    // Bus 1 (Music) has an effect keyed by bus 2 (Voice), declared after it.
    std::vector<BusSetup> b;
    b.push_back(bus("Master", std::nullopt));
    b.push_back(bus("Music", 0));
    b.push_back(bus("Voice", 0, 0.5f));
    b[1].effects.push_back({std::make_unique<Probe>(1.0f), true, 2});
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(2, 0.8f));
    auto plan = compile_plan(std::move(b), kSpec);
    EXPECT_LT(plan->slot_of[2], plan->slot_of[1]);
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), std::move(plan));
    // Music outputs Voice's pre-fader signal (0.8), plus Voice itself (0.4).
    EXPECT_FLOAT_EQ(left_at(render_all(e), 100), 1.2f);
}

// The key is tapped before the key bus's fader and whatever is muted or
// soloed: muting the voice, or soloing the music, keeps the ducking (here
// the probe passes the key through, so Music outputs it).
TEST(RenderPlan, MuteAndSoloNeverTakeTheSidechainKeyAway) {
    auto make = [](bool mute_voice, bool solo_music) {
        std::vector<BusSetup> b;
        b.push_back(bus("Master", std::nullopt));
        b.push_back(bus("Music", 0));
        b.push_back(bus("Voice", 0, 0.5f));
        b.push_back(bus("Choir", 2));  // a child of the key bus: part of the key
        b[1].effects.push_back({std::make_unique<Probe>(1.0f), true, 2});
        b[2].mute = mute_voice;
        b[1].solo = solo_music;
        std::vector<VoiceSetup> v;
        v.push_back(voice_on(2, 0.8f));
        v.push_back(voice_on(3, 0.1f));
        Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(std::move(b), kSpec));
        return left_at(render_all(e), 100);
    };
    EXPECT_FLOAT_EQ(make(false, false), 0.9f + 0.45f);  // key 0.9 through Music, Voice heard at 0.5
    EXPECT_FLOAT_EQ(make(true, false), 0.9f);           // Voice muted: not heard, still the key
    EXPECT_FLOAT_EQ(make(false, true), 0.9f);           // Music soloed: Voice and Choir silent, still the key
}

TEST(RenderPlan, CyclesAreErrorsNamingTheBuses) {
    std::vector<BusSetup> b;
    b.push_back(bus("Master", std::nullopt));
    b.push_back(bus("A", 0));
    b.push_back(bus("B", 1));
    b[1].sends.push_back({2, 1.0f});  // A → B while B → A
    try {
        compile_plan(std::move(b), kSpec);
        FAIL() << "expected a cycle error";
    } catch (const InputError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("bus cycle"), std::string::npos) << what;
        // Either rotation names the same cycle: A feeds B and B feeds A.
        EXPECT_NE(what.find("A → B"), std::string::npos) << what;
        EXPECT_NE(what.find("B → A"), std::string::npos) << what;
    }
    std::vector<BusSetup> key;
    key.push_back(bus("Master", std::nullopt));
    key.push_back(bus("Music", 0));
    key[0].effects.push_back({std::make_unique<Probe>(1.0f), true, 1});
    key[1].effects.push_back({std::make_unique<Probe>(1.0f), true, 0});  // Music keyed by Master, which it feeds
    EXPECT_THROW(compile_plan(std::move(key), kSpec), InputError);
}

TEST(RenderPlan, BypassAndDisabledEffectsPassTheSignal) {
    std::vector<BusSetup> b;
    b.push_back(bus("Master", std::nullopt));
    b[0].effects.push_back({std::make_unique<Probe>(0.5f), false, std::nullopt});
    b[0].effects.push_back({std::make_unique<Probe>(0.25f), true, std::nullopt});
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(0, 1.0f));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(std::move(b), kSpec));
    EXPECT_FLOAT_EQ(left_at(render_all(e), 10), 0.25f);
    std::vector<BusSetup> by;
    by.push_back(bus("Master", std::nullopt));
    by[0].bypass_effects = true;
    by[0].effects.push_back({std::make_unique<Probe>(0.25f), true, std::nullopt});
    std::vector<VoiceSetup> v2;
    v2.push_back(voice_on(0, 1.0f));
    Engine e2(EngineConfig{.output = {kRate, 2}}, std::move(v2), compile_plan(std::move(by), kSpec));
    EXPECT_FLOAT_EQ(left_at(render_all(e2), 10), 1.0f);
}

TEST(RenderPlan, TailsRingOutUntilSilentForOneHundredMilliseconds) {
    std::vector<BusSetup> b;
    b.push_back(bus("Master", std::nullopt));
    b[0].effects.push_back({std::make_unique<Echo>(), true, std::nullopt});
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(0, 0.5f, 480));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v), compile_plan(std::move(b), kSpec));
    EXPECT_FALSE(e.exact_end());
    const auto out = render_all(e);
    const size_t frames = out.size() / 2;
    // Echoes every 1000 frames halve: 0.5·2^-k < 10^(-90/20) from k = 14, so the last echo
    // above -90 dBFS starts at 13000; then 100 ms (4800 frames) of quiet.
    size_t last_loud = 0;
    for (size_t i = 0; i < frames; ++i)
        if (std::fabs(out[2 * i]) >= 3.1622776e-5f) last_loud = i;
    EXPECT_GT(last_loud, 13000u);
    EXPECT_LT(last_loud, 14000u);
    EXPECT_NEAR(static_cast<double>(frames), static_cast<double>(last_loud + 1 + 4800), 1.0);
}

TEST(RenderPlan, APlanSwapsInBetweenBlocks) {
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(0, 1.0f, 48000));
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(v));
    std::vector<float> buf(2 * 1000);
    e.render(buf);
    EXPECT_FLOAT_EQ(buf[0], 1.0f);
    e.replace_plan(master_only_plan(0.5f, false, kSpec));
    e.render(buf);
    EXPECT_FLOAT_EQ(buf[0], 0.5f);  // a new plan starts at its own gain
    e.collect_retired();            // the old plan is freed here, off the render thread
    e.replace_plan(master_only_plan(0.25f, false, kSpec));
    e.render(buf);
    EXPECT_FLOAT_EQ(buf[0], 0.25f);
}

}  // namespace
}  // namespace simvx

namespace simvx {
namespace {

// Records what a tap sees: every bus by its scene index, and the output.
class Recorder final : public BusTap {
public:
    void block(const RenderPlan& plan, const float* out, size_t frames) noexcept override {
        for (const auto& bus : plan.buses) {
            if (buses.size() <= bus.index) buses.resize(bus.index + 1);
            buses[bus.index].insert(buses[bus.index].end(), bus.buffer.begin(), bus.buffer.begin() + 2 * frames);
        }
        output.insert(output.end(), out, out + frames);  // mono output
    }
    std::vector<std::vector<float>> buses;
    std::vector<float> output;
};

TEST(RenderPlan, ATapSeesEachBusAfterItsVolumeAndTheOutputAfterTheStopFade) {
    std::vector<BusSetup> b;
    b.push_back(bus("Master", std::nullopt, 0.5f));
    b.push_back(bus("Music", 0, 0.25f));
    std::vector<VoiceSetup> v;
    v.push_back(voice_on(1, 1.0f, 48000));
    Engine e(EngineConfig{.output = {kRate, 1}}, std::move(v), compile_plan(std::move(b), kSpec));
    Recorder tap;
    e.set_tap(&tap);
    std::vector<float> out, buf(700);
    for (int i = 0; i < 10; ++i) {
        const size_t n = e.render(buf);
        out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
    e.request_stop();
    while (size_t n = e.render(buf)) out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    ASSERT_EQ(tap.output, out);  // exactly the frames handed out, fade included
    ASSERT_EQ(tap.buses.size(), 2u);
    ASSERT_EQ(tap.buses[1].size(), 2 * out.size());
    EXPECT_FLOAT_EQ(tap.buses[1][200], 0.25f);  // Music after its volume
    EXPECT_FLOAT_EQ(tap.buses[0][200], 0.125f); // Master after its volume
    EXPECT_FLOAT_EQ(tap.output[100], 0.125f);
    EXPECT_EQ(tap.output.back(), 0.0f);          // after the stop fade
}

}  // namespace
}  // namespace simvx
