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

// A table's members and their lookups from one list of function names, an
// X-macro (LIST(X) expands X(name) for each):
//   struct Api { LIST(SIMVX_LIBRARY_MEMBER) };
//   load_library<Api>("libfoo.so.1", [](void* lib, const char* soname, LoadedLibrary<Api>& l) {
//       return true LIST(SIMVX_LIBRARY_FIND);
//   });
#define SIMVX_LIBRARY_MEMBER(name) decltype(&::name) name;
#define SIMVX_LIBRARY_FIND(name) &&::simvx::find_symbol(lib, soname, #name, l.api.name, l.why)

// Opens `soname` and looks its functions up with `find_all(lib, soname, l)`.
template <class Api, class FindAll>
LoadedLibrary<Api> load_library(const char* soname, FindAll find_all) {
    LoadedLibrary<Api> l;
    if (void* lib = open_library(soname, l.why)) l.ok = find_all(lib, soname, l);
    return l;
}

}  // namespace simvx
