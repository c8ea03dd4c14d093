#include "core/bus_graph.hpp"

#include <algorithm>

namespace simvx {

TopoResult bus_render_order(const std::vector<BusLinks>& buses) {
    std::vector<std::vector<size_t>> before(buses.size());  // before[b] = buses that must precede b
    for (size_t i = 0; i < buses.size(); ++i) {
        if (buses[i].parent) before[*buses[i].parent].push_back(i);
        for (size_t s : buses[i].sends) before[s].push_back(i);
        for (size_t k : buses[i].keys) before[i].push_back(k);
    }
    TopoResult r = topological_order(before);
    // The search follows "must come before" edges: turn the cycle into signal-flow order.
    std::reverse(r.cycle.begin(), r.cycle.end());
    return r;
}

std::string bus_cycle_message(const std::vector<size_t>& cycle, const std::vector<std::string>& names) {
    std::string path;
    for (size_t b : cycle) path += names[b] + " → ";
    return "bus cycle: " + path + names[cycle.front()] +
           " (through send_to, sends or a compressor sidechain); a bus cannot feed itself";
}

}  // namespace simvx
