// FFTW (single precision), loaded when the first transform is planned
// (--plot's spectrogram, an HRTF set's resampling): most runs never take a
// Fourier transform, and every start of simvxplay would pay for loading it.
// The functions RealFft calls are looked up once, by their own declared
// types (core/dynamic_library.hpp).
#pragma once
#include <fftw3.h>

namespace simvx::fftw_lib {

struct Api {
    decltype(&::fftwf_alloc_real) fftwf_alloc_real;
    decltype(&::fftwf_alloc_complex) fftwf_alloc_complex;
    decltype(&::fftwf_free) fftwf_free;
    decltype(&::fftwf_plan_dft_r2c_1d) fftwf_plan_dft_r2c_1d;
    decltype(&::fftwf_destroy_plan) fftwf_destroy_plan;
    decltype(&::fftwf_execute) fftwf_execute;
};

// The loaded functions; throws std::runtime_error saying why when FFTW cannot
// be loaded. Thread-safe; loads once.
const Api& require();

}  // namespace simvx::fftw_lib
