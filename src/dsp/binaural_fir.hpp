// A mono signal through a pair of FIR filters (left and right ear), with the
// pair allowed to change every block without a click: the block's output is
// the output of the old pair crossfaded linearly into the output of the new
// one (each a true convolution of the same input history), so a moving
// source's filters never switch mid-signal. A crossfade of the outputs
// equals a per-sample linear interpolation of the coefficients. Direct
// convolution, in the widest vectors the CPU has (the true-peak meter's
// kernel, dsp/true_peak_convolve: the same bits at every width): it adds no
// latency and takes blocks of any size, where an FFT would wait for a
// partition's worth of input; bench/README.md has the figures.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/realtime.hpp"

namespace simvx {

class BinauralFir {
public:
    // Allocates the input history for filters of `taps` coefficients.
    explicit BinauralFir(size_t taps);

    size_t taps() const noexcept { return taps_; }
    // Takes `frames` inputs into the history without filtering them (a block
    // that is not heard: the next one's filters still reach back into it).
    void push(const float* in, size_t frames) noexcept SIMVX_REALTIME;

    // Where `frames` samples lie in the crossfade: frame j of them has the
    // weight (offset + j + 1) / length of the new filters (a block may be
    // filtered in pieces; the fade spans the block).
    struct Fade {
        size_t offset = 0, length = 1;
    };
    // Filters `frames` samples of `in` into `out` (stereo interleaved,
    // overwritten). `from` and `to` hold taps() left then taps() right
    // coefficients; the output fades from `from`'s to `to`'s as `fade` says.
    // When they are the same pointer, one convolution.
    void process(const float* in, size_t frames, const float* from, const float* to, float* out, Fade fade) noexcept SIMVX_REALTIME;

    static constexpr size_t kChunk = 128;  // frames filtered at a time

private:
    void reverse_into(const float* pair, float* dst) const noexcept SIMVX_REALTIME;

    size_t taps_;
    std::vector<float> history_;   // the last taps_ - 1 inputs, then the chunk's
    std::vector<float> reversed_;  // from's pair, then to's, each ear last tap first
    void (*convolve_)(const float* x, const float* h, uint32_t taps, float* g, size_t points) noexcept;
};

}  // namespace simvx
