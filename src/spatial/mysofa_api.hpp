// libmysofa, loaded when an HRTF set is first read (`spatial = "hrtf"`,
// --hrtf): with its HDF5 reader it costs every start of simvxplay a little,
// and most runs never render binaurally. The functions the HRTF set calls are
// looked up once, by their own declared types (core/dynamic_library.hpp).
#pragma once
#include <mysofa.h>

#include <string>

#include "core/dynamic_library.hpp"

namespace simvx::mysofa_lib {

#define SIMVX_MYSOFA_FUNCTIONS(X) X(mysofa_open) X(mysofa_close) X(mysofa_getfilter_float) X(mysofa_s2c)

struct Api {
    SIMVX_MYSOFA_FUNCTIONS(SIMVX_LIBRARY_MEMBER)
};

// The loaded functions; throws InputError naming `sofa_path` and why when
// libmysofa cannot be loaded. Thread-safe; loads once.
const Api& require(const std::string& sofa_path);

}  // namespace simvx::mysofa_lib
