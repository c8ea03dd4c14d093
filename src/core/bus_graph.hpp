// The bus graph of a mix, in bus indices: what each bus feeds and what keys
// its effects. One definition of "a must render before b" and of how a cycle
// is worded, shared by the scene loader (which reports a cycle at the bus
// where it starts) and the render plan compiler (which orders by it).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/topo_sort.hpp"

namespace simvx {

struct BusLinks {
    std::optional<size_t> parent;  // send_to; none for the output bus
    std::vector<size_t> sends;     // extra post-fader sends
    std::vector<size_t> keys;      // buses whose signal keys this bus's effects (sidechains)
};

// Every bus after what feeds it (a child before its parent, a sender before
// the bus it sends to, a sidechain key before the bus whose effect it drives),
// or a cycle, listed in the direction the signal flows.
TopoResult bus_render_order(const std::vector<BusLinks>& buses);

// "bus cycle: A → B → A (through send_to, sends or a compressor sidechain);
// a bus cannot feed itself", with `names` indexed like the buses.
std::string bus_cycle_message(const std::vector<size_t>& cycle, const std::vector<std::string>& names);

}  // namespace simvx
