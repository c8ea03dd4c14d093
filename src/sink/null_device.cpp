#include "sink/null_device.hpp"

#include <charconv>
#include <cmath>

#include "core/error.hpp"
#include "core/suggest.hpp"
#include "core/number_format.hpp"

namespace simvx {
namespace {

struct ModeRow {
    NullDevice::Mode mode;
    NullModeInfo info;
};

constexpr ModeRow kModes[] = {
    {NullDevice::Mode::realtime, {"realtime", "realtime", "periods on a steady clock, like a sound card (the default)"}},
    {NullDevice::Mode::untimed, {"untimed", "untimed", "no clock: each period is pulled as soon as the last is done"}},
    {NullDevice::Mode::jitter, {"jitter", "jitter[:FRACTION]", "each wake-up early or late by up to FRACTION of a period (0.5)"}},
    {NullDevice::Mode::stall, {"stall", "stall[:EVERY[:FOR]]", "every EVERY s (2) the device thread stalls FOR s (0.1): underruns"}},
    {NullDevice::Mode::lost, {"lost", "lost[:EVERY[:FOR]]", "every EVERY s (2) the device goes away for FOR s (0.5), then resumes"}},
};

std::string mode_names() {
    std::string s;
    for (const auto& m : kModes) s += (s.empty() ? "" : ", ") + std::string(m.info.name);
    return s;
}

[[noreturn]] void bad(std::string_view spec, const std::string& why) {
    throw Error(ExitCode::no_device, "null device '" + std::string(spec) + "': " + why);
}

double number(std::string_view spec, std::string_view text, double lo, double hi, std::string_view what) {
    double v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v))
        bad(spec, "'" + std::string(text) + "' is not a number (" + std::string(what) + ")");
    if (v < lo || v > hi)
        bad(spec, std::string(what) + " must be from " + format_number(lo) + " to " + format_number(hi) +
                      ", not " + std::string(text));
    return v;
}

}  // namespace

NullDevice parse_null_device(std::string_view spec) {
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
        const size_t colon = spec.find(':', start);
        parts.push_back(spec.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    NullDevice d;
    if (parts.front().empty() && parts.size() == 1) return d;
    const ModeRow* row = nullptr;
    for (const auto& m : kModes)
        if (m.info.name == parts.front()) row = &m;
    if (!row) {
        std::vector<std::string_view> names;
        for (const auto& m : kModes) names.push_back(m.info.name);
        std::string why = "no such mode of the null output";
        if (auto near = closest(parts.front(), names)) why += "; did you mean '" + *near + "'?";
        throw Error(ExitCode::no_device, "null device '" + std::string(spec) + "': " + why + " (modes: " + mode_names() + ")");
    }
    d.mode = row->mode;
    const size_t max_args = d.mode == NullDevice::Mode::jitter ? 1 : d.mode == NullDevice::Mode::stall || d.mode == NullDevice::Mode::lost ? 2 : 0;
    if (parts.size() - 1 > max_args) bad(spec, "too many values: the form is " + std::string(row->info.syntax));
    if (d.mode == NullDevice::Mode::jitter && parts.size() > 1) d.jitter = number(spec, parts[1], 0, 1, "FRACTION");
    if (d.mode == NullDevice::Mode::lost) d.for_s = 0.5;
    if (parts.size() > 1 && max_args == 2) d.every_s = number(spec, parts[1], 0.01, 3600, "EVERY");
    if (parts.size() > 2) d.for_s = number(spec, parts[2], 0.001, 60, "FOR");
    return d;
}

std::string NullDevice::describe() const {
    switch (mode) {
        case Mode::realtime: return "";
        case Mode::untimed: return "untimed";
        case Mode::jitter: return "wake-ups jittered by up to " + format_number(jitter) + " period";
        case Mode::stall: return "stalls of " + format_number(for_s) + " s every " + format_number(every_s) + " s";
        case Mode::lost: return "lost for " + format_number(for_s) + " s every " + format_number(every_s) + " s";
    }
    return "";
}

std::vector<NullModeInfo> null_modes() {
    std::vector<NullModeInfo> v;
    for (const auto& m : kModes) v.push_back(m.info);
    return v;
}

}  // namespace simvx
