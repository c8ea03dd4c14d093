#include "spatial/mysofa_api.hpp"

#include "core/dynamic_library.hpp"
#include "core/error.hpp"

namespace simvx::mysofa_lib {
namespace {

constexpr const char* kSoname = "libmysofa.so.1";  // the major version simvxplay was built against

LoadedLibrary<Api> load() {
    LoadedLibrary<Api> l;
    void* lib = open_library(kSoname, l.why);
    Api& a = l.api;
    l.ok = lib && find_symbol(lib, kSoname, "mysofa_open", a.mysofa_open, l.why) &&
           find_symbol(lib, kSoname, "mysofa_close", a.mysofa_close, l.why) &&
           find_symbol(lib, kSoname, "mysofa_getfilter_float", a.mysofa_getfilter_float, l.why) &&
           find_symbol(lib, kSoname, "mysofa_s2c", a.mysofa_s2c, l.why);
    return l;
}

}  // namespace

const Api& require(const std::string& sofa_path) {
    static const LoadedLibrary<Api> l = load();
    if (!l.ok) throw InputError(sofa_path + ": cannot read the HRTF set: libmysofa cannot be loaded (" + l.why + ")");
    return l.api;
}

}  // namespace simvx::mysofa_lib
