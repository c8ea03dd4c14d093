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
//
// Most of the grid cannot change the reading once a peak has been read, and
// is not interpolated at all. A group of points is passed over when a
// bound on everything a search of it could read (each point, each point a
// climb visits, each parabola's top) stays at or below the peak so far:
// - quiet stretches: no point can even be a candidate (the filter's
//   absolute sum times the loudest sample within reach, under 70% of the
//   peak);
// - loud ones: between two samples, the interpolated signal is the straight
//   line joining them plus a remainder that the filter's taps, summed twice
//   (summation by parts), bound by the samples' largest second difference
//   |x[k] - 2 x[k+1] + x[k+2]| within reach. A signal with little energy
//   near Nyquist bends little, so only the stretches within a few percent of
//   the peak are searched.
// Nothing passed over could have raised the peak, so the reading is the
// same, to the bit, as with every point interpolated (Screening::off, kept
// for the test that says so).
// Fed in order from one thread; prepare allocates, add does not.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace simvx {

class TruePeakMeter {
public:
    enum class Screening { on, off };
    explicit TruePeakMeter(uint32_t channels, Screening screening = Screening::on);

    // Interleaved frames. Allocation free.
    void add(const float* interleaved, size_t frames) noexcept;
    // The largest magnitude so far (linear, all channels), the signal taken as
    // silent after the last frame given (the filter's lookahead drained).
    float peak() const;

    // Grid points passed over without being interpolated (all channels), for
    // the tests and benchmarks that say how much the screen saves.
    uint64_t passed_over() const noexcept { return passed_over_; }

    static constexpr uint32_t kTaps = 96;   // input samples per interpolated point
    static constexpr uint32_t kFine = 32;   // points per sample around candidates

private:
    struct Channel {
        std::vector<float> x;    // kHistory samples of history, then up to kBlock new ones
        size_t filled = 0;       // samples in x
        float peak = 0;          // refined maximum so far
        float last_mid = 0;      // |the last midpoint scanned| (the grid before the next sample)
        bool last_mid_known = true;  // false when its group was passed over (computed when needed)
    };
    void set_screen_bounds();
    void scan(Channel& c, size_t points) noexcept;
    // Whether searching the group [from, from + n) can read nothing above `peak`.
    bool cannot_raise(const float* x, size_t from, size_t n, float peak) noexcept;
    // The points of the group [from, from + n), interpolated, then searched for candidates.
    void search(Channel& c, size_t from, size_t n) noexcept;
    float refine(const float* x, int fine, float left, float centre, float right) const noexcept;
    float magnitude(const float* x, int fine) const noexcept;
    float at(const float* window, uint32_t fine_phase) const noexcept;
    // The taps of the point half a sample after the window's centre (the 2x grid's).
    const float* midpoint_row() const noexcept { return phases_.data() + static_cast<size_t>(kFine / 2) * kTaps; }

    uint32_t channels_;
    std::vector<Channel> chans_;
    std::vector<float> phases_;  // kFine rows of kTaps coefficients
    std::vector<float> grid_;    // scratch: one block of midpoints
    std::vector<float> screen_grid_;  // scratch: one group's midpoints through the central taps
    std::vector<float> chunk_peak_;   // scratch: |x| maxima of the buffer, chunk by chunk
    std::vector<float> chunk_bend_;   // scratch: |second difference| maxima, chunk by chunk
    bool screen_;
    uint64_t passed_over_ = 0;
    // The screen's weights (set_screen_bounds): on the loudest sample within
    // reach and on the largest second difference within reach.
    double sum_abs_ = 0, tail_abs_ = 0;      // the midpoint row's absolute sum, and its outer taps'
    double value_bend_ = 0, value_level_ = 0; // |a point - the line between its samples|
    double step_bend_ = 0, step_level_ = 0;  // |a point - the one 1/kFine before it|
    double curve_bend_ = 0, curve_level_ = 0; // |the second difference of three points 1/kFine apart|
    // The midpoint grid's convolution, in the CPU's widest vectors (dsp/true_peak_convolve.hpp).
    void (*convolve_)(const float* x, const float* h, uint32_t taps, float* g, size_t points) noexcept;
};

}  // namespace simvx
