#include "core/time_format.hpp"

#include <cmath>
#include <cstdio>

namespace simvx {

std::string format_time(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
    const auto tenths = static_cast<long long>(seconds * 10);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld:%02lld.%lld", tenths / 600, (tenths / 10) % 60, tenths % 10);
    return buf;
}

}  // namespace simvx
