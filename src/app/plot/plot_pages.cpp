#include "app/plot/plot_pages.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "app/measure/expect.hpp"
#include "app/plot/axes.hpp"
#include "app/plot/plot_file.hpp"
#include "app/plot/strips.hpp"
#include "core/time_format.hpp"

namespace simvx {
namespace {

void draw_title(cairo_t* cr, const PageLayout& page, const std::string& title) {
    set_colour(cr, plot_colour::page);
    cairo_lib::lib().cairo_paint(cr);
    set_colour(cr, plot_colour::text);
    draw_text(cr, page.left, 24, title, Align::left, 16);
}

double seconds_of(const SignalSummary& s) { return static_cast<double>(s.frames()) / s.rate(); }

}  // namespace

PageLayout write_plot(const std::string& path, const PlotCollector& data, const std::string& name,
                      const std::vector<std::string>& bus_names, int width) {
    const SignalSummary& out = data.output();
    std::vector<std::string> strips;
    for (size_t r = 0; r < bus_names.size(); ++r)
        if (data.bus(r + 1)) strips.push_back(bus_names[r]);
    const PageLayout page = plot_page_layout(width, seconds_of(out), out.rate(), strips);
    const std::string title = name + "  ·  " + format_time(seconds_of(out)) + "  ·  integrated " +
                              format_db(data.loudness().integrated_lufs(), "LUFS");
    write_picture(path, page.width, page.height, [&](cairo_t* cr) {
        draw_title(cr, page, title);
        for (const Strip& s : page.strips) switch (s.kind) {
                case StripKind::waveform:
                    draw_waveform(cr, page, s, s.row && data.bus(s.row) ? *data.bus(s.row) : out);
                    break;
                case StripKind::spectrogram: draw_spectrogram(cr, page, s, out, kSpectrogramDb); break;
                case StripKind::loudness:
                    draw_strip_frame(cr, page, s, "LUFS");
                    draw_level(cr, page, s, data.loudness().shortterm(), out.rate(), plot_colour::loudness, false);
                    draw_level(cr, page, s, data.loudness().true_peak(), out.rate(), plot_colour::true_peak, false);
                    draw_key(cr, page, s, {{"short-term LUFS", plot_colour::loudness}, {"true peak dBTP", plot_colour::true_peak}});
                    break;
                case StripKind::residual: break;
            }
    });
    return page;
}

PageLayout write_diff_plot(const std::string& path, const SignalSummary& residual, double tolerance_db,
                           const std::string& title, int width) {
    const PageLayout page = diff_page_layout(width, seconds_of(residual), residual.rate(), tolerance_db);
    write_picture(path, page.width, page.height, [&](cairo_t* cr) {
        draw_title(cr, page, title);
        for (const Strip& s : page.strips) {
            if (s.kind == StripKind::residual) draw_residual(cr, page, s, residual, tolerance_db);
            if (s.kind == StripKind::spectrogram) draw_spectrogram(cr, page, s, residual, residual_db_range(tolerance_db));
        }
    });
    return page;
}

std::string diff_plot_path(const std::string& plot_path, const std::string& render_path) {
    std::filesystem::path p;
    std::string ext = ".png";
    if (!plot_path.empty()) {
        p = plot_path;
        ext = p.extension().string();
    } else if (!render_path.empty() && render_path != "-") {
        p = render_path;
    } else {
        return {};
    }
    return (p.parent_path() / (p.stem().string() + ".diff" + ext)).string();
}

std::string describe_layout(const PageLayout& page) {
    char s[160];
    std::snprintf(s, sizeof s, "%dx%d px, time axis %.0f..%.0f px for 0..%.3f s", page.width, page.height, page.left,
                  page.right, page.seconds);
    std::string out = s;
    for (const Strip& st : page.strips) {
        std::snprintf(s, sizeof s, "; %s rows %.0f..%.0f (%g..%g%s)", st.label.c_str(), st.top, st.bottom, st.lo, st.hi,
                      st.log ? ", log" : "");
        out += s;
    }
    return out;
}

}  // namespace simvx
