// A mono signal through a pair of FIR filters (left and right ear), with the
// pair allowed to change every block without a click: the block's output is
// the output of the old pair crossfaded linearly into the output of the new
// one (each a true convolution of the same input history), so a moving
// source's filters never switch mid-signal. A crossfade of the outputs
// equals a per-sample linear interpolation of the coefficients. Direct
// convolution: for HRIRs of a few hundred taps the block sizes of a live
// mix (down to a few frames, and any size) would make FFT blocks wait for
// input; bench/README.md has the figures.
#pragma once
#include <cstddef>
#include <vector>

#include "core/realtime.hpp"

namespace simvx {

class BinauralFir {
public:
    // Allocates the input history for filters of `taps` coefficients.
    explicit BinauralFir(size_t taps);

    size_t taps() const noexcept { return taps_; }
    // Forgets the input (silence before the next block).
    void reset() noexcept;

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
    size_t taps_;
    std::vector<float> history_;  // the last taps_ - 1 inputs, then the chunk's
};

}  // namespace simvx
