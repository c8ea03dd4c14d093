// libmysofa, loaded when an HRTF set is first read (`spatial = "hrtf"`,
// --hrtf): with its HDF5 reader it costs every start of simvxplay a little,
// and most runs never render binaurally. The functions the HRTF set calls are
// looked up once, by their own declared types (core/dynamic_library.hpp).
#pragma once
#include <mysofa.h>

#include <string>

namespace simvx::mysofa_lib {

struct Api {
    decltype(&::mysofa_open) mysofa_open;
    decltype(&::mysofa_close) mysofa_close;
    decltype(&::mysofa_getfilter_float) mysofa_getfilter_float;
    decltype(&::mysofa_s2c) mysofa_s2c;
};

// The loaded functions; throws InputError naming `sofa_path` and why when
// libmysofa cannot be loaded. Thread-safe; loads once.
const Api& require(const std::string& sofa_path);

}  // namespace simvx::mysofa_lib
