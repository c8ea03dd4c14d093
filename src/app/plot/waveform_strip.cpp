#include <algorithm>
#include <cmath>

#include "app/plot/axes.hpp"
#include "app/plot/strips.hpp"

namespace simvx {

FrameSpan column_frames(const PageLayout& page, int x, uint32_t rate) {
    const double a = std::max(0.0, page.time_at(x)) * rate, b = std::max(0.0, page.time_at(x + 1)) * rate;
    const auto from = static_cast<uint64_t>(std::floor(a));
    return {from, std::max(from + 1, static_cast<uint64_t>(std::ceil(b)))};
}

void draw_waveform(cairo_t* cr, const PageLayout& page, const Strip& s, const SignalSummary& signal) {
    draw_strip_frame(cr, page, s, "");
    cairo_lib::lib().cairo_save(cr);
    cairo_lib::lib().cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    for (uint32_t c = 0; c < signal.channels(); ++c) {
        set_colour(cr, plot_colour::channel[c], c == 0 ? 1.0 : 0.75);
        for (int x = static_cast<int>(page.left); x < static_cast<int>(page.right); ++x) {
            const FrameSpan f = column_frames(page, x, signal.rate());
            if (f.from >= signal.frames()) break;
            const auto cell = signal.wave().over(f.from, f.to);
            if (!cell) break;
            const double top = std::floor(page.y_of(s, cell->hi[c]));
            const double bottom = std::max(top + 1, std::ceil(page.y_of(s, cell->lo[c])));
            cairo_lib::lib().cairo_rectangle(cr, x, top, 1, bottom - top);
        }
        cairo_lib::lib().cairo_fill(cr);
    }
    cairo_lib::lib().cairo_restore(cr);
    if (signal.channels() == 2) draw_key(cr, page, s, {{"left", plot_colour::channel[0]}, {"right", plot_colour::channel[1]}});
}

}  // namespace simvx
