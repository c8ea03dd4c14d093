#include "app/ui/progress.hpp"

#include <algorithm>

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
    line_.show(line);
}

void ProgressLine::clear() { line_.clear(); }

}  // namespace simvx
