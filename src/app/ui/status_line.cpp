#include "app/ui/status_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/time_format.hpp"

namespace simvx {

std::string meter_bar(float peak, size_t cells) {
    const double db = peak > 0 ? 20 * std::log10(peak) : -200.0;
    const double fill = std::clamp((db + 48.0) / 48.0, 0.0, 1.0);
    const auto n = static_cast<size_t>(std::lround(fill * static_cast<double>(cells)));
    std::string bar = std::string(n, '#') + std::string(cells - n, '.');
    if (peak > 1.0f) bar.back() = '!';
    return bar;
}

std::string format_status(const StatusInfo& info, size_t width) {
    std::string head = info.paused ? "paused  " : "playing ";
    head += format_time(info.position_s);
    if (info.length_s) head += " / " + format_time(*info.length_s);
    std::string tail;
    if (info.volume_db != 0) {
        char v[32];
        std::snprintf(v, sizeof v, "  vol %+.0f dB", info.volume_db);
        tail += v;
    }
    if (info.underruns) tail += "  underruns " + std::to_string(info.underruns);
    if (info.reconnecting) tail += "  reconnecting...";
    std::string meters;
    for (const auto& m : info.meters) {
        const std::string one = "  " + m.bus + " " + meter_bar(m.peak, 8);
        if (head.size() + meters.size() + one.size() + tail.size() > width) break;
        meters += one;
    }
    std::string line = head + meters + tail;
    if (line.size() > width) line.resize(width);
    return line;
}

void StatusLine::draw(const StatusInfo& info) {
    if (!enabled_) return;
    winsize ws{};
    const size_t width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1 : 79;
    line_.show(format_status(info, width));
}

void StatusLine::clear() { line_.clear(); }

}  // namespace simvx
