// --plot's data: the output's waveform, spectrogram and loudness over time,
// and with --plot-buses each bus's waveform, gathered from the blocks
// BusMeters hands on (block_listener.hpp), so the engine keeps one tap.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "app/measure/block_listener.hpp"
#include "app/plot/loudness_track.hpp"
#include "app/plot/signal_summary.hpp"
#include "core/audio_spec.hpp"

namespace simvx {

class PlotCollector final : public BlockListener {
public:
    // `rows`: BusMeters' rows (the output, then every other bus, stereo).
    PlotCollector(size_t rows, const AudioSpec& output, bool buses);

    void row_block(size_t row, const float* interleaved, size_t frames) override;
    // Once the meters finished: the last partial slices.
    void finish();

    const SignalSummary& output() const noexcept { return *rows_[0]; }
    const LoudnessTrack& loudness() const noexcept { return loudness_; }
    // Row r's waveform (r >= 1), null without --plot-buses.
    const SignalSummary* bus(size_t row) const noexcept { return row < rows_.size() ? rows_[row].get() : nullptr; }

private:
    std::vector<std::unique_ptr<SignalSummary>> rows_;
    LoudnessTrack loudness_;
};

}  // namespace simvx
