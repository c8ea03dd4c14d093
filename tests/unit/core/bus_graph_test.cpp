// The bus graph: render order and cycles, as the loader and the plan compiler share them.
#include "core/bus_graph.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace simvx {
namespace {

size_t position(const std::vector<size_t>& order, size_t bus) {
    return static_cast<size_t>(std::find(order.begin(), order.end(), bus) - order.begin());
}

TEST(BusGraph, EveryBusRendersAfterWhatFeedsIt) {
    // 0 = Master; 1 = Music → Master, sends to 2 (Verb → Master); 3 = Voice → Master keys 1's compressor.
    std::vector<BusLinks> g(4);
    g[1] = {.parent = 0, .sends = {2}, .keys = {3}};
    g[2] = {.parent = 0};
    g[3] = {.parent = 0};
    const TopoResult r = bus_render_order(g);
    ASSERT_TRUE(r.cycle.empty());
    ASSERT_EQ(r.order.size(), 4u);
    EXPECT_LT(position(r.order, 1), position(r.order, 0));  // child before parent
    EXPECT_LT(position(r.order, 1), position(r.order, 2));  // sender before the bus it sends to
    EXPECT_LT(position(r.order, 3), position(r.order, 1));  // key before the bus it keys
}

TEST(BusGraph, ACycleIsNamedInTheDirectionTheSignalFlows) {
    // A → B by send_to, B → A by a send: A → B → A.
    std::vector<BusLinks> g(3);
    g[1] = {.parent = 2};
    g[2] = {.parent = 0, .sends = {1}};
    const TopoResult r = bus_render_order(g);
    ASSERT_EQ(r.cycle.size(), 2u);
    const std::vector<std::string> names = {"Master", "A", "B"};
    const std::string m = bus_cycle_message(r.cycle, names);
    EXPECT_TRUE(m == "bus cycle: A → B → A (through send_to, sends or a compressor sidechain); a bus cannot feed itself" ||
                m == "bus cycle: B → A → B (through send_to, sends or a compressor sidechain); a bus cannot feed itself")
        << m;
    // A sidechain closes a cycle too: C feeds D, and D keys C's compressor.
    std::vector<BusLinks> k(3);
    k[1] = {.parent = 2, .keys = {2}};
    k[2] = {.parent = 0};
    EXPECT_FALSE(bus_render_order(k).cycle.empty());
}

}  // namespace
}  // namespace simvx
