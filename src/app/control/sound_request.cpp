#include "app/control/sound_request.hpp"

#include <sstream>
#include <toml++/toml.h>

#include "app/control/request.hpp"
#include "scene/loader.hpp"

namespace simvx {
namespace {

toml::table to_table(const nlohmann::json& object, const std::string& where);

// JSON has no TOML-only types and TOML no null: the rest maps one to one.
std::unique_ptr<toml::node> to_node(const nlohmann::json& v, const std::string& key) {
    switch (v.type()) {
        case nlohmann::json::value_t::string: return std::make_unique<toml::value<std::string>>(v.get<std::string>());
        case nlohmann::json::value_t::boolean: return std::make_unique<toml::value<bool>>(v.get<bool>());
        case nlohmann::json::value_t::number_integer: return std::make_unique<toml::value<int64_t>>(v.get<int64_t>());
        case nlohmann::json::value_t::number_unsigned:
            if (v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::make_unique<toml::value<double>>(v.get<double>());
            return std::make_unique<toml::value<int64_t>>(static_cast<int64_t>(v.get<uint64_t>()));
        case nlohmann::json::value_t::number_float: return std::make_unique<toml::value<double>>(v.get<double>());
        case nlohmann::json::value_t::array: {
            auto a = std::make_unique<toml::array>();
            for (const auto& e : v) to_node(e, key)->visit([&](auto&& node) { a->push_back(std::move(node)); });
            return a;
        }
        case nlohmann::json::value_t::object: return std::make_unique<toml::table>(to_table(v, key));
        default: throw RequestError("'" + key + "' is null: leave a key out instead");
    }
}

toml::table to_table(const nlohmann::json& object, const std::string& where) {
    toml::table t;
    for (const auto& item : object.items()) {
        const std::string& key = item.key();
        auto n = to_node(item.value(), where.empty() ? key : where + "." + key);
        // A node moved in as its own type (toml++ takes nodes by value).
        n->visit([&](auto&& node) { t.insert_or_assign(key, std::move(node)); });
    }
    return t;
}

// `over`'s keys laid over `base`: tables merge, anything else replaces.
void lay_over(toml::table& base, toml::table&& over) {
    for (auto&& item : over) {
        const toml::key& key = item.first;
        toml::node& node = item.second;
        toml::table* inner = base.get_as<toml::table>(key);
        if (inner && node.is_table()) {
            lay_over(*inner, std::move(*node.as_table()));
            continue;
        }
        node.visit([&](auto&& n) { base.insert_or_assign(key, std::move(n)); });
    }
}

SoundDesc read_sound_table(toml::table sound, const Scene& scene, const std::string& folder) {
    toml::table root;
    root.insert("version", 1);
    toml::table engine;
    engine.insert("sample_rate", static_cast<int64_t>(scene.engine.sample_rate));
    root.insert("engine", std::move(engine));
    toml::array buses;
    for (const BusDesc& b : scene.buses) {
        if (b.name == "Master") continue;
        toml::table bus;
        bus.insert("name", b.name);
        buses.push_back(std::move(bus));
    }
    if (!buses.empty()) root.insert("bus", std::move(buses));
    toml::array sounds;
    sounds.push_back(std::move(sound));
    root.insert("sound", std::move(sounds));
    std::ostringstream text;
    text << root;
    try {
        Scene s = load_scene_text(text.str(), folder + "/request");
        return s.sounds.at(0);
    } catch (const SceneError& e) {
        throw RequestError(e.diagnostics().empty() ? std::string(e.what()) : e.diagnostics().front().message);
    }
}

}  // namespace

namespace {

// A scene of one bus (named "Request") whose table is `bus`, read by the loader.
Scene load_bus_request(toml::table bus) {
    bus.insert("name", "Request");
    toml::array buses;
    buses.push_back(std::move(bus));
    toml::table root;
    root.insert("version", 1);
    root.insert("bus", std::move(buses));
    std::ostringstream text;
    text << root;
    try {
        return load_scene_text(text.str(), "request");
    } catch (const SceneError& e) {
        throw RequestError(e.diagnostics().empty() ? std::string(e.what()) : e.diagnostics().front().message);
    }
}

}  // namespace

Envelope read_bus_envelope_request(const nlohmann::json& table) {
    if (!table.is_object()) throw RequestError("'volume_db' must be a number or an envelope {\"points\": [[t, dB], ...]}");
    toml::table bus;
    bus.insert("volume_db", to_table(table, "volume_db"));
    return *load_bus_request(std::move(bus)).buses.at(1).volume_db_envelope;
}

Envelope read_sound_envelope_request(const nlohmann::json& table, const std::string& key) {
    if (!table.is_object()) throw RequestError("'" + key + "' must be a number or an envelope {\"points\": [[t, value], ...]}");
    toml::table holder;
    holder.insert(key, to_table(table, key));
    try {
        return read_sound_key_envelope(holder, key);
    } catch (const SceneError& e) {
        throw RequestError(e.diagnostics().empty() ? std::string(e.what()) : e.diagnostics().front().message);
    }
}

Envelope read_effect_envelope_request(const nlohmann::json& table, const std::string& type, const std::string& key) {
    toml::table effect;
    effect.insert("type", type);
    effect.insert(key, to_table(table, key));
    toml::array effects;
    effects.push_back(std::move(effect));
    toml::table bus;
    bus.insert("effect", std::move(effects));
    return load_bus_request(std::move(bus)).buses.at(1).effects.at(0).envelopes.at(0).envelope;
}

SoundDesc read_sound_request(const nlohmann::json& keys, const Scene& scene, const std::string& folder) {
    return read_sound_table(to_table(keys, ""), scene, folder);
}

SoundDesc read_sound_request(const nlohmann::json& keys, const SoundDesc& base, const Scene& scene,
                             const std::string& folder) {
    toml::table sound = toml::parse(base.table_toml);
    for (const char* timing : {"start", "stop", "enabled", "repeat"}) sound.erase(timing);
    lay_over(sound, to_table(keys, ""));
    return read_sound_table(std::move(sound), scene, folder);
}

}  // namespace simvx
