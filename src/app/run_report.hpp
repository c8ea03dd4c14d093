// The warnings a run ends with: sources that failed or fell behind, and what
// happened to the device.
#pragma once
#include "mix/engine.hpp"
#include "sink/sink.hpp"

namespace simvx {

void report_sources(const Engine& engine);
void report_sink(const Sink& sink);

}  // namespace simvx
