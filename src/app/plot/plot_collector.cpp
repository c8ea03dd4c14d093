#include "app/plot/plot_collector.hpp"

namespace simvx {

PlotCollector::PlotCollector(size_t rows, const AudioSpec& output, bool buses) : loudness_(output.channels, output.rate) {
    rows_.push_back(std::make_unique<SignalSummary>(output.channels, output.rate, true));
    if (buses)
        for (size_t r = 1; r < rows; ++r) rows_.push_back(std::make_unique<SignalSummary>(2, output.rate, false));
}

void PlotCollector::row_block(size_t row, const float* x, size_t frames) {
    if (row >= rows_.size()) return;  // a bus without a strip
    rows_[row]->add(x, frames);
    if (row == 0) loudness_.add(x, frames);
}

void PlotCollector::finish() {
    for (auto& r : rows_) r->finish();
}

}  // namespace simvx
