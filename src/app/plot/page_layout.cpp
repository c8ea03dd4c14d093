#include "app/plot/page_layout.hpp"

#include <algorithm>
#include <cmath>

namespace simvx {
namespace {

constexpr double kTitle = 48;     // the title line
constexpr double kGap = 40;       // under each strip: its time labels
constexpr double kLeft = 84;      // value labels
constexpr double kRight = 130;    // the spectrogram's colour bar
constexpr double kBottom = 8;
constexpr double kLowestHz = 20;  // the spectrogram's bottom row

struct Stacker {
    PageLayout page;
    double y = kTitle;
    void add(Strip s, double height) {
        s.top = y;
        s.bottom = y + height;
        y = s.bottom + kGap;
        page.strips.push_back(std::move(s));
    }
    PageLayout done() {
        page.height = static_cast<int>(std::ceil(y + kBottom));  // y: past the last strip's time labels
        return std::move(page);
    }
};

Stacker start(int width, double seconds) {
    Stacker s;
    s.page.width = std::max(width, 400);
    s.page.left = kLeft;
    s.page.right = s.page.width - kRight;
    s.page.seconds = seconds > 0 ? seconds : 1.0;
    return s;
}

Strip spectrogram(uint32_t rate, std::string label) {
    return {.kind = StripKind::spectrogram, .label = std::move(label), .lo = kLowestHz, .hi = rate / 2.0, .log = true};
}

}  // namespace

double PageLayout::x_of(double t) const { return left + t / seconds * (right - left); }
double PageLayout::time_at(double x) const { return (x - left) / (right - left) * seconds; }

double PageLayout::y_of(const Strip& s, double v) const {
    v = std::clamp(v, s.lo, s.hi);
    const double f = s.log ? std::log(v / s.lo) / std::log(s.hi / s.lo) : (v - s.lo) / (s.hi - s.lo);
    return s.bottom - f * (s.bottom - s.top);
}

double PageLayout::value_at(const Strip& s, double y) const {
    const double f = (s.bottom - y) / (s.bottom - s.top);
    return s.log ? s.lo * std::pow(s.hi / s.lo, f) : s.lo + f * (s.hi - s.lo);
}

const Strip* PageLayout::find(StripKind k) const {
    for (const auto& s : strips)
        if (s.kind == k) return &s;
    return nullptr;
}

size_t PageLayout::count(StripKind k) const {
    return static_cast<size_t>(std::count_if(strips.begin(), strips.end(), [k](const Strip& s) { return s.kind == k; }));
}

PageLayout plot_page_layout(int width, double seconds, uint32_t rate, const std::vector<std::string>& bus_names) {
    Stacker st = start(width, seconds);
    st.add({.kind = StripKind::waveform, .label = "Waveform", .lo = -1, .hi = 1}, 180);
    st.add(spectrogram(rate, "Spectrogram"), 320);
    st.add({.kind = StripKind::loudness, .label = "Short-term loudness (LUFS) and true peak (dBTP)", .lo = -60, .hi = 0},
           180);
    for (size_t i = 0; i < bus_names.size(); ++i)
        st.add({.kind = StripKind::waveform, .label = "Bus " + bus_names[i], .lo = -1, .hi = 1, .row = i + 1}, 110);
    return st.done();
}

DbRange residual_db_range(double tolerance_db) { return {tolerance_db - 60, std::min(tolerance_db + 40, 0.0)}; }

PageLayout diff_page_layout(int width, double seconds, uint32_t rate, double tolerance_db) {
    Stacker st = start(width, seconds);
    const double floor_db = std::floor((tolerance_db - 60) / 10) * 10;
    st.add({.kind = StripKind::residual, .label = "Residual peak (dBFS) against the tolerance", .lo = floor_db, .hi = 0},
           240);
    st.add(spectrogram(rate, "Spectrogram of the residual"), 320);
    return st.done();
}

}  // namespace simvx
