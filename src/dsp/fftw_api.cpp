#include "dsp/fftw_api.hpp"

#include <stdexcept>
#include <string>

namespace simvx::fftw_lib {

const Api& require() {
    // The major version simvxplay was built against.
    static const LoadedLibrary<Api> library =
        load_library<Api>("libfftw3f.so.3", [](void* lib, const char* soname, LoadedLibrary<Api>& l) {
            return true SIMVX_FFTW_FUNCTIONS(SIMVX_LIBRARY_FIND);
        });
    if (!library.ok) throw std::runtime_error("FFTW cannot be loaded (" + library.why + ")");
    return library.api;
}

}  // namespace simvx::fftw_lib
