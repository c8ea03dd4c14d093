// The sinks a PulseAudio server offers: for --list-devices, and for a clear
// error (with the list and a suggestion) when --device names none of them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace simvx {

class PulseConnection;

struct PulseSinkInfo {
    std::string name;         // what --device takes
    std::string description;  // what a desktop shows
    std::string format;       // "s16le", "float32le", ...
    uint32_t rate = 0;
    uint32_t channels = 0;
    bool is_default = false;
};

// Lists the sinks of a connected server (throws Error(no_device) on failure).
std::vector<PulseSinkInfo> list_pulse_sinks(PulseConnection& connection);

// "Built-in Audio  (48000 Hz, 2 ch, s16le)": what a person reads beside the name.
std::string describe_pulse_sink(const PulseSinkInfo& sink);

// One line per sink: "* name  description  (48000 Hz, 2 ch, s16le)", '*' marking the default.
std::string format_sink_list(const std::vector<PulseSinkInfo>& sinks);

// Throws Error(no_device) when `name` is not one of `sinks`: the message
// lists them and suggests the closest name.
void require_sink(const std::string& name, const std::vector<PulseSinkInfo>& sinks);

}  // namespace simvx
