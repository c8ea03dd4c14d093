#include "app/ui/progress.hpp"

#include <algorithm>
#include <cstdio>

#include "core/log.hpp"
#include "core/time_format.hpp"

namespace simvx {

void ProgressLine::update(double position_s, std::optional<double> length_s) {
    if (!enabled_) return;
    std::string line = label_ + " " + format_time(position_s);
    if (length_s && *length_s > 0) {
        const double f = std::clamp(position_s / *length_s, 0.0, 1.0);
        const int width = 30, filled = static_cast<int>(f * width);
        line += " / " + format_time(*length_s) + " [" + std::string(filled, '#') + std::string(width - filled, ' ') +
                "] " + std::to_string(static_cast<int>(f * 100)) + "%";
    }
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
    log::set_line_in_place(true);
}

void ProgressLine::clear() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
    log::set_line_in_place(false);
}

}  // namespace simvx
