// The contents of the strips of a --plot page, each drawn into the strip the
// layout gives it (its frame: axes.hpp).
#pragma once

#include "app/plot/cairo_api.hpp"
#include "app/plot/halving_series.hpp"
#include "app/plot/loudness_track.hpp"
#include "app/plot/page_layout.hpp"
#include "app/plot/signal_summary.hpp"

namespace simvx {

// The frames pixel column `x` covers (at least one).
struct FrameSpan {
    uint64_t from, to;
};
FrameSpan column_frames(const PageLayout& page, int x, uint32_t rate);

// Lowest to highest sample per pixel column, per channel overlaid (waveform_strip.cpp).
void draw_waveform(cairo_t* cr, const PageLayout& page, const Strip& s, const SignalSummary& signal);
// Power per pixel as a colour over `db`, and the colour bar beside it (spectrogram_strip.cpp).
void draw_spectrogram(cairo_t* cr, const PageLayout& page, const Strip& s, const SignalSummary& signal, DbRange db);
// A level over time as a line, the largest value per pixel column; values
// under the axis sit on its bottom when `floor_silence`, else break the line (level_strip.cpp).
void draw_level(cairo_t* cr, const PageLayout& page, const Strip& s, const HalvingSeries<LevelCell>& series,
                uint32_t rate, Rgb colour, bool floor_silence);
// The residual's peak per column in dBFS (its waveform's largest |sample|), and the tolerance line.
void draw_residual(cairo_t* cr, const PageLayout& page, const Strip& s, const SignalSummary& residual, double tolerance_db);

}  // namespace simvx
