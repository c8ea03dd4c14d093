// One run of simvxplay: inputs → scene → engine → sink, until the scene ends
// or a signal stops it. Returns the process exit code; throws simvx::Error
// for the failures main() reports.
#pragma once
#include "app/options.hpp"

namespace simvx {

int run_session(const Options& options);

}  // namespace simvx
