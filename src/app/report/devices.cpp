#include "app/report/devices.hpp"

#include <algorithm>
#include <exception>

#include "app/report/json.hpp"
#include "sink/outputs.hpp"

namespace simvx {
namespace {

// How the command line chooses each output: the sink layer knows no options.
std::string_view chosen_by(std::string_view output) {
    if (output == "pulse") return "the default; --device NAME";
    if (output == "null") return "--null; --device MODE";
    if (output == "file") return "--render FILE";
    return "";
}

struct Listing {
    const OutputType* type;
    std::vector<OutputDevice> devices;
    std::string error;  // why the output could not list its devices
};

std::vector<Listing> ask_every_output() {
    std::vector<Listing> all;
    for (const OutputType& t : output_types()) {
        Listing l{&t, {}, {}};
        try {
            l.devices = t.devices();
        } catch (const std::exception& e) {
            l.error = e.what();
        }
        all.push_back(std::move(l));
    }
    return all;
}

std::string text(const std::vector<Listing>& all) {
    std::string out;
    for (const auto& l : all) {
        out += std::string(l.type->name) + ": " + std::string(l.type->description) + " (" + std::string(chosen_by(l.type->name)) + ")\n";
        if (!l.error.empty()) out += "  (" + l.error + ")\n";
        else if (l.devices.empty()) out += "  (no devices)\n";
        size_t width = 0;
        for (const auto& d : l.devices) width = std::max(width, d.name.size());
        for (const auto& d : l.devices)
            out += (d.is_default ? "* " : "  ") + d.name + std::string(width - d.name.size() + 2, ' ') + d.description + "\n";
    }
    return out;
}

std::string json(const std::vector<Listing>& all) {
    std::vector<JsonObject> outputs;
    for (const auto& l : all) {
        std::vector<JsonObject> devices;
        for (const auto& d : l.devices)
            devices.push_back(JsonObject().add("name", d.name).add("description", d.description).add("default", d.is_default));
        JsonObject o;
        o.add("name", l.type->name).add("description", l.type->description).add("offline", l.type->offline).add("devices", devices);
        if (!l.error.empty()) o.add("error", l.error);
        outputs.push_back(std::move(o));
    }
    return JsonObject().add("type", "devices").add("outputs", outputs).str() + "\n";
}

}  // namespace

std::string list_devices(bool as_json) {
    const auto all = ask_every_output();
    return as_json ? json(all) : text(all);
}

}  // namespace simvx
