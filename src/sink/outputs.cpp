#include "sink/outputs.hpp"

#include <stdexcept>

#include "sink/null_sink.hpp"
#include "sink/pulse_connection.hpp"
#include "sink/pulse_devices.hpp"
#include "sink/pulse_sink.hpp"
#include "sink/file_sink.hpp"

namespace simvx {
namespace {

constexpr double kListTimeoutSeconds = 5.0;

std::unique_ptr<Sink> make_pulse(const OutputSettings& s) {
    return std::make_unique<PulseSink>(PulseSink::Config{.latency_ms = s.latency_ms, .device = s.device});
}

std::vector<OutputDevice> pulse_devices() {
    PulseConnection connection;
    connection.connect(kListTimeoutSeconds);
    std::vector<OutputDevice> devices;
    for (const auto& s : list_pulse_sinks(connection))
        devices.push_back({s.name, describe_pulse_sink(s), s.is_default});
    return devices;
}

std::unique_ptr<Sink> make_null(const OutputSettings& s) {
    return std::make_unique<NullSink>(s.latency_ms / 1000.0, parse_null_device(s.device));
}

std::vector<OutputDevice> null_devices() {
    std::vector<OutputDevice> devices;
    for (const auto& m : null_modes()) devices.push_back({std::string(m.syntax), std::string(m.description), m.name == "realtime"});
    return devices;
}

std::unique_ptr<Sink> make_file(const OutputSettings& s) {
    return std::make_unique<FileSink>(s.device, s.encoding, s.frames, s.dither, s.late_tags);
}

std::vector<OutputDevice> file_devices() {
    return {{"FILE", "a WAV, FLAC, Opus, Ogg Vorbis or MP3 file (by its extension, or --render-codec), or raw PCM, "
                     "written under a temporary name and renamed when complete", true},
            {"-", "standard output, as a WAV stream (or raw PCM, or --render-codec's)", false}};
}

constexpr OutputType kOutputs[] = {
    {"pulse", "PulseAudio, or PipeWire's PulseAudio service", false, make_pulse, pulse_devices},
    {"null", "a simulated device: the mix runs in real time, the samples are discarded", false, make_null, null_devices},
    {"file", "an offline render, as fast as the machine allows", true, make_file, file_devices},
};

}  // namespace

std::span<const OutputType> output_types() { return kOutputs; }

const OutputType& output_type(std::string_view name) {
    for (const auto& t : kOutputs)
        if (t.name == name) return t;
    throw std::logic_error("no output named '" + std::string(name) + "'");
}

}  // namespace simvx
