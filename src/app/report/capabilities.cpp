#include "app/report/capabilities.hpp"

#include <algorithm>
#include <cmath>
#include <toml++/toml.h>

#include "app/report/json.hpp"
#include "core/error.hpp"
#include "core/number_format.hpp"
#include "decode/pcm_framer.hpp"
#include "decode/registry.hpp"
#include "dsp/effect_types.hpp"
#include "scene/loader.hpp"

namespace simvx {
namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : std::string(sep)) + i;
    return s;
}

std::string formats(bool json) {
    const std::vector<std::string> decoders = decoder_names();
    const std::vector<std::string> renders = {"s16", "s24", "f32"};
    std::vector<std::string> streams;
    for (PcmFormat f : {PcmFormat::s16, PcmFormat::s24, PcmFormat::s32, PcmFormat::f32, PcmFormat::wav})
        streams.emplace_back(pcm_format_name(f));
    if (json)
        return JsonObject().add("decode", decoders).add("render", renders).add("stream", streams).str() + "\n";
    std::string out;
    for (const auto& d : decoders) out += "decode\t" + d + "\n";
    for (const auto& r : renders) out += "render\t" + r + "\n";
    for (const auto& s : streams) out += "stream\t" + s + "\n";
    return out;
}

std::string effects(bool json) {
    std::vector<JsonObject> list;
    std::string out;
    for (const EffectType& t : effect_types()) {
        std::vector<JsonObject> params;
        std::vector<std::string> described;
        for (const ParamSpec& p : t.params) {
            JsonObject o;
            o.add("key", p.key);
            if (p.kind == ParamSpec::Kind::boolean) {
                o.add("type", "boolean").add("default", p.default_value != 0);
                described.push_back(std::string(p.key) + "=" + (p.default_value != 0 ? "true" : "false"));
            } else {
                o.add("type", "number").add("default", p.default_value).add("min", p.min).add("max", p.max);
                o.add("min_excluded", p.min_open).add("unit", p.unit);
                described.push_back(std::string(p.key) + "=" + format_number(p.default_value) + " (" +
                                    (p.min_open ? "(" : "[") + format_number(p.min) + ".." + format_number(p.max) + "]" +
                                    (p.unit.empty() ? "" : " " + std::string(p.unit)) + ")");
            }
            params.push_back(std::move(o));
        }
        if (t.has_bands) described.emplace_back("bands=[{type, freq, q, gain_db}, ...]");
        if (t.has_sidechain) described.emplace_back("sidechain=BUS");
        JsonObject e;
        e.add("type", t.name).add("params", params).add("bands", t.has_bands).add("sidechain", t.has_sidechain);
        list.push_back(std::move(e));
        out += std::string(t.name) + "\t" + join(described, ", ") + "\n";
    }
    return json ? JsonObject().add("effects", list).str() + "\n" : out;
}

std::string keys(bool json) {
    std::vector<JsonObject> list;
    std::string out;
    for (const SceneTableKeys& t : scene_keys()) {
        list.push_back(JsonObject().add("table", t.table).add("keys", t.keys));
        out += t.table + "\t" + join(t.keys, " ") + "\n";
    }
    return json ? JsonObject().add("tables", list).str() + "\n" : out;
}

// The bus names a scene declares, and Master: read from the TOML alone, so a
// scene whose sound files are missing (or that has other errors) still
// completes its bus names on the command line.
std::string buses(bool json, const std::vector<std::string>& inputs) {
    if (inputs.size() != 1 || !looks_like_scene(inputs.front()))
        throw UsageError("--list buses names the buses of a scene: give one scene file");
    toml::table root;
    try {
        root = toml::parse_file(inputs.front());
    } catch (const toml::parse_error& e) {
        load_scene_file(inputs.front());  // throws the loader's diagnostic, with its position
        throw InputError(inputs.front() + ": " + std::string(e.description()));
    }
    std::vector<std::string> names = {"Master"};  // always there, declared or not
    if (const toml::array* list = root["bus"].as_array())
        for (const toml::node& n : *list)
            if (const auto name = n.as_table() ? (*n.as_table())["name"].value<std::string>() : std::nullopt)
                if (std::find(names.begin(), names.end(), *name) == names.end()) names.push_back(*name);
    return json ? JsonObject().add("buses", names).str() + "\n" : join(names, "\n") + "\n";
}

}  // namespace

std::string list_capabilities(std::string_view what, bool json, const std::vector<std::string>& inputs) {
    if (what == "formats") return formats(json);
    if (what == "effects") return effects(json);
    if (what == "keys") return keys(json);
    if (what == "buses") return buses(json, inputs);
    throw UsageError("--list " + std::string(what) + ": one of formats, effects, keys, buses");
}

}  // namespace simvx
