// Filling sources on two cores: every source is filled exactly once per call,
// with the frames asked for, and a failure reaches the caller.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

#include "mix/source_filler.hpp"

namespace simvx {
namespace {

class CountingSource final : public VoiceSource {
public:
    uint32_t channels() const noexcept override { return 2; }
    size_t pull(float*, size_t) noexcept override { return 0; }
    bool fillable() const noexcept override { return true; }
    void fill(size_t frames) override {
        if (throws) throw std::runtime_error("broken stream");
        fills.fetch_add(1);
        last = frames;
    }
    void prefetch(size_t frames) override {
        if (throws) throw std::runtime_error("broken stream");
        prefetches.fetch_add(1);
        last = frames;
    }
    std::atomic<int> fills{0}, prefetches{0};
    size_t last = 0;
    bool throws = false;
};

// `n` counting sources, and the pointers the filler takes.
struct Sources {
    explicit Sources(int n) {
        for (int i = 0; i < n; ++i) {
            owned.push_back(std::make_unique<CountingSource>());
            sources.push_back(owned.back().get());
        }
    }
    std::vector<std::unique_ptr<CountingSource>> owned;
    std::vector<VoiceSource*> sources;
};

TEST(SourceFiller, FillsEverySourceOncePerCall) {
    Sources set(37);
    auto& owned = set.owned;
    auto& sources = set.sources;
    SourceFiller filler;
    for (size_t round = 1; round <= 500; ++round) {
        const size_t n = round % 5 == 0 ? 1 : sources.size();  // a single source is filled on the caller
        filler.fill(std::span(sources).first(n), round);
    }
    EXPECT_EQ(owned[0]->fills.load(), 500);
    for (size_t i = 1; i < owned.size(); ++i) EXPECT_EQ(owned[i]->fills.load(), 400) << i;
    EXPECT_EQ(owned[0]->last, 500u);
    EXPECT_EQ(owned[1]->last, 499u);
}

TEST(SourceFiller, AFailureReachesTheCallerAndTheOthersAreStillFilled) {
    Sources set(8);
    auto& owned = set.owned;
    auto& sources = set.sources;
    owned[5]->throws = true;
    SourceFiller filler;
    EXPECT_THROW(filler.fill(sources, 100), std::runtime_error);
    for (size_t i = 0; i < owned.size(); ++i) EXPECT_EQ(owned[i]->fills.load(), i == 5 ? 0 : 1) << i;
    owned[5]->throws = false;
    EXPECT_NO_THROW(filler.fill(sources, 100));  // the next call starts clean
}

TEST(SourceFiller, APrefetchRunsWhileTheCallerIsAwayAndEndsBeforeTheNextFill) {
    Sources set(16);
    auto& owned = set.owned;
    auto& sources = set.sources;
    SourceFiller filler;
    for (int round = 0; round < 300; ++round) {
        filler.fill(sources, 10);
        filler.start_prefetch(std::span(sources).first(round % 2 ? 16 : 3), 20);
    }
    filler.finish();
    for (size_t i = 0; i < owned.size(); ++i) {
        EXPECT_EQ(owned[i]->fills.load(), 300) << i;
        EXPECT_EQ(owned[i]->prefetches.load(), i < 3 ? 300 : 150) << i;
    }
    owned[2]->throws = true;
    filler.start_prefetch(sources, 20);
    EXPECT_THROW(filler.finish(), std::runtime_error);
}

}  // namespace
}  // namespace simvx
