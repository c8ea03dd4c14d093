#include "app/plot/cairo_api.hpp"

#include <string>

#include "core/dynamic_library.hpp"
#include "core/error.hpp"

namespace simvx::cairo_lib {
namespace {

// The major versions simvxplay was built against.
constexpr const char* kCairo = "libcairo.so.2";
constexpr const char* kFontconfig = "libfontconfig.so.1";

LoadedLibrary<Api> load() {
    LoadedLibrary<Api> library = load_library<Api>(kCairo, [](void* lib, const char* soname, LoadedLibrary<Api>& l) {
        return true SIMVX_CAIRO_FUNCTIONS(SIMVX_LIBRARY_FIND);
    });
    // fontconfig is one of cairo's own libraries: loaded with it, opened again for FcFini.
    void* fontconfig = library.ok ? open_library(kFontconfig, library.why) : nullptr;
    library.ok = fontconfig && find_symbol(fontconfig, kFontconfig, "FcFini", library.api.FcFini, library.why);
    return library;
}

}  // namespace

const Api& require() {
    static const LoadedLibrary<Api> l = load();
    if (!l.ok) throw OutputError("cannot draw plots: " + l.why);
    return l.api;
}

}  // namespace simvx::cairo_lib
