// The outputs, one row each (like OpenAL Soft's backend list or mpv's ao
// table): a name, whether it pulls at a device's pace or as fast as it can,
// how to make one, and the devices it offers. The session chooses by name and
// asks the row, never the concrete class; --list-devices asks every row. A
// new output is its sink file and one row in outputs.cpp.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sink/sink.hpp"
#include "sink/encoding.hpp"

namespace simvx {

// What the front end asks of an output; each output reads what concerns it.
struct OutputSettings {
    std::string device;         // pulse: a sink name; null: a simulator mode; file: the path ("-" = stdout)
    uint32_t latency_ms = 20;   // live outputs: the target latency (the null output's period)
    // Offline outputs:
    Encoding encoding;  // codec, sample format, container, quality, tags
    bool dither = false;
    std::optional<uint64_t> frames;  // the render's length when known in advance
    // Tags known only once the render is done (--stats' loudness): asked for
    // after the last frame and written in place before the file is renamed
    // into place; a regular file only (a pipe cannot be rewritten).
    std::function<Tags()> late_tags;
};

struct OutputDevice {
    std::string name;         // what --device takes
    std::string description;  // what a person reads
    bool is_default = false;
};

struct OutputType {
    std::string_view name;         // "pulse", "null", "file"
    std::string_view description;
    bool offline;                  // pulls as fast as it can (a render), not at a device's pace
    std::unique_ptr<Sink> (*make)(const OutputSettings&);
    // The devices it offers now; throws Error (NoServerError for a server
    // that does not answer) when it cannot tell.
    std::vector<OutputDevice> (*devices)();
};

std::span<const OutputType> output_types();
// The row named `name`; throws std::logic_error for a name no row has (the
// front end only passes names of rows).
const OutputType& output_type(std::string_view name);

}  // namespace simvx
