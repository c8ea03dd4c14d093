// The warnings a run ends with: sources that failed or fell behind, and what
// happened to the device.
#pragma once
#include "mix/engine.hpp"
#include "sink/sink.hpp"

namespace simvx {

// True when a source failed (a decode, read or format error): the run then exits with bad_input.
bool report_sources(const Engine& engine);
void report_sink(const Sink& sink);

}  // namespace simvx
