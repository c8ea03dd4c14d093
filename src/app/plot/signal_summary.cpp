#include "app/plot/signal_summary.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace simvx {

void SpectrumCell::merge(const SpectrumCell& o) {
    if (o.weight == 0) return;
    if (weight == 0) {
        *this = o;
        return;
    }
    const float a = static_cast<float>(weight) / static_cast<float>(weight + o.weight);
    for (size_t k = 0; k < power.size() && k < o.power.size(); ++k) power[k] = a * power[k] + (1 - a) * o.power[k];
    weight += o.weight;
}

SignalSummary::SignalSummary(uint32_t channels, uint32_t rate, bool spectrogram)
    : stride_(std::max<uint32_t>(channels, 1)),
      channels_(std::min(stride_, kPlotChannels)),
      rate_(rate),
      wave_(kWaveSliceFrames, kWaveCells),
      spectra_(kHop, kSpectrumCells, kHop / 2) {
    if (!spectrogram) return;
    fft_ = std::make_unique<RealFft>(kFftSize);
    // 4-term Blackman-Harris; a sine of amplitude A gives |X| = A·N·a0/2 at its bin.
    constexpr double a0 = 0.35875, a1 = 0.48829, a2 = 0.14128, a3 = 0.01168;
    window_.resize(kFftSize);
    const double scale = 2.0 / (kFftSize * a0);
    for (size_t i = 0; i < kFftSize; ++i) {
        const double x = 2 * std::numbers::pi * static_cast<double>(i) / kFftSize;
        window_[i] = static_cast<float>(scale * (a0 - a1 * std::cos(x) + a2 * std::cos(2 * x) - a3 * std::cos(3 * x)));
    }
    history_.assign(kFftSize, 0.0f);
}

void SignalSummary::add(const float* x, size_t frames) {
    for (size_t i = 0; i < frames; ++i) {
        const float* f = x + i * stride_;
        float mono = 0;
        for (uint32_t c = 0; c < channels_; ++c) {
            if (in_slice_ == 0) slice_.lo[c] = slice_.hi[c] = f[c];
            slice_.lo[c] = std::min(slice_.lo[c], f[c]);
            slice_.hi[c] = std::max(slice_.hi[c], f[c]);
            mono += f[c];
        }
        if (++in_slice_ == kWaveSliceFrames) {
            wave_.push(slice_);
            in_slice_ = 0;
        }
        if (fft_) {
            history_[kFftSize - kHop + in_hop_] = mono / static_cast<float>(channels_);
            if (++in_hop_ == kHop) spectrum();
        }
    }
    frames_ += frames;
}

// The window ending at the last hop's end: centred on the hop before it.
void SignalSummary::spectrum() {
    auto in = fft_->input();
    for (size_t i = 0; i < kFftSize; ++i) in[i] = history_[i] * window_[i];
    const auto out = fft_->forward();
    SpectrumCell cell;
    cell.power.resize(out.size());
    for (size_t k = 0; k < out.size(); ++k) cell.power[k] = std::norm(out[k]);
    cell.weight = 1;
    spectra_.push(std::move(cell));
    std::copy(history_.begin() + kHop, history_.end(), history_.begin());
    std::fill(history_.begin() + (kFftSize - kHop), history_.end(), 0.0f);
    in_hop_ = 0;
}

void SignalSummary::finish() {
    if (in_slice_) {
        wave_.push(slice_);
        in_slice_ = 0;
    }
    if (fft_ && in_hop_) spectrum();  // zero-padded
}

size_t SignalSummary::bytes() const noexcept {
    size_t n = sizeof *this + wave_.size() * sizeof(WaveCell) + history_.size() * sizeof(float) +
               window_.size() * sizeof(float);
    for (size_t i = 0; i < spectra_.size(); ++i) n += sizeof(SpectrumCell) + spectra_[i].power.size() * sizeof(float);
    return n;
}

}  // namespace simvx
