// The player's status line on a terminal: elapsed and total time, a peak
// meter per bus, underruns, and the pause / volume state, redrawn in place.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/ui/line_in_place.hpp"

namespace simvx {

struct StatusInfo {
    double position_s = 0;
    std::optional<double> length_s;
    struct Meter {
        std::string bus;
        float peak = 0;  // linear, since the previous redraw
    };
    std::vector<Meter> meters;  // Master first
    uint64_t underruns = 0;
    bool paused = false;
    bool reconnecting = false;
    double volume_db = 0;  // the listener's volume (up/down keys)
};

// The line, at most `width` columns (meters are left out first when it is narrow).
std::string format_status(const StatusInfo& info, size_t width);

// A meter's bar: `cells` characters, full at 0 dBFS, empty at -48 dBFS; '!' when it clipped.
std::string meter_bar(float peak, size_t cells);

class StatusLine {
public:
    explicit StatusLine(bool enabled) : enabled_(enabled) {}
    ~StatusLine() { clear(); }
    bool enabled() const noexcept { return enabled_; }
    void draw(const StatusInfo& info);
    void clear();

private:
    bool enabled_;
    LineInPlace line_;
};

}  // namespace simvx
