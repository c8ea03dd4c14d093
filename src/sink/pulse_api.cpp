#include "sink/pulse_api.hpp"

#include "core/dynamic_library.hpp"
#include "core/error.hpp"

namespace simvx::pulse {
namespace {

// The major version simvxplay was built against (libpulse has kept its ABI
// under this name since 0.9).
constexpr const char* kSoname = "libpulse.so.0";

using Loaded = LoadedLibrary<Api>;

Loaded load() {
    Loaded l;
    void* lib = open_library(kSoname, l.why);
    if (!lib) return l;
#define SIMVX_PULSE_FIND(name) &&find_symbol(lib, kSoname, #name, l.api.name, l.why)
    l.ok = true SIMVX_PULSE_FUNCTIONS(SIMVX_PULSE_FIND);
#undef SIMVX_PULSE_FIND
    return l;
}

const Loaded& loaded() {
    static const Loaded l = load();
    return l;
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
