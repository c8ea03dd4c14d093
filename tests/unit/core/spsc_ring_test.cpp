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

// One producer, one consumer, odd batch sizes on both sides so that every
// wrap position is crossed: 2 million items arrive once each, in order.
TEST(SpscRing, TwoThreadStressDeliversEveryItemOnceInOrder) {
    constexpr uint64_t kItems = 2'000'000;
    SpscRing<uint64_t> ring(1000);
    std::thread producer([&] {
        uint64_t next = 0;
        std::vector<uint64_t> batch;
        size_t size = 1;
        while (next < kItems) {
            batch.clear();
            for (size_t i = 0; i < size && next + i < kItems; ++i) batch.push_back(next + i);
            next += ring.push(batch);
            size = size % 37 + 1;
            if (ring.writable() == 0) std::this_thread::yield();
        }
    });
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

}  // namespace
}  // namespace simvx
