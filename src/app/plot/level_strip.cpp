#include <algorithm>
#include <cmath>

#include "app/measure/expect.hpp"
#include "app/plot/axes.hpp"
#include "app/plot/strips.hpp"

namespace simvx {
namespace {

// A line through one value per pixel column (NaN: no line there).
template <class ValueAt>
void draw_line(cairo_t* cr, const PageLayout& page, const Strip& s, Rgb colour, ValueAt value_at) {
    cairo_lib::lib().cairo_save(cr);
    cairo_lib::lib().cairo_rectangle(cr, page.left, s.top, page.right - page.left, s.bottom - s.top);
    cairo_lib::lib().cairo_clip(cr);
    set_colour(cr, colour);
    cairo_lib::lib().cairo_set_line_width(cr, 1.5);
    bool drawing = false;
    for (int x = static_cast<int>(page.left); x < static_cast<int>(page.right); ++x) {
        const double v = value_at(x);
        if (std::isnan(v)) {
            drawing = false;
            continue;
        }
        const double y = page.y_of(s, v);
        if (drawing) cairo_lib::lib().cairo_line_to(cr, x + 0.5, y);
        else cairo_lib::lib().cairo_move_to(cr, x + 0.5, y);
        drawing = true;
    }
    cairo_lib::lib().cairo_stroke(cr);
    cairo_lib::lib().cairo_restore(cr);
}

}  // namespace

void draw_level(cairo_t* cr, const PageLayout& page, const Strip& s, const HalvingSeries<LevelCell>& series,
                uint32_t rate, Rgb colour, bool floor_silence) {
    const uint64_t end = series.size() * series.cell_frames();
    draw_line(cr, page, s, colour, [&](int x) -> double {
        const FrameSpan f = column_frames(page, x, rate);
        const auto cell = f.from < end ? series.over(f.from, f.to) : std::nullopt;
        if (!cell) return NAN;
        if (cell->db < s.lo) return floor_silence ? s.lo : NAN;
        return static_cast<double>(cell->db);
    });
}

void draw_residual(cairo_t* cr, const PageLayout& page, const Strip& s, const SignalSummary& residual, double tolerance_db) {
    draw_strip_frame(cr, page, s, "dBFS");
    // The tolerance, dashed, under the residual.
    cairo_lib::lib().cairo_save(cr);
    set_colour(cr, plot_colour::tolerance);
    const double dash[] = {6, 4};
    cairo_lib::lib().cairo_set_dash(cr, dash, 2, 0);
    cairo_lib::lib().cairo_set_line_width(cr, 1);
    const double y = std::round(page.y_of(s, tolerance_db)) + 0.5;
    cairo_lib::lib().cairo_move_to(cr, page.left, y);
    cairo_lib::lib().cairo_line_to(cr, page.right, y);
    cairo_lib::lib().cairo_stroke(cr);
    cairo_lib::lib().cairo_restore(cr);
    draw_text(cr, page.left + 6, y - 5, "tolerance " + format_db(tolerance_db, "dBFS"), Align::left, 11);
    draw_line(cr, page, s, plot_colour::residual, [&](int x) -> double {
        const FrameSpan f = column_frames(page, x, residual.rate());
        if (f.from >= residual.frames()) return NAN;
        const auto cell = residual.wave().over(f.from, f.to);
        if (!cell) return NAN;
        double peak = 0;
        for (uint32_t c = 0; c < residual.channels(); ++c)
            peak = std::max({peak, std::fabs(static_cast<double>(cell->lo[c])), std::fabs(static_cast<double>(cell->hi[c]))});
        return std::max(to_db(peak), s.lo);
    });
}

}  // namespace simvx
