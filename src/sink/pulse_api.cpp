#include "sink/pulse_api.hpp"

#include "core/dynamic_library.hpp"
#include "core/error.hpp"

namespace simvx::pulse {
namespace {

// The major version simvxplay was built against (libpulse has kept its ABI
// under this name since 0.9).
constexpr const char* kSoname = "libpulse.so.0";

const LoadedLibrary<Api>& loaded() {
    static const LoadedLibrary<Api> library = load_library<Api>(kSoname, [](void* lib, const char* soname, LoadedLibrary<Api>& l) {
        return true SIMVX_PULSE_FUNCTIONS(SIMVX_LIBRARY_FIND);
    });
    return library;
}

}  // namespace

const Api* api() { return loaded().ok ? &loaded().api : nullptr; }

const Api& require() {
    if (const Api* a = api()) return *a;
    throw NoServerError("the PulseAudio client library cannot be loaded (" + loaded().why + ")");
}

std::string version() {
    if (const Api* a = api()) return std::string("libpulse ") + a->pa_get_library_version();
    return "libpulse: not available (" + loaded().why + ")";
}

}  // namespace simvx::pulse
