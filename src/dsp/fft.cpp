#include "dsp/fft.hpp"

#include <mutex>
#include <new>
#include <stdexcept>

#include "dsp/fftw_api.hpp"

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
    const fftw_lib::Api& fftw = fftw_lib::require();
    std::lock_guard lock(planner_mutex());
    in_ = fftw.fftwf_alloc_real(size);
    out_ = reinterpret_cast<std::complex<float>*>(fftw.fftwf_alloc_complex(size / 2 + 1));
    if (!in_ || !out_) {
        fftw.fftwf_free(in_);
        fftw.fftwf_free(out_);
        throw std::bad_alloc();
    }
    // FFTW_ESTIMATE: no timing runs, so the same input gives the same output on every run.
    plan_ = fftw.fftwf_plan_dft_r2c_1d(static_cast<int>(size), in_, reinterpret_cast<fftwf_complex*>(out_), FFTW_ESTIMATE);
    if (!plan_) {
        fftw.fftwf_free(in_);
        fftw.fftwf_free(out_);
        throw std::runtime_error("RealFft: FFTW could not plan a transform of " + std::to_string(size));
    }
}

RealFft::~RealFft() {
    const fftw_lib::Api& fftw = fftw_lib::require();
    std::lock_guard lock(planner_mutex());
    fftw.fftwf_destroy_plan(static_cast<fftwf_plan>(plan_));
    fftw.fftwf_free(in_);
    fftw.fftwf_free(out_);
}

std::span<const std::complex<float>> RealFft::forward() noexcept {
    fftw_lib::require().fftwf_execute(static_cast<fftwf_plan>(plan_));
    return {out_, bins()};
}

}  // namespace simvx
