#include "app/run_report.hpp"

#include <string>

#include "core/log.hpp"

namespace simvx {

void report_sources(const Engine& engine) {
    for (const auto& e : engine.source_errors()) log::warn(e);
    if (const uint64_t gaps = engine.underruns())
        log::warn(std::to_string(gaps) + " underruns: streamed files could not be decoded fast enough; the gaps played as silence");
}

void report_sink(const Sink& sink) {
    if (const uint64_t n = sink.reconnects())
        log::warn("the PulseAudio server went away; playback resumed " + std::to_string(n) + " time(s)");
    if (const uint64_t n = sink.underruns())
        log::warn(std::to_string(n) + " underruns: the machine could not render in time; raise --latency-ms");
}

}  // namespace simvx
