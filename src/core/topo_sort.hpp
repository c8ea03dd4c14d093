// Ordering nodes so each comes after everything it depends on, or finding
// the cycle that makes that impossible. Used for the bus graph (render order)
// and by the scene loader (to name the buses of a cycle), through core/bus_graph.
#pragma once
#include <cstddef>
#include <vector>

namespace simvx {

struct TopoResult {
    std::vector<size_t> order;  // every node after its dependencies (when there is no cycle)
    std::vector<size_t> cycle;  // a cycle a → b → … → a (without repeating a), or empty
};

// before[n] lists the nodes that must come before n.
TopoResult topological_order(const std::vector<std::vector<size_t>>& before);

}  // namespace simvx
