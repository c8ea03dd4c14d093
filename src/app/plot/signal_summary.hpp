// What --plot keeps of one signal (the output, a bus, --expect's residual),
// in bounded memory: the lowest and highest sample of each short slice per
// channel (the waveform), and optionally the spectrogram: power spectra of
// a 2048-point FFT every 1024 frames (4-term Blackman-Harris window: its
// side lobes stay below -92 dB, so a tone shows as one bright row), in dB
// relative to a full-scale sine. Both halve their time resolution as the
// signal grows (halving_series.hpp). Fed in order from one (non-audio) thread.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "app/plot/halving_series.hpp"
#include "dsp/fft.hpp"

namespace simvx {

inline constexpr uint32_t kPlotChannels = 2;  // the output's channels (1 or 2), a bus's (2)

struct WaveCell {
    std::array<float, kPlotChannels> lo{}, hi{};
    void merge(const WaveCell& o) {
        for (size_t c = 0; c < kPlotChannels; ++c) {
            lo[c] = std::min(lo[c], o.lo[c]);
            hi[c] = std::max(hi[c], o.hi[c]);
        }
    }
};

// Mean power per FFT bin (1.0 = a full-scale sine) over `weight` spectra.
struct SpectrumCell {
    std::vector<float> power;
    uint32_t weight = 0;
    void merge(const SpectrumCell& o);
};

class SignalSummary {
public:
    static constexpr uint64_t kWaveSliceFrames = 32;
    static constexpr size_t kWaveCells = 8192;
    static constexpr size_t kFftSize = 2048;
    static constexpr uint64_t kHop = kFftSize / 2;
    static constexpr size_t kSpectrumCells = 1024;

    SignalSummary(uint32_t channels, uint32_t rate, bool spectrogram);

    void add(const float* interleaved, size_t frames);
    // The last partial slice and spectrum; call once, when the signal ended.
    void finish();

    uint32_t channels() const noexcept { return channels_; }
    uint32_t rate() const noexcept { return rate_; }
    uint64_t frames() const noexcept { return frames_; }
    const HalvingSeries<WaveCell>& wave() const noexcept { return wave_; }
    bool has_spectrogram() const noexcept { return fft_ != nullptr; }
    // Cell i is the spectrum of the window centred on frame i·kHop.
    const HalvingSeries<SpectrumCell>& spectrogram() const noexcept { return spectra_; }
    // The frequency of FFT bin k.
    double bin_hz(double k) const noexcept { return k * rate_ / static_cast<double>(kFftSize); }
    // What the summary holds now, in bytes (bounded whatever the length).
    size_t bytes() const noexcept;

private:
    void spectrum();

    uint32_t stride_;    // the signal's channels
    uint32_t channels_;  // those plotted (the first two)
    uint32_t rate_;
    uint64_t frames_ = 0;
    WaveCell slice_{};
    uint64_t in_slice_ = 0;
    HalvingSeries<WaveCell> wave_;
    std::unique_ptr<RealFft> fft_;
    std::vector<float> window_;   // Blackman-Harris, scaled so a full-scale sine's bin has power 1
    std::vector<float> history_;  // the last kFftSize mono frames, oldest first
    uint64_t in_hop_ = 0;
    HalvingSeries<SpectrumCell> spectra_;
};

}  // namespace simvx
