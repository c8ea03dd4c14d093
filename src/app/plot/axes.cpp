#include "app/plot/axes.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace simvx {

void set_colour(cairo_t* cr, Rgb c, double alpha) {
    cairo_lib::lib().cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, alpha);
}

double text_width(cairo_t* cr, const std::string& text, double size) {
    cairo_lib::lib().cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_lib::lib().cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_lib::lib().cairo_text_extents(cr, text.c_str(), &e);
    return e.x_advance;
}

void draw_text(cairo_t* cr, double x, double y, const std::string& text, Align align, double size) {
    const double w = text_width(cr, text, size);
    cairo_lib::lib().cairo_move_to(cr, align == Align::left ? x : align == Align::centre ? x - w / 2 : x - w, y);
    cairo_lib::lib().cairo_show_text(cr, text.c_str());
}

double tick_step(double span, int most) {
    const double raw = span / std::max(most, 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (m * mag >= raw) return m * mag;
    return 10 * mag;
}

std::vector<double> ticks(double lo, double hi, int most) {
    std::vector<double> out;
    if (!(hi > lo)) return out;
    const double step = tick_step(hi - lo, most);
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
        out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
    return out;
}

std::vector<double> frequency_ticks(double lo, double hi) {
    std::vector<double> out;
    for (double decade = 10; decade <= hi; decade *= 10)
        for (double m : {1.0, 2.0, 5.0})
            if (m * decade >= lo && m * decade <= hi) out.push_back(m * decade);
    return out;
}

std::string tick_label(double v, bool kilo) {
    char s[32];
    if (kilo && std::fabs(v) >= 1000) std::snprintf(s, sizeof s, "%gk", v / 1000);
    else std::snprintf(s, sizeof s, "%g", v);
    return s;
}

void draw_strip_frame(cairo_t* cr, const PageLayout& page, const Strip& s, const std::string& unit) {
    const double w = page.right - page.left, h = s.bottom - s.top;
    set_colour(cr, plot_colour::strip);
    cairo_lib::lib().cairo_rectangle(cr, page.left, s.top, w, h);
    cairo_lib::lib().cairo_fill(cr);

    cairo_lib::lib().cairo_set_line_width(cr, 1);
    const auto values = s.log ? frequency_ticks(s.lo, s.hi) : ticks(s.lo, s.hi, static_cast<int>(h / 28));
    const auto times = ticks(0, page.seconds, static_cast<int>(w / 90));
    set_colour(cr, plot_colour::grid);
    for (double v : values) {
        const double y = std::round(page.y_of(s, v)) + 0.5;
        cairo_lib::lib().cairo_move_to(cr, page.left, y);
        cairo_lib::lib().cairo_line_to(cr, page.right, y);
    }
    for (double t : times) {
        const double x = std::round(page.x_of(t)) + 0.5;
        cairo_lib::lib().cairo_move_to(cr, x, s.top);
        cairo_lib::lib().cairo_line_to(cr, x, s.bottom);
    }
    cairo_lib::lib().cairo_stroke(cr);

    set_colour(cr, plot_colour::text);
    for (double v : values) draw_text(cr, page.left - 8, page.y_of(s, v) + 4, tick_label(v, s.log), Align::right, 11);
    draw_text(cr, page.left - 8, s.top - 6, unit, Align::right, 11);
    for (double t : times) draw_text(cr, page.x_of(t), s.bottom + 15, tick_label(t), Align::centre, 11);
    draw_text(cr, page.right + 14, s.bottom + 15, "s", Align::left, 11);
    draw_text(cr, page.left, s.top - 6, s.label, Align::left, 13);
}

void draw_key(cairo_t* cr, const PageLayout& page, const Strip& s, const std::vector<std::pair<std::string, Rgb>>& keys) {
    double x = page.right;
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
        set_colour(cr, plot_colour::text);
        x -= text_width(cr, it->first, 11);
        draw_text(cr, x, s.top - 6, it->first, Align::left, 11);
        set_colour(cr, it->second);
        cairo_lib::lib().cairo_rectangle(cr, x - 18, s.top - 12, 14, 4);
        cairo_lib::lib().cairo_fill(cr);
        x -= 30;
    }
}

}  // namespace simvx
