// FFTW (single precision), loaded when the first transform is planned
// (--plot's spectrogram, an HRTF set's resampling): most runs never take a
// Fourier transform, and every start of simvxplay would pay for loading it.
// The functions RealFft calls are looked up once, by their own declared
// types (core/dynamic_library.hpp).
#pragma once
#include <fftw3.h>

#include "core/dynamic_library.hpp"

namespace simvx::fftw_lib {

#define SIMVX_FFTW_FUNCTIONS(X)                                                                                       \
    X(fftwf_alloc_real) X(fftwf_alloc_complex) X(fftwf_free) X(fftwf_plan_dft_r2c_1d) X(fftwf_destroy_plan)            \
    X(fftwf_execute)

struct Api {
    SIMVX_FFTW_FUNCTIONS(SIMVX_LIBRARY_MEMBER)
};

// The loaded functions; throws std::runtime_error saying why when FFTW cannot
// be loaded. Thread-safe; loads once.
const Api& require();

}  // namespace simvx::fftw_lib
