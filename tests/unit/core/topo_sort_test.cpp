// Render order of the bus graph and the cycle the loader names.
#include "core/topo_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace simvx {
namespace {

// True when every node comes after each node it depends on.
bool respects(const std::vector<std::vector<size_t>>& before, const std::vector<size_t>& order) {
    std::vector<size_t> at(before.size());
    for (size_t i = 0; i < order.size(); ++i) at[order[i]] = i;
    for (size_t n = 0; n < before.size(); ++n)
        for (size_t b : before[n])
            if (at[b] >= at[n]) return false;
    return true;
}

TEST(TopoSort, OrdersEveryNodeAfterItsDependencies) {
    // 0 <- 1 <- 2, 0 <- 3, 2 and 3 <- 4
    const std::vector<std::vector<size_t>> before = {{1, 3}, {2}, {}, {}, {2, 3}};
    const TopoResult r = topological_order(before);
    EXPECT_TRUE(r.cycle.empty());
    ASSERT_EQ(r.order.size(), 5u);
    EXPECT_TRUE(respects(before, r.order));
}

TEST(TopoSort, FindsTheCycle) {
    // 0 -> 1 -> 2 -> 0, and 3 hangs off it.
    const std::vector<std::vector<size_t>> before = {{2}, {0}, {1}, {0}};
    const TopoResult r = topological_order(before);
    ASSERT_EQ(r.cycle.size(), 3u);
    std::vector<size_t> sorted = r.cycle;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<size_t>{0, 1, 2}));
    // Each member of the cycle depends on the one before it in the list.
    for (size_t i = 0; i < r.cycle.size(); ++i) {
        const size_t a = r.cycle[i], b = r.cycle[(i + 1) % r.cycle.size()];
        const auto& deps = before[b];
        const auto& deps_a = before[a];
        EXPECT_TRUE(std::find(deps.begin(), deps.end(), a) != deps.end() ||
                    std::find(deps_a.begin(), deps_a.end(), b) != deps_a.end());
    }
}

TEST(TopoSort, SelfLoopIsACycleOfOne) {
    const TopoResult r = topological_order({{0}});
    EXPECT_EQ(r.cycle, (std::vector<size_t>{0}));
}

TEST(TopoSort, AChainOfTwoHundredKeepsItsOrder) {
    std::vector<std::vector<size_t>> before(200);
    for (size_t i = 1; i < 200; ++i) before[i] = {i - 1};
    const TopoResult r = topological_order(before);
    ASSERT_TRUE(r.cycle.empty());
    ASSERT_EQ(r.order.size(), 200u);
    for (size_t i = 0; i < 200; ++i) EXPECT_EQ(r.order[i], i);
}

}  // namespace
}  // namespace simvx
