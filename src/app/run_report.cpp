#include "app/run_report.hpp"

#include <string>

#include "core/log.hpp"

namespace simvx {

bool report_sources(const Engine& engine) {
    if (const uint64_t gaps = engine.underruns())
        log::warn(std::to_string(gaps) + " underrun" + (gaps == 1 ? "" : "s") +
                  ": streamed input came too late (a slow producer, disk or decoder); the gaps played as silence");
    const auto errors = engine.source_errors();
    for (const auto& e : errors) log::error(e);
    return !errors.empty();
}

void report_sink(const Sink& sink) {
    if (const uint64_t n = sink.reconnects())
        log::warn("the PulseAudio server went away; playback resumed " + std::to_string(n) + " time(s)");
    if (const uint64_t n = sink.underruns())
        log::warn(std::to_string(n) + " underruns: the machine could not render in time; raise --latency-ms");
}

}  // namespace simvx
