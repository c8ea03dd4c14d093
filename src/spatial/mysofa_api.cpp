#include "spatial/mysofa_api.hpp"

#include "core/error.hpp"

namespace simvx::mysofa_lib {

const Api& require(const std::string& sofa_path) {
    // The major version simvxplay was built against.
    static const LoadedLibrary<Api> library =
        load_library<Api>("libmysofa.so.1", [](void* lib, const char* soname, LoadedLibrary<Api>& l) {
            return true SIMVX_MYSOFA_FUNCTIONS(SIMVX_LIBRARY_FIND);
        });
    if (!library.ok) throw InputError(sofa_path + ": cannot read the HRTF set: libmysofa cannot be loaded (" + library.why + ")");
    return library.api;
}

}  // namespace simvx::mysofa_lib
