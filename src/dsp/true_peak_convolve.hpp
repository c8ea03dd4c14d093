// The true-peak meter's inner loop (dsp/true_peak.cpp): one polyphase row of
// the interpolation filter run over a block, g[i] = sum_k h[k] x[i + k].
// It is most of what --stats and --normalize cost (and binaural 3D's
// convolution, dsp/binaural_fir, runs on it too), so it runs in the widest
// vectors the CPU has (on x86: AVX-512, AVX, else SSE2, chosen once at run time),
// every width computing each output with the same multiplies and adds in the
// same order (no fused multiply-add: the build has -ffp-contract=off), so
// the true peak reads the same to the bit on every x86-64 machine.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace simvx {

// Every width the running CPU can run, widest first (the meter takes the
// first), by name ("avx512", "avx", "sse2"): the tests hold them to the same
// bits. `run`: x holds points + taps - 1 samples; no allocation.
struct ConvolveKernel {
    const char* isa;
    void (*run)(const float* x, const float* h, uint32_t taps, float* g, size_t points) noexcept;
};
std::vector<ConvolveKernel> convolve_taps_kernels();

}  // namespace simvx
