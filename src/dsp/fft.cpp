#include "dsp/fft.hpp"

#include <fftw3.h>

#include <mutex>
#include <new>
#include <stdexcept>

namespace simvx {
namespace {

// FFTW's planner is not thread-safe; executing a plan is.
std::mutex& planner_mutex() {
    static std::mutex m;
    return m;
}

}  // namespace

RealFft::RealFft(size_t size) : size_(size) {
    if (size < 2) throw std::invalid_argument("RealFft: size must be at least 2");
    std::lock_guard lock(planner_mutex());
    in_ = fftwf_alloc_real(size);
    out_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(size / 2 + 1));
    if (!in_ || !out_) {
        fftwf_free(in_);
        fftwf_free(out_);
        throw std::bad_alloc();
    }
    // FFTW_ESTIMATE: no timing runs, so the same input gives the same output on every run.
    plan_ = fftwf_plan_dft_r2c_1d(static_cast<int>(size), in_, reinterpret_cast<fftwf_complex*>(out_), FFTW_ESTIMATE);
    if (!plan_) {
        fftwf_free(in_);
        fftwf_free(out_);
        throw std::runtime_error("RealFft: FFTW could not plan a transform of " + std::to_string(size));
    }
}

RealFft::~RealFft() {
    std::lock_guard lock(planner_mutex());
    fftwf_destroy_plan(static_cast<fftwf_plan>(plan_));
    fftwf_free(in_);
    fftwf_free(out_);
}

std::span<const std::complex<float>> RealFft::forward() noexcept {
    fftwf_execute(static_cast<fftwf_plan>(plan_));
    return {out_, bins()};
}

}  // namespace simvx
