// A real-input FFT of a fixed size (FFTW, single precision). Making the plan
// is not real-time safe (FFTW plans allocate and share global state): build
// a RealFft on a control thread; forward() then only computes, into buffers
// made with the plan, so it may run anywhere, one call at a time per object.
#pragma once
#include <complex>
#include <cstddef>
#include <span>

#include "core/realtime.hpp"

namespace simvx {

class RealFft {
public:
    explicit RealFft(size_t size);  // any size >= 2; powers of two are fastest
    ~RealFft();
    RealFft(const RealFft&) = delete;
    RealFft& operator=(const RealFft&) = delete;

    size_t size() const noexcept { return size_; }
    size_t bins() const noexcept { return size_ / 2 + 1; }  // DC .. Nyquist
    // The input of the next forward(): size() samples, written by the caller.
    std::span<float> input() noexcept { return {in_, size_}; }
    // Transforms input() (which it may overwrite) into bins() complex values, unnormalized.
    std::span<const std::complex<float>> forward() noexcept SIMVX_REALTIME;

private:
    size_t size_;
    float* in_;
    std::complex<float>* out_;
    void* plan_;
};

}  // namespace simvx
