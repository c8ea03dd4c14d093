// What the null output pretends to be (--null --device MODE): a device
// simulator in the manner of mpv's ao_null. A sound card's clock by default;
// or no clock at all, a clock that jitters, a thread that stalls now and then
// (the device runs dry: underruns), or a device that goes away and comes
// back (reconnects). Pause, seeks, reconnect and underrun accounting are
// tested with these, no daemon needed.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace simvx {

struct NullDevice {
    enum class Mode { realtime, untimed, jitter, stall, lost };
    Mode mode = Mode::realtime;
    // jitter: each period's wake-up moves by up to this fraction of a period,
    // early or late (the average pace stays the clock's).
    double jitter = 0.5;
    // stall, lost: how often (seconds of audio delivered), and for how long
    // the device's thread is held (stall) or the device is away (lost).
    double every_s = 2.0;
    double for_s = 0.1;

    std::string describe() const;  // "stalls of 100 ms every 2 s"
};

// "realtime" (or ""), "untimed", "jitter[:FRACTION]", "stall[:EVERY[:FOR]]",
// "lost[:EVERY[:FOR]]", times in seconds. Throws Error(no_device) naming the
// modes (and the closest one) when `spec` is none of them.
NullDevice parse_null_device(std::string_view spec);

// The modes with their defaults, one line each, for listing the devices.
struct NullModeInfo {
    std::string_view name;
    std::string_view syntax;       // "stall[:EVERY[:FOR]]"
    std::string_view description;
};
std::vector<NullModeInfo> null_modes();

}  // namespace simvx
