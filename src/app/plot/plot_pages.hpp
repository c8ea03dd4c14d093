// The two pictures: --plot's page after a run, and the page a failed
// --expect writes beside it. Each returns the layout it drew with (-v
// prints it; tests compute the same with page_layout.hpp).
#pragma once
#include <string>
#include <vector>

#include "app/plot/page_layout.hpp"
#include "app/plot/plot_collector.hpp"
#include "app/plot/signal_summary.hpp"

namespace simvx {

// `name`: the scene's or file's name for the title; `bus_names`: the rows of
// `data` after the output (BusMeters::names() without its first).
PageLayout write_plot(const std::string& path, const PlotCollector& data, const std::string& name,
                      const std::vector<std::string>& bus_names, int width = kDefaultPlotWidth);

// `title`: what was compared, and how it failed.
PageLayout write_diff_plot(const std::string& path, const SignalSummary& residual, double tolerance_db,
                           const std::string& title, int width = kDefaultPlotWidth);

// Where a failed --expect's picture goes: beside --plot FILE.EXT as
// FILE.diff.EXT, else beside the render as RENDER.diff.png (without the
// render's extension); empty for a render to standard output without --plot.
std::string diff_plot_path(const std::string& plot_path, const std::string& render_path);

// "1600x856 px, time axis 84..1470 px for 0..4.000 s; Waveform rows 48..228 (-1..1); ..." (-v)
std::string describe_layout(const PageLayout& page);

}  // namespace simvx
