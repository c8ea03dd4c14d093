// Shared libraries loaded when first needed (dlopen) rather than linked:
// those that pull in dozens of others (FFmpeg, libpulse) and serve only some
// runs would otherwise slow every start. Each function is looked up by the
// type its own header declares, so a call through the pointer is checked as
// a direct call would be.
#pragma once
#include <dlfcn.h>

#include <string>

namespace simvx {

// Looks `name` up in `lib` (opened from `soname`) into `fn`; false, with the
// reason in `why`, when the library has no such symbol.
template <class F>
bool find_symbol(void* lib, const char* soname, const char* name, F& fn, std::string& why) {
    fn = reinterpret_cast<F>(dlsym(lib, name));
    if (!fn) why = std::string(soname) + " has no " + name;
    return fn != nullptr;
}

// Opens `soname` for good (its functions are used until the process ends);
// nullptr, with why in `why` ("libpulse.so.0: cannot open shared object
// file: ..."), when it cannot.
inline void* open_library(const char* soname, std::string& why) {
    void* lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* err = dlerror();
        why = err ? err : std::string("cannot load ") + soname;
    }
    return lib;
}

// A table of functions and how its loading went: each user keeps one in a
// function-local static, so it loads once, thread-safely, on first use.
template <class Api>
struct LoadedLibrary {
    Api api{};
    bool ok = false;
    std::string why;  // why not, when !ok
};

}  // namespace simvx
