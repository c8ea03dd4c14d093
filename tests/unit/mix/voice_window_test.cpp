// The window of voices in play (mix/voice_window.hpp): voices come in as their
// start comes, stay in index order (the order the mix adds them up in), go
// when done; nothing allocates once it is made. And the engine over a scene
// of thousands of voices one after another: every voice heard exactly where
// it plays, the sources' errors reported, and each source asked about its
// errors a few times, not at every chunk of the render.
#include <gtest/gtest.h>

#include <atomic>

#include "mix/engine.hpp"
#include "mix/voice_window.hpp"
#include "mix_fixtures.hpp"

namespace simvx {
namespace {

std::vector<uint32_t> in(const VoiceWindow& w) { return {w.voices().begin(), w.voices().end()}; }

TEST(VoiceWindow, AdmitsVoicesAsTheirStartComesAndKeepsThemInIndexOrder) {
    const std::vector<uint64_t> starts{30, 0, 10, 0, 20, 10};
    VoiceWindow w(starts);
    EXPECT_TRUE(in(w).empty());
    w.admit(0);  // nothing starts before frame 0
    EXPECT_TRUE(in(w).empty());
    w.admit(1);
    EXPECT_EQ(in(w), (std::vector<uint32_t>{1, 3}));
    w.admit(11);
    EXPECT_EQ(in(w), (std::vector<uint32_t>{1, 2, 3, 5}));
    w.admit(11);  // each once
    EXPECT_EQ(in(w), (std::vector<uint32_t>{1, 2, 3, 5}));
    w.admit(100);
    EXPECT_EQ(in(w), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5}));
}

TEST(VoiceWindow, LetsGoOfFinishedVoicesKeepingTheOthersOrderWithoutAllocating) {
    std::vector<uint64_t> starts(1000);
    for (size_t i = 0; i < starts.size(); ++i) starts[i] = (i * 7919) % 1000;  // every frame once, shuffled
    VoiceWindow w(starts);
    w.admit(1);
    const uint32_t* storage = w.voices().data();
    for (uint64_t t = 1; t <= 1000; ++t) {
        w.admit(t);
        // A voice lasts 10 frames.
        w.drop_if([&](uint32_t v) { return starts[v] + 10 < t; });
        const auto v = in(w);
        EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
        EXPECT_EQ(v.size(), std::min<uint64_t>(t, 10)) << "at " << t;
        for (const uint32_t i : v) EXPECT_TRUE(starts[i] < t && starts[i] + 10 >= t);
        if (!v.empty()) {
            EXPECT_EQ(w.voices().data(), storage);  // the storage reserved up front
        }
    }
}

TEST(VoiceWindow, NamesTheVoicesNotYetAdmittedThatStartBeforeAFrame) {
    const std::vector<uint64_t> starts{5, 50, 0, 500};
    VoiceWindow w(starts);
    w.admit(1);
    std::vector<uint32_t> seen;
    w.for_each_unadmitted_before(60, [&](uint32_t v) { seen.push_back(v); });
    EXPECT_EQ(seen, (std::vector<uint32_t>{0, 1}));
}

// A constant source that ends with an error (as a streamed file cut by a
// decode error does) and counts how often it is asked for it.
class FailingSource final : public VoiceSource {
public:
    FailingSource(size_t frames, std::atomic<uint64_t>& asked) : left_(frames), asked_(asked) {}
    uint32_t channels() const noexcept override { return 1; }
    size_t pull(float* out, size_t frames) noexcept override {
        const size_t n = std::min(frames, left_);
        std::fill_n(out, n, 0.25f);
        left_ -= n;
        return n;
    }
    std::string error() const override {
        asked_.fetch_add(1, std::memory_order_relaxed);
        return left_ == 0 ? "decode error in the last voice" : "";
    }

private:
    size_t left_;
    std::atomic<uint64_t>& asked_;
};

// 3,000 voices of 100 frames one after another (the triggers of a repeating
// sound), beside a voice that plays throughout; the last one's source fails
// halfway.
TEST(VoiceWindow, TheEngineHearsThousandsOfVoicesInTurnAndAsksEachSourceFewTimes) {
    constexpr size_t kVoices = 3000, kLength = 100, kScene = kVoices * kLength;
    std::atomic<uint64_t> asked{0};
    std::vector<VoiceSetup> voices;
    voices.push_back(fixtures::voice_on(0, 0.5f, kScene, 0));
    for (size_t i = 0; i < kVoices; ++i) {
        VoiceSetup v;
        v.start_frame = i * kLength;
        v.end_frame = v.start_frame + kLength;
        const bool last = i + 1 == kVoices;  // its source ends halfway, with an error
        v.source = std::make_unique<FailingSource>(last ? kLength / 2 : kScene, asked);
        voices.push_back(std::move(v));
    }
    Engine e(EngineConfig{.output = {fixtures::kRate, 1}}, std::move(voices), nullptr);
    std::vector<float> out(kScene + kLength), block(1000);
    size_t done = 0;
    std::vector<std::string> errors;
    while (true) {
        ASSERT_TRUE(e.wait_for_sources(block.size()));
        errors = e.source_errors();
        const size_t n = e.render(block);
        if (!n) break;
        std::copy_n(block.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
        done += n;
    }
    ASSERT_EQ(done, kScene);
    // Every frame: the long voice and the one short voice playing there
    // (the last one only for the frames its source gave).
    for (size_t f = 0; f < kScene; ++f) {
        const float want = f >= kScene - kLength / 2 ? 0.5f : 0.75f;
        ASSERT_EQ(out[f], want) << "at frame " << f;
    }
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], "decode error in the last voice");
    // The whole list would be asked at each of the 300 chunks: 900,000 times.
    // A voice in play is asked at each chunk from two ahead of its start to its end, and once when it ends.
    EXPECT_LE(asked.load(), 6 * kVoices);
}

}  // namespace
}  // namespace simvx
