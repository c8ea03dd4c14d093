#include "sink/pulse_devices.hpp"

#include <algorithm>
#include <chrono>

#include "core/error.hpp"
#include "core/suggest.hpp"
#include "sink/pulse_connection.hpp"

namespace simvx {
namespace {

constexpr std::chrono::milliseconds kQueryTimeout{3000};

struct Query {
    PulseConnection* connection;
    std::vector<PulseSinkInfo> sinks;
    std::string default_sink;
};

void on_sink(pa_context*, const pa_sink_info* info, int eol, void* p) {
    auto* q = static_cast<Query*>(p);
    if (eol || !info) return;
    q->sinks.push_back({info->name ? info->name : "", info->description ? info->description : "",
                        pulse::lib().pa_sample_format_to_string(info->sample_spec.format) ? pulse::lib().pa_sample_format_to_string(info->sample_spec.format) : "?",
                        info->sample_spec.rate, info->sample_spec.channels, false});
}

void on_server(pa_context*, const pa_server_info* info, void* p) {
    auto* q = static_cast<Query*>(p);
    if (info && info->default_sink_name) q->default_sink = info->default_sink_name;
}

}  // namespace

std::vector<PulseSinkInfo> list_pulse_sinks(PulseConnection& connection) {
    Query q{&connection, {}, {}};
    PulseLock lock(connection);
    if (!connection.wait_for(pulse::lib().pa_context_get_server_info(connection.context(), on_server, &q), kQueryTimeout) ||
        !connection.wait_for(pulse::lib().pa_context_get_sink_info_list(connection.context(), on_sink, &q), kQueryTimeout))
        throw Error(ExitCode::no_device, "cannot list the PulseAudio sinks: " + connection.last_error());
    for (auto& s : q.sinks) s.is_default = s.name == q.default_sink;
    return q.sinks;
}

std::string describe_pulse_sink(const PulseSinkInfo& s) {
    return s.description + "  (" + std::to_string(s.rate) + " Hz, " + std::to_string(s.channels) + " ch, " + s.format + ")";
}

std::string format_sink_list(const std::vector<PulseSinkInfo>& sinks) {
    size_t width = 0;
    for (const auto& s : sinks) width = std::max(width, s.name.size());
    std::string text;
    for (const auto& s : sinks) {
        text += s.is_default ? "* " : "  ";
        text += s.name + std::string(width - s.name.size() + 2, ' ') + describe_pulse_sink(s) + "\n";
    }
    if (sinks.empty()) text = "(the server has no sinks)\n";
    return text;
}

void require_sink(const std::string& name, const std::vector<PulseSinkInfo>& sinks) {
    std::vector<std::string> names;
    for (const auto& s : sinks) {
        if (s.name == name) return;
        names.push_back(s.name);
    }
    std::string message = "no PulseAudio sink named '" + name + "'";
    if (auto near = closest(name, names)) message += "; did you mean '" + *near + "'?";
    message += "\nsinks on this server ('*' = default):\n" + format_sink_list(sinks);
    if (message.back() == '\n') message.pop_back();
    throw Error(ExitCode::no_device, message);
}

}  // namespace simvx
