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
    LoadedLibrary<Api> l;
    void* cairo = open_library(kCairo, l.why);
    void* fontconfig = cairo ? open_library(kFontconfig, l.why) : nullptr;
    if (!fontconfig) return l;
#define SIMVX_CAIRO_FIND(name) &&find_symbol(cairo, kCairo, #name, l.api.name, l.why)
    l.ok = true SIMVX_CAIRO_FUNCTIONS(SIMVX_CAIRO_FIND) && find_symbol(fontconfig, kFontconfig, "FcFini", l.api.FcFini, l.why);
#undef SIMVX_CAIRO_FIND
    return l;
}

}  // namespace

const Api& require() {
    static const LoadedLibrary<Api> l = load();
    if (!l.ok) throw OutputError("cannot draw plots: " + l.why);
    return l.api;
}

}  // namespace simvx::cairo_lib
