#include "dsp/fftw_api.hpp"

#include <stdexcept>
#include <string>

#include "core/dynamic_library.hpp"

namespace simvx::fftw_lib {
namespace {

constexpr const char* kSoname = "libfftw3f.so.3";  // the major version simvxplay was built against

LoadedLibrary<Api> load() {
    LoadedLibrary<Api> l;
    void* lib = open_library(kSoname, l.why);
    Api& a = l.api;
    l.ok = lib && find_symbol(lib, kSoname, "fftwf_alloc_real", a.fftwf_alloc_real, l.why) &&
           find_symbol(lib, kSoname, "fftwf_alloc_complex", a.fftwf_alloc_complex, l.why) &&
           find_symbol(lib, kSoname, "fftwf_free", a.fftwf_free, l.why) &&
           find_symbol(lib, kSoname, "fftwf_plan_dft_r2c_1d", a.fftwf_plan_dft_r2c_1d, l.why) &&
           find_symbol(lib, kSoname, "fftwf_destroy_plan", a.fftwf_destroy_plan, l.why) &&
           find_symbol(lib, kSoname, "fftwf_execute", a.fftwf_execute, l.why);
    return l;
}

}  // namespace

const Api& require() {
    static const LoadedLibrary<Api> l = load();
    if (!l.ok) throw std::runtime_error("FFTW cannot be loaded (" + l.why + ")");
    return l.api;
}

}  // namespace simvx::fftw_lib
