// The lock-free ring every cross-thread parameter and sample goes through:
// exact contents across the wrap, partial pushes when full, and a
// two-thread stress run in which every item arrives once, in order.
#include "core/spsc_ring.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <thread>
#include <vector>

namespace simvx {
namespace {

TEST(SpscRing, CapacityRoundsUpToAPowerOfTwo) {
    EXPECT_EQ(SpscRing<int>(1).capacity(), 1u);
    EXPECT_EQ(SpscRing<int>(5).capacity(), 8u);
    EXPECT_EQ(SpscRing<int>(1024).capacity(), 1024u);
    EXPECT_EQ(SpscRing<int>(1025).capacity(), 2048u);
}

TEST(SpscRing, PushesWhatFitsAndPopsInOrderAcrossTheWrap) {
    SpscRing<int> ring(8);
    std::vector<int> in(6);
    std::iota(in.begin(), in.end(), 0);
    EXPECT_EQ(ring.push(in), 6u);
    std::vector<int> out(4);
    EXPECT_EQ(ring.pop(out), 4u);
    EXPECT_EQ(out, (std::vector<int>{0, 1, 2, 3}));
    // Now 2 inside, head at 4: a push of 10 takes 6 and wraps.
    std::vector<int> more(10);
    std::iota(more.begin(), more.end(), 100);
    EXPECT_EQ(ring.push(more), 6u);
    EXPECT_EQ(ring.readable(), 8u);
    EXPECT_EQ(ring.writable(), 0u);
    EXPECT_FALSE(ring.push(7));
    std::vector<int> all(16, -1);
    EXPECT_EQ(ring.pop(all), 8u);
    EXPECT_EQ(std::vector<int>(all.begin(), all.begin() + 8), (std::vector<int>{4, 5, 100, 101, 102, 103, 104, 105}));
    int x = -1;
    EXPECT_FALSE(ring.pop(x));
    EXPECT_EQ(x, -1);
}

// The stress runs' producer: 0, 1, 2... pushed in batches of 1 to 37.
std::thread produce(SpscRing<uint64_t>& ring, uint64_t items) {
    return std::thread([&ring, items] {
        uint64_t next = 0;
        std::vector<uint64_t> batch;
        size_t size = 1;
        while (next < items) {
            batch.clear();
            for (size_t i = 0; i < size && next + i < items; ++i) batch.push_back(next + i);
            next += ring.push(batch);
            size = size % 37 + 1;
            if (ring.writable() == 0) std::this_thread::yield();
        }
    });
}

// One producer, one consumer, odd batch sizes on both sides so that every
// wrap position is crossed: 2 million items arrive once each, in order.
TEST(SpscRing, TwoThreadStressDeliversEveryItemOnceInOrder) {
    constexpr uint64_t kItems = 2'000'000;
    SpscRing<uint64_t> ring(1000);
    std::thread producer = produce(ring, kItems);
    uint64_t expected = 0, mismatches = 0;
    std::vector<uint64_t> out(53);
    size_t size = 1;
    while (expected < kItems) {
        const size_t n = ring.pop(std::span<uint64_t>(out.data(), size));
        for (size_t i = 0; i < n; ++i) mismatches += out[i] != expected++;
        size = size % 53 + 1;
        if (n == 0) std::this_thread::yield();
    }
    producer.join();
    EXPECT_EQ(mismatches, 0u);
    EXPECT_EQ(ring.readable(), 0u);
}

// Reading in place: peek() stops where the storage wraps, consume() frees
// what was read, and what was not consumed is still there.
TEST(SpscRing, PeekStopsAtTheWrapAndConsumeFreesWhatWasRead) {
    SpscRing<int> ring(8);
    std::vector<int> in(6);
    std::iota(in.begin(), in.end(), 0);
    ring.push(in);
    EXPECT_EQ(std::vector<int>(ring.peek(4).begin(), ring.peek(4).end()), (std::vector<int>{0, 1, 2, 3}));
    ring.consume(4);
    std::vector<int> more(5);
    std::iota(more.begin(), more.end(), 100);
    EXPECT_EQ(ring.push(more), 5u);  // 2 left + 5: 100..101 before the wrap, 102..104 after
    auto first = ring.peek(100);
    EXPECT_EQ(std::vector<int>(first.begin(), first.end()), (std::vector<int>{4, 5, 100, 101}));
    ring.consume(3);  // part of a piece: the rest comes back first
    auto rest = ring.peek(100);
    EXPECT_EQ(std::vector<int>(rest.begin(), rest.end()), (std::vector<int>{101}));
    ring.consume(1);
    EXPECT_EQ(ring.writable(), 5u);
    auto after = ring.peek(2);
    EXPECT_EQ(std::vector<int>(after.begin(), after.end()), (std::vector<int>{102, 103}));
    ring.consume(2);
    EXPECT_EQ(ring.readable(), 1u);
    EXPECT_TRUE(ring.peek(0).empty());
}

// The stress run again with the consumer reading in place.
TEST(SpscRing, TwoThreadStressInPlaceDeliversEveryItemOnceInOrder) {
    constexpr uint64_t kItems = 1'000'000;
    SpscRing<uint64_t> ring(1000);
    std::thread producer = produce(ring, kItems);
    uint64_t expected = 0, mismatches = 0;
    size_t size = 1;
    while (expected < kItems) {
        const auto piece = ring.peek(size);
        for (uint64_t v : piece) mismatches += v != expected++;
        ring.consume(piece.size());
        size = size % 53 + 1;
        if (piece.empty()) std::this_thread::yield();
    }
    producer.join();
    EXPECT_EQ(mismatches, 0u);
    EXPECT_EQ(ring.readable(), 0u);
}

}  // namespace
}  // namespace simvx
