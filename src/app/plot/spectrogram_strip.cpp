#include <algorithm>
#include <cmath>
#include <cstring>

#include "app/plot/axes.hpp"
#include "app/plot/strips.hpp"

namespace simvx {
namespace {

// The colour bar right of the plot area: the dB scale of the colours.
void draw_colour_bar(cairo_t* cr, const PageLayout& page, const Strip& s, DbRange db) {
    const double x = page.right + 16, w = 14;
    const int top = static_cast<int>(s.top), bottom = static_cast<int>(s.bottom);
    for (int y = top; y < bottom; ++y) {
        set_colour(cr, heat_colour(static_cast<double>(bottom - 1 - y) / (bottom - 1 - top)));
        cairo_lib::lib().cairo_rectangle(cr, x, y, w, 1);
        cairo_lib::lib().cairo_fill(cr);
    }
    set_colour(cr, plot_colour::text);
    Strip scale = s;  // the bar's own axis: dB, linear
    scale.lo = db.lo;
    scale.hi = db.hi;
    scale.log = false;
    for (double v : ticks(db.lo, db.hi, 8)) draw_text(cr, x + w + 4, page.y_of(scale, v) + 4, tick_label(v), Align::left, 11);
    draw_text(cr, x, s.top - 6, "dBFS", Align::left, 11);
}

}  // namespace

void draw_spectrogram(cairo_t* cr, const PageLayout& page, const Strip& s, const SignalSummary& signal, DbRange db) {
    draw_strip_frame(cr, page, s, "Hz");
    const int x0 = static_cast<int>(page.left), width = static_cast<int>(page.right) - x0;
    const int y0 = static_cast<int>(s.top), height = static_cast<int>(s.bottom) - y0;
    cairo_surface_t* image = cairo_lib::lib().cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_lib::lib().cairo_surface_flush(image);
    unsigned char* data = cairo_lib::lib().cairo_image_surface_get_data(image);
    const int stride = cairo_lib::lib().cairo_image_surface_get_stride(image);
    if (!data) {
        cairo_lib::lib().cairo_surface_destroy(image);
        return;  // cairo's error state makes the page fail when written
    }
    // Each pixel row covers a band of frequencies: the loudest bin in it, or the nearest bin where the band is narrower.
    const double bins = static_cast<double>(SignalSummary::kFftSize / 2);
    std::vector<std::pair<size_t, size_t>> band(static_cast<size_t>(height));
    for (int y = 0; y < height; ++y) {
        const double hi = page.value_at(s, y0 + y) / signal.bin_hz(1), lo = page.value_at(s, y0 + y + 1) / signal.bin_hz(1);
        const auto a = static_cast<size_t>(std::clamp(std::round(lo), 0.0, bins));
        const auto b = static_cast<size_t>(std::clamp(std::round(hi), 0.0, bins));
        band[static_cast<size_t>(y)] = {a, std::max(a, b)};
    }
    std::memset(data, 0, static_cast<size_t>(stride) * height);
    for (int x = 0; x < width; ++x) {
        const FrameSpan f = column_frames(page, x0 + x, signal.rate());
        if (f.from >= signal.frames()) break;
        const auto cell = signal.spectrogram().over(f.from, f.to);
        if (!cell || cell->power.empty()) continue;
        for (int y = 0; y < height; ++y) {
            const auto [a, b] = band[static_cast<size_t>(y)];
            float p = 0;
            for (size_t k = a; k <= b && k < cell->power.size(); ++k) p = std::max(p, cell->power[k]);
            const double level = p > 0 ? 10 * std::log10(p) : -INFINITY;
            const Rgb c = heat_colour((level - db.lo) / (db.hi - db.lo));
            auto* px = reinterpret_cast<uint32_t*>(data + static_cast<ptrdiff_t>(y) * stride) + x;
            *px = static_cast<uint32_t>(c.r) << 16 | static_cast<uint32_t>(c.g) << 8 | c.b;
        }
    }
    cairo_lib::lib().cairo_surface_mark_dirty(image);
    cairo_lib::lib().cairo_save(cr);
    cairo_lib::lib().cairo_set_source_surface(cr, image, x0, y0);
    cairo_lib::lib().cairo_pattern_set_filter(cairo_lib::lib().cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_lib::lib().cairo_rectangle(cr, x0, y0, width, height);
    cairo_lib::lib().cairo_fill(cr);
    cairo_lib::lib().cairo_restore(cr);
    cairo_lib::lib().cairo_surface_destroy(image);
    draw_colour_bar(cr, page, s, db);
}

}  // namespace simvx
