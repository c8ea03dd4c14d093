#include "app/report/run_report.hpp"

#include <string>

#include "core/log.hpp"

namespace simvx {
namespace {

// "1 underrun", "3 underruns".
std::string count_of(uint64_t n, const std::string& thing) {
    return std::to_string(n) + " " + thing + (n == 1 ? "" : "s");
}

// "once", "twice", "3 times".
std::string times(uint64_t n) {
    return n == 1 ? "once" : n == 2 ? "twice" : std::to_string(n) + " times";
}

}  // namespace

bool report_sources(const Engine& engine) {
    if (const uint64_t gaps = engine.underruns())
        log::warn(count_of(gaps, "underrun") + ": streamed input came too late (a slow producer, disk or decoder); the gaps played as silence");
    const auto errors = engine.source_errors();
    for (const auto& e : errors) log::error(e);
    return !errors.empty();
}

void report_sink(const Sink& sink) {
    if (const uint64_t n = sink.reconnects())
        log::warn("the output device went away; playback resumed " + times(n));
    if (const uint64_t n = sink.underruns())
        log::warn(count_of(n, "underrun") + ": the machine could not render in time; raise --latency-ms");
}

}  // namespace simvx
