// Shared by the fuzz targets: silence the "simvxplay: warning: ..." lines that
// decoders print for odd but playable input. They would flood the fuzzer's
// output and cost a write(2) per input; the messages are still built, so the
// code producing them is still exercised.
#pragma once
#include "core/log.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    simvx::log::set_level(simvx::log::Level::quiet);
    return 0;
}
