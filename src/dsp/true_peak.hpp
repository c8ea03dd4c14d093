// True peak (ITU-R BS.1770's dBTP, read exactly): the largest magnitude of
// the band-limited signal between the samples, not only at them.
//
// libebur128 (and BS.1770's annex) interpolate 4x with a short filter and
// read up to 0.7 dB low near Nyquist and ~0.1 dB low on music. Here the
// points halfway between the samples are interpolated with a long
// windowed-sinc filter (flat to 21 kHz at 44.1 kHz: the images of every tone
// below that are 60 dB down), in vector loops; every point of that 2x grid
// that is a local maximum and may be near the largest so far (within the
// largest drop a band-limited signal can show over a quarter of a sample) is
// then climbed from at 32x with the same filter, and the peak read off a
// parabola. The result is within 0.01 dB of a dense reference on tones
// up to 21 kHz, inter-sample overs and noise
// (tests/unit/dsp/true_peak_test.cpp), at a fraction of libebur128's cost.
// Fed in order from one thread; prepare allocates, add does not.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace simvx {

class TruePeakMeter {
public:
    explicit TruePeakMeter(uint32_t channels);

    // Interleaved frames. Allocation free.
    void add(const float* interleaved, size_t frames) noexcept;
    // The largest magnitude so far (linear, all channels), the signal taken as
    // silent after the last frame given (the filter's lookahead drained).
    float peak() const;

    static constexpr uint32_t kTaps = 96;   // input samples per interpolated point
    static constexpr uint32_t kFine = 32;   // points per sample around candidates

private:
    struct Channel {
        std::vector<float> x;    // kHistory samples of history, then up to kBlock new ones
        size_t filled = 0;       // samples in x
        float peak = 0;          // refined maximum so far
        float last_mid = 0;      // |the last midpoint scanned| (the grid before the next sample)
    };
    void scan(Channel& c, size_t points) noexcept;
    float refine(const float* x, int fine, float left, float centre, float right) const noexcept;
    float magnitude(const float* x, int fine) const noexcept;
    float at(const float* window, uint32_t fine_phase) const noexcept;

    uint32_t channels_;
    std::vector<Channel> chans_;
    std::vector<float> phases_;  // kFine rows of kTaps coefficients
    std::vector<float> grid_;    // scratch: one block of midpoints
    // The midpoint grid's convolution, in the CPU's widest vectors (dsp/true_peak_convolve.hpp).
    void (*convolve_)(const float* x, const float* h, uint32_t taps, float* g, size_t points) noexcept;
};

}  // namespace simvx
