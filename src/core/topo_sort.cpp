#include "core/topo_sort.hpp"

#include <algorithm>

namespace simvx {

// Iterative depth-first search (no recursion limit on large graphs); a node
// met again while still on the path closes a cycle.
TopoResult topological_order(const std::vector<std::vector<size_t>>& before) {
    enum class Mark { none, active, done };
    std::vector<Mark> mark(before.size(), Mark::none);
    TopoResult r;
    std::vector<std::pair<size_t, size_t>> stack;  // node, next dependency to visit
    for (size_t root = 0; root < before.size(); ++root) {
        if (mark[root] != Mark::none) continue;
        stack.push_back({root, 0});
        mark[root] = Mark::active;
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            if (next < before[node].size()) {
                const size_t dep = before[node][next++];
                if (mark[dep] == Mark::active) {
                    const auto from = std::find_if(stack.begin(), stack.end(), [&](auto& e) { return e.first == dep; });
                    for (auto it = from; it != stack.end(); ++it) r.cycle.push_back(it->first);
                    return r;
                }
                if (mark[dep] == Mark::none) {
                    mark[dep] = Mark::active;
                    stack.push_back({dep, 0});
                }
                continue;
            }
            mark[node] = Mark::done;
            r.order.push_back(node);
            stack.pop_back();
        }
    }
    return r;
}

}  // namespace simvx
