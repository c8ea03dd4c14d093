#include "app/report/stats_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace simvx {
namespace {

std::string number(double v) {
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char s[32];
    std::snprintf(s, sizeof s, "%.2f", v);
    return s;
}

}  // namespace

std::string stats_table(const std::vector<BusStats>& rows) {
    size_t width = 4;
    for (const auto& r : rows) width = std::max(width, r.name.size());
    const int w = static_cast<int>(width);
    std::string out;
    char line[256];
    std::snprintf(line, sizeof line, "%-*s %12s %10s %11s %6s %15s %8s\n", w, "bus", "sample peak", "true peak",
                  "integrated", "range", "short-term max", "clipped");
    out += line;
    std::snprintf(line, sizeof line, "%-*s %12s %10s %11s %6s %15s %8s\n", w, "", "dBFS", "dBTP", "LUFS", "LU", "LUFS",
                  "samples");
    out += line;
    for (const auto& r : rows) {
        const LoudnessStats& s = r.stats;
        std::snprintf(line, sizeof line, "%-*s %12s %10s %11s %6s %15s %8llu\n", w, r.name.c_str(),
                      number(s.sample_peak_db).c_str(), number(s.true_peak_db).c_str(), number(s.integrated_lufs).c_str(),
                      number(s.range_lu).c_str(), number(s.shortterm_max_lufs).c_str(),
                      static_cast<unsigned long long>(s.clipped));
        out += line;
    }
    return out;
}

}  // namespace simvx
