// The frame of a strip: background, grid, value labels on the left, time
// labels (seconds) under it, its name above; and the text and colour helpers
// every part of a page draws with.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/plot/cairo_api.hpp"
#include "app/plot/page_layout.hpp"
#include "app/plot/plot_style.hpp"

namespace simvx {

void set_colour(cairo_t* cr, Rgb c, double alpha = 1.0);
enum class Align { left, centre, right };
// Text whose baseline starts, centres or ends at (x, y).
void draw_text(cairo_t* cr, double x, double y, const std::string& text, Align align = Align::left, double size = 12);
// How far the text advances (and selects the font for it).
double text_width(cairo_t* cr, const std::string& text, double size);

// Round steps (1, 2 or 5 × 10^k) at least `span / most` apart, and the ticks
// they put in [lo, hi].
double tick_step(double span, int most);
std::vector<double> ticks(double lo, double hi, int most);
// 20, 50, 100, 200, 500, 1k... within [lo, hi], for a log frequency axis.
std::vector<double> frequency_ticks(double lo, double hi);
// "1.5", "-60", "2k"
std::string tick_label(double v, bool kilo = false);

// "▬ left ▬ right": what each colour of a strip is, above its top right.
void draw_key(cairo_t* cr, const PageLayout& page, const Strip& s, const std::vector<std::pair<std::string, Rgb>>& keys);

// Everything of a strip but its content; `unit` follows the value labels ("dB", "Hz").
void draw_strip_frame(cairo_t* cr, const PageLayout& page, const Strip& s, const std::string& unit);

}  // namespace simvx
