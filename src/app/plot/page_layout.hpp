// Where everything goes on a --plot page: strips stacked under a title,
// sharing one time axis in seconds, each with its own value axis. The
// drawing and the tests both map times, frequencies and levels to pixels
// through this, so a test can say where a 1 kHz row must be.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace simvx {

enum class StripKind {
    waveform,     // amplitude -1..1, min/max per pixel column
    spectrogram,  // frequency in Hz, log axis; colour = dB
    loudness,     // short-term LUFS and dBTP
    residual,     // --expect's residual peak per column, dBFS, with the tolerance line
};

struct Strip {
    StripKind kind;
    std::string label;
    double top = 0, bottom = 0;  // pixel rows: [top, bottom)
    double lo = 0, hi = 0;       // the value axis: lo at the bottom, hi at the top
    bool log = false;            // a logarithmic value axis (frequency)
    size_t row = 0;              // the signal: 0 the output, else the bus's row (waveforms)
};

struct PageLayout {
    int width = 0, height = 0;
    double left = 0, right = 0;  // the plot area's columns: [left, right)
    double seconds = 0;          // the time axis: 0 at `left`, `seconds` at `right`
    std::vector<Strip> strips;

    double x_of(double t) const;  // pixel column (fractional) of time t
    double time_at(double x) const;
    double y_of(const Strip& s, double v) const;  // v clamped to [lo, hi]
    double value_at(const Strip& s, double y) const;
    // The first strip of a kind (nullptr when there is none).
    const Strip* find(StripKind k) const;
    size_t count(StripKind k) const;
};

inline constexpr int kDefaultPlotWidth = 1600;

// The page of --plot: the output's waveform, spectrogram and loudness, then
// one waveform strip per name in `bus_names` (--plot-buses; rows 1, 2, ...).
PageLayout plot_page_layout(int width, double seconds, uint32_t rate, const std::vector<std::string>& bus_names);
// The page of a failed --expect: residual level against the tolerance, and the residual's spectrogram.
PageLayout diff_page_layout(int width, double seconds, uint32_t rate, double tolerance_db);

// The dB range the spectrogram's colours span (black below, white above).
struct DbRange {
    double lo, hi;
};
inline constexpr DbRange kSpectrogramDb{-120, 0};
// A residual's spectrogram: 60 dB under the tolerance to 40 dB over it (at most 0 dBFS).
DbRange residual_db_range(double tolerance_db);

}  // namespace simvx
