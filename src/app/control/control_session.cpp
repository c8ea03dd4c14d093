#include "app/control/control_session.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "app/control/control_script.hpp"
#include "app/control/request.hpp"
#include "app/control/sound_request.hpp"
#include "core/error.hpp"
#include "core/gain.hpp"
#include "core/log.hpp"
#include "core/number_format.hpp"
#include "core/suggest.hpp"
#include "core/time_format.hpp"
#include "core/time_limit.hpp"
#include "dsp/effect_types.hpp"
#include "dsp/pan.hpp"
#include "scene/scene_rules.hpp"
#include "scene/variation.hpp"

namespace simvx {
namespace {

using json = nlohmann::json;

// Defaults for the optional "ramp" of each kind of edit, in seconds: short
// enough to feel immediate, long enough never to click.
constexpr double kSetRampS = 0.01, kStopFadeS = 0.02, kPauseFadeS = 0.015;
constexpr double kPlanCrossfadeS = 0.02;  // a rebuilt bus graph takes over over this long (as --watch's)
constexpr double kMaxRampS = 60;
constexpr double kMaxMetres = 1e6;  // positions (m) and velocities (m/s) beyond any scene

// The commands and the keys each takes, for "did you mean" on both.
const std::vector<std::string> kCommands = {"version", "ping",   "load",   "unload", "play",      "stop",        "set",
                                            "pause",   "resume", "bus",    "effect", "get",       "subscribe",   "unsubscribe",
                                            "listener", "seek", "quit"};
const std::vector<std::string> kEvents = {"voice", "underrun", "reconnect", "end", "meters"};
constexpr double kMetersIntervalS = 0.1;  // default seconds between meters events
constexpr double kMeterFloorDb = -120;    // silence, in a JSON number

json ok() { return json{{"ok", true}}; }

// A request as --record-control writes it: the same keys, without the id.
json recorded_form(const Request& r) {
    json j = r.json();
    j.erase("id");
    return j;
}

}  // namespace

ControlSession::ControlSession(Setup setup)
    : s_(std::move(setup)), engine_(*s_.engine), rate_(engine_.spec().rate) {
    engine_.keep_ended_voices();
    // Kept apart: `play` takes them by name, and a sound played alone is
    // prepared in a copy of the scene that must not hold them all.
    scene_sounds_ = std::move(s_.scene.sounds);
    live_streams_ = !s_.scene.streams.empty();
    s_.scene.sounds.clear();
    s_.scene.streams.clear();
}

std::string ControlSession::handle(ClientId client, std::string_view line) {
    json reply;
    const json* id = nullptr;
    std::optional<Request> request;
    try {
        request.emplace(Request::parse(line));
        id = request->id();
        const std::string cmd = request->command();
        reply = dispatch(client, *request, cmd);
    } catch (const RequestError& e) {
        reply = json{{"ok", false}, {"error", e.what()}};
    } catch (const std::exception& e) {  // a file that cannot be decoded, a full queue...
        reply = json{{"ok", false}, {"error", e.what()}};
    }
    json out;
    if (id) out["id"] = *id;
    for (auto& [k, v] : reply.items()) out[k] = v;
    return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

json ControlSession::dispatch(ClientId client, Request& r, const std::string& cmd) {
    json reply;
    if (cmd == "version" || cmd == "ping") {
        reply = ok();
        reply["protocol"] = kControlProtocolVersion;
        reply["version"] = SIMVX_VERSION;
    } else if (cmd == "load") reply = cmd_load(r);
    else if (cmd == "unload") reply = cmd_unload(r);
    else if (cmd == "play") reply = cmd_play(r);
    else if (cmd == "stop") reply = cmd_stop(r);
    else if (cmd == "set") reply = cmd_set(r);
    else if (cmd == "pause") reply = cmd_pause(r, true);
    else if (cmd == "resume") reply = cmd_pause(r, false);
    else if (cmd == "seek") reply = cmd_seek(r);
    else if (cmd == "listener") reply = cmd_listener(r);
    else if (cmd == "bus") reply = cmd_bus(r);
    else if (cmd == "effect") reply = cmd_effect(r);
    else if (cmd == "get") reply = cmd_get(r);
    else if (cmd == "subscribe") reply = cmd_subscribe(client, r, true);
    else if (cmd == "unsubscribe") reply = cmd_subscribe(client, r, false);
    else if (cmd == "quit") reply = cmd_quit(r);
    else {
        std::string message = "no command '" + cmd + "'";
        if (auto near = closest(cmd, kCommands)) message += "; did you mean '" + *near + "'?";
        throw RequestError(message);
    }
    return reply;
}

uint32_t ControlSession::frames_of(std::optional<double> seconds, double fallback_s) const {
    return static_cast<uint32_t>(std::llround(seconds.value_or(fallback_s) * rate_));
}

size_t ControlSession::voice_of(Request& r) {
    const auto id = r.integer("voice", 0, UINT32_MAX);
    if (!id) throw RequestError("give the \"voice\" that play replied with");
    if (!voices_.count(*id)) throw RequestError("no voice " + std::to_string(*id) + " is playing (it ended, or was never played)");
    return *id;
}

size_t ControlSession::bus_of(Request& r) {
    const auto name = r.string("bus");
    if (!name) throw RequestError("give the \"bus\" by its name");
    return bus_index(*name);
}

size_t ControlSession::bus_index(const std::string& name) const {
    std::vector<std::string> names;
    for (size_t i = 0; i < s_.scene.buses.size(); ++i) {
        if (s_.scene.buses[i].name == name) return i;
        names.push_back(s_.scene.buses[i].name);
    }
    std::string message = "no bus '" + name + "'";
    if (auto near = closest(name, names)) message += "; did you mean '" + *near + "'?";
    throw RequestError(message);
}

// "sends": [{"bus": NAME, "volume_db": dB}, ...], the bus's whole list
// (empty: none), read like a scene's; none when not given.
std::optional<std::vector<SendDesc>> ControlSession::read_sends(Request& r, size_t from) const {
    const json* given = r.take("sends");
    if (!given) return std::nullopt;
    if (!given->is_array()) throw RequestError("'sends' must be a list of {\"bus\", \"volume_db\"}, not " + kind_of(*given));
    if (from == 0 && !given->empty()) throw RequestError("bus 'Master' is the output and cannot have 'sends'");
    std::vector<SendDesc> sends;
    for (size_t i = 0; i < given->size(); ++i) {
        const std::string where = "sends[" + std::to_string(i) + "]";
        if (!(*given)[i].is_object()) throw RequestError(where + " must be an object, not " + kind_of((*given)[i]));
        try {
            Request send = Request::parse((*given)[i].dump());
            SendDesc d;
            const auto to = send.string("bus");
            if (!to) throw RequestError("give the \"bus\" it sends to");
            d.bus = s_.scene.buses[bus_index(*to)].name;
            if (bus_index(*to) == from) throw RequestError("a bus cannot send to itself");
            d.volume_db = send.number("volume_db", -120, 24, "dB").value_or(0.0);
            send.finish("a send", {"bus", "volume_db"});
            sends.push_back(std::move(d));
        } catch (const RequestError& e) {
            throw RequestError(where + ": " + e.what());
        }
    }
    return sends;
}

void ControlSession::accepted(const json& request, std::optional<size_t> voice) {
    pending_.push_back({engine_.last_serial(), request, voice});
}

// ---- sounds ---------------------------------------------------------------

json ControlSession::cmd_load(Request& r) {
    const auto name = r.string("name");
    if (!name || name->empty()) throw RequestError("give the \"name\" to load the file under");
    const json* file = r.take("file");
    if (!file) throw RequestError("give the \"file\" to load");
    r.finish("load", {"name", "file"});
    SoundDesc sound = read_sound_request(json{{"file", *file}}, s_.scene, s_.folder);
    Scene mini = s_.scene;
    mini.engine.duration.reset();
    mini.sounds = {sound};
    const PreparedScene p = prepare_scene(mini, StreamDecoding::none, &decoded_, false);
    const FileSummary& f = p.files.at(sound.file);
    Loaded l{sound, f.seconds.value_or(0), f.rate, f.channels, f.format};
    loaded_.insert_or_assign(*name, l);
    if (s_.record) {
        // Not an edit of the engine: recorded now, or after the edit before it.
        json rec = recorded_form(r);
        if (pending_.empty()) {
            rec["frame"] = engine_.position();
            if (const uint64_t held = engine_.held_frames()) rec["held"] = held;
            s_.record(rec.dump(-1, ' ', false, json::error_handler_t::replace));
        } else {
            pending_.push_back({pending_.back().serial, rec, std::nullopt});
        }
    }
    json reply = ok();
    reply["name"] = *name;
    reply["duration"] = l.seconds;
    reply["rate"] = l.rate;
    reply["channels"] = l.channels;
    reply["format"] = l.format;
    reply["streamed"] = f.streamed;
    return reply;
}

json ControlSession::cmd_unload(Request& r) {
    const auto name = r.string("name");
    if (!name) throw RequestError("give the \"name\" to unload");
    r.finish("unload", {"name"});
    const auto it = loaded_.find(*name);
    if (it == loaded_.end()) throw RequestError("nothing is loaded as '" + *name + "'");
    loaded_.erase(it);  // voices playing it keep their samples (shared)
    return ok();
}

const SoundDesc* ControlSession::scene_sound(std::string_view name) const {
    for (const SoundDesc& d : scene_sounds_)
        if (d.name == name && !d.table_toml.empty()) return &d;
    return nullptr;
}

json ControlSession::cmd_play(Request& r) {
    if (voices_.size() >= s_.max_voices)
        throw RequestError(std::to_string(voices_.size()) + " voices are playing, the most a control session may: stop one first");
    json keys = r.json();
    keys.erase("cmd");
    keys.erase("id");
    keys.erase("at");
    keys.erase("sound");
    // Scene keys that mean something else live: what to give instead.
    constexpr std::pair<const char*, const char*> kNotInPlay[] = {
        {"start", "give \"at\" (seconds of scene time)"}, {"stop", "send a stop request for the voice"}, {"enabled", "leave it out"}};
    for (const auto& [key, instead] : kNotInPlay)
        if (keys.contains(key)) throw RequestError(std::string("'play' takes no key '") + key + "': " + instead);
    const auto at = r.number("at", 0, kMaxTimeSeconds, "s");
    const auto sound_name = r.string("sound");
    std::string label;
    SoundDesc sound;
    if (sound_name) {
        if (keys.contains("file")) throw RequestError("give \"sound\" (a loaded or scene sound's name) or \"file\", not both");
        label = *sound_name;
        if (const auto it = loaded_.find(*sound_name); it != loaded_.end()) {
            keys["file"] = it->second.sound.file;
            sound = read_sound_request(keys, s_.scene, s_.folder);
        } else if (const SoundDesc* in_scene = scene_sound(*sound_name)) {
            // The scene's [[sound]] again, with this request's keys laid over it.
            sound = read_sound_request(keys, *in_scene, s_.scene, s_.folder);
        } else {
            std::vector<std::string> names;
            for (const auto& [n, l] : loaded_) names.push_back(n);
            for (const SoundDesc& d : scene_sounds_) names.push_back(d.name);
            std::string message = "no sound '" + *sound_name + "' is loaded or in the scene";
            if (auto near = closest(*sound_name, names)) message += "; did you mean '" + *near + "'?";
            throw RequestError(message + " (load it first, or give \"file\")");
        }
    } else if (keys.contains("file") || keys.contains("files")) {
        sound = read_sound_request(keys, s_.scene, s_.folder);
        label = sound.name;
    } else {
        throw RequestError("give the \"sound\" (a loaded or scene sound's name) or the \"file\" to play");
    }
    // Variation: each play is another draw (the scene's seed, then the plays before it).
    if (sound.variation.repeat) throw RequestError("'repeat' is for a scene's sounds: a client triggers each play itself");
    if (sound.variation.any()) sound = one_trigger(sound, s_.scene.engine.seed, plays_++);
    // A pitch given, or a 3D sound (whose doppler follows live moves): a pitch stage with room to change.
    sound.live_pitch = keys.contains("pitch") || sound.pitch != 1.0 || sound.spatial.has_value();
    Scene mini = s_.scene;
    mini.engine.duration.reset();
    mini.sounds = {sound};
    PreparedScene p = prepare_scene(mini, s_.streams, &decoded_, false);
    if (p.voices.empty()) throw RequestError("the sound has nothing to play");
    VoiceSetup v = std::move(p.voices.front());
    const uint64_t now = engine_.position();
    std::optional<uint64_t> at_frame;
    if (at) at_frame = static_cast<uint64_t>(std::llround(*at * rate_));
    const bool late = at_frame && *at_frame < now;
    if (at_frame && !late) {
        // `at` is scene time; the voice counts in the voice clock.
        const uint64_t start = *at_frame + engine_.clock_offset();
        v.start_frame += start;
        if (v.end_frame) *v.end_frame += start;
    } else {
        v.start_on_arrival = true;  // from the block the engine takes it in
    }
    VoiceInfo info;
    info.sound = label;
    if (at_frame && !late) info.start_frame = v.start_frame;
    info.end_frame = v.end_frame;  // relative until the start is known
    info.volume_db = sound.volume_db;
    info.pan = sound.pan;
    if (sound.spatial) {
        info.spatial = true;
        info.position = sound.spatial->position;
        info.velocity = sound.spatial->velocity;
    }
    if (v.varispeed) {
        const FileSummary& f = p.files.at(sound.file);
        info.unit_ratio = static_cast<double>(f.rate) / rate_;
        info.pitch = sound.pitch;
        info.max_pitch = std::min(16.0, sound.pitch * kLivePitchRise);
    }
    const auto id = engine_.add_voice(std::move(v));
    if (!id) throw RequestError("the engine has no room for another voice right now; try again");
    voices_[*id] = info;
    json rec = recorded_form(r);
    if (late) rec.erase("at");  // it played from the block that took it in: so does a replay
    accepted(rec, *id);
    json reply = ok();
    reply["voice"] = *id;
    if (late) reply["late"] = true;
    return reply;
}

json ControlSession::cmd_stop(Request& r) {
    const size_t id = voice_of(r);
    const auto ramp = r.number("ramp", 0, kMaxRampS, "s");
    r.finish("stop", {"voice", "ramp"});
    if (!engine_.release_voice(id, std::max<uint32_t>(1, frames_of(ramp, kStopFadeS))))
        throw RequestError("the engine's queue is full; try again");
    accepted(recorded_form(r));
    return ok();
}

json ControlSession::cmd_set(Request& r) {
    const size_t id = voice_of(r);
    VoiceInfo& v = voices_.at(id);
    // volume_db, pan and pitch: a number, or an envelope (frames from the voice's start) that replaces the voice's own.
    std::optional<Envelope> volume_envelope, pan_envelope, pitch_envelope;
    for (auto [key, envelope] : {std::pair{"volume_db", &volume_envelope}, {"pan", &pan_envelope}, {"pitch", &pitch_envelope}})
        if (r.has(key) && r.json().at(key).is_object()) *envelope = read_sound_envelope_request(*r.take(key), key);
    std::optional<double> volume, pan;
    if (!volume_envelope) volume = r.number("volume_db", -120, 24, "dB");
    if (!pan_envelope) pan = r.number("pan", -1, 1);
    const auto pitch = pitch_envelope ? std::optional<double>(pitch_envelope->max()) : r.number("pitch", 0.01, 16);
    const auto position = r.vec3("position", kMaxMetres);
    const auto velocity = r.vec3("velocity", kMaxMetres);
    const auto ramp = r.number("ramp", 0, kMaxRampS, "s");
    r.finish("set", {"voice", "volume_db", "pan", "pitch", "position", "velocity", "ramp"});
    if (!volume && !pan && !pitch && !position && !velocity && !volume_envelope && !pan_envelope)
        throw RequestError("'set' changes volume_db, pan, pitch, position or velocity: give at least one");
    if ((position || velocity) && !v.spatial)
        throw RequestError("voice " + std::to_string(id) + " is not a 3D sound: play it with \"spatial\" to move it");
    if ((pan || pan_envelope) && v.spatial)
        throw RequestError("voice " + std::to_string(id) + " is a 3D sound: its pan follows its position");
    if (pitch) {
        if (v.unit_ratio == 0)
            throw RequestError("voice " + std::to_string(id) + " was played without \"pitch\": give \"pitch\" in its play to change it live");
        if (*pitch > v.max_pitch)
            throw RequestError("voice " + std::to_string(id) + " can rise to pitch " + format_number(v.max_pitch) +
                               " at most (" + format_number(kLivePitchRise) + " times the pitch it was played with)");
    }
    if (engine_.command_room() < 3) throw RequestError("the engine's queue is full; try again");
    const uint32_t frames = std::max<uint32_t>(1, frames_of(ramp, kSetRampS));
    for (auto [which, envelope] : {std::pair{Voice::Automated::volume_db, &volume_envelope},
                                   {Voice::Automated::pan, &pan_envelope},
                                   {Voice::Automated::pitch, &pitch_envelope}})
        if (*envelope && !engine_.replace_voice_envelope(id, which, EnvelopeCursor(std::move(**envelope), rate_), frames))
            throw RequestError("the engine's queue is full; try again");
    if (volume_envelope) v.volume_db = 0;  // the envelope is its volume now; a number scales it
    if (position || velocity) {
        const Vec3 p = position.value_or(v.position), vel = velocity.value_or(v.velocity);
        if (!engine_.move_voice(id, p, vel)) throw RequestError("the engine's queue is full; try again");
        v.position = p;
        v.velocity = vel;
    }
    if (volume) {
        engine_.ramp_voice_gain(id, db_to_gain(static_cast<float>(*volume)), frames);
        v.volume_db = *volume;
    }
    if (pan) {
        engine_.ramp_voice_pan(id, pan_gains(s_.scene.engine.pan_law, *pan), frames);
        v.pan = *pan;
    }
    if (pitch && !pitch_envelope) {
        engine_.set_voice_ratio(id, *pitch * v.unit_ratio);
        v.pitch = *pitch;
    }
    accepted(recorded_form(r));
    return ok();
}

json ControlSession::cmd_pause(Request& r, bool pause) {
    const char* cmd = pause ? "pause" : "resume";
    if (!r.has("voice")) {
        // The whole mix (the player's space bar): scene time stands still.
        r.finish(cmd, {"voice", "ramp"});
        if (!engine_.queue_pause(pause)) throw RequestError("the engine's queue is full; try again");
        mix_paused_ = pause;
        accepted(recorded_form(r));
        return ok();
    }
    const size_t id = voice_of(r);
    const auto ramp = r.number("ramp", 0, kMaxRampS, "s");
    r.finish(cmd, {"voice", "ramp"});
    if (!engine_.pause_voice(id, pause, std::max<uint32_t>(1, frames_of(ramp, kPauseFadeS))))
        throw RequestError("the engine's queue is full; try again");
    voices_.at(id).paused = pause;
    accepted(recorded_form(r));
    return ok();
}

// The listener of every 3D voice, and of those played later.
json ControlSession::cmd_listener(Request& r) {
    ListenerDesc& l = s_.scene.listener;
    const auto position = r.vec3("position", kMaxMetres);
    const auto velocity = r.vec3("velocity", kMaxMetres);
    const auto direction = r.vec3("direction", kMaxMetres, true);
    const auto up = r.vec3("up", kMaxMetres, true);
    r.finish("listener", {"position", "velocity", "direction", "up"});
    if (!position && !velocity && !direction && !up)
        throw RequestError("'listener' changes position, velocity, direction or up: give at least one");
    const Motion now = listener_now();
    const Vec3 p = position.value_or(now.position);
    const Vec3 v = velocity.value_or(now.velocity), d = direction.value_or(l.direction), u = up.value_or(l.world_up);
    if (length(cross(normalized(d), normalized(u))) < 1e-6) throw RequestError("'direction' and 'up' must not be parallel");
    if (!engine_.move_listener(p, v, d, u)) throw RequestError("the engine's queue is full; try again");
    l.path = {};
    l.position = p;
    l.velocity = v;
    l.direction = d;
    l.world_up = u;
    accepted(recorded_form(r));
    return ok();
}

// ---- buses ----------------------------------------------------------------

json ControlSession::cmd_bus(Request& r) {
    const size_t index = bus_of(r);
    BusDesc& bus = s_.scene.buses[index];
    // volume_db: a number, or an envelope (times from the scene's start) that replaces the bus's.
    std::optional<Envelope> envelope;
    if (const json* given = r.has("volume_db") ? &r.json().at("volume_db") : nullptr; given && given->is_object())
        envelope = read_bus_envelope_request(*r.take("volume_db"));
    const auto volume = envelope ? std::optional<double>(envelope->value_at(0)) : r.number("volume_db", -120, 24, "dB");
    const auto mute = r.boolean("mute");
    const auto solo = r.boolean("solo");
    const auto bypass = r.boolean("bypass");
    const auto send_to = r.string("send_to");
    const std::optional<std::vector<SendDesc>> sends = read_sends(r, index);
    const auto ramp = r.number("ramp", 0, kMaxRampS, "s");
    r.finish("bus", {"bus", "volume_db", "mute", "solo", "bypass", "send_to", "sends", "ramp"});
    if (!volume && !mute && !solo && !bypass && !send_to && !sends)
        throw RequestError("'bus' changes volume_db, mute, solo, bypass, send_to or sends: give at least one");
    if (send_to) {
        if (index == 0) throw RequestError("bus 'Master' is the output and has no 'send_to'");
        bus_index(*send_to);  // it must exist
    }
    const double new_volume = volume.value_or(bus.volume_db);
    const bool new_mute = mute.value_or(bus.mute);
    // An envelope given, or a number over one: the plan carries envelopes, so it is built again.
    const bool new_envelope = envelope || (volume && bus.volume_db_envelope);
    const bool rebuild = (solo && *solo != bus.solo) || (bypass && *bypass != bus.bypass_effects) ||
                         (send_to && *send_to != bus.send_to) || sends || new_envelope;
    if (rebuild) {
        // Solo, bypass and routing change the graph: a new plan, crossfaded in.
        BusDesc before = bus;
        bus.volume_db = new_volume;
        if (new_envelope) bus.volume_db_envelope = envelope;
        bus.mute = new_mute;
        bus.solo = solo.value_or(bus.solo);
        bus.bypass_effects = bypass.value_or(bus.bypass_effects);
        if (send_to) bus.send_to = *send_to;
        if (sends) bus.sends = *sends;
        try {
            rebuild_plan(index);
        } catch (...) {
            bus = before;
            throw;
        }
    } else {
        BusDesc next = bus;
        next.volume_db = new_volume;
        next.mute = new_mute;
        if (!engine_.ramp_bus_gain(index, bus_fader_gain(next), std::max<uint32_t>(1, frames_of(ramp, kSetRampS))))
            throw RequestError("the engine's queue is full; try again");
        bus = next;
    }
    accepted(recorded_form(r));
    json reply = ok();
    if (rebuild) reply["rebuilt"] = true;
    return reply;
}

// The bus graph built again from the scene as edited, crossfaded in over
// 20 ms (effects' tails and state carry over through the old plan's fade).
// A no-op gain on `bus` rides the same block, so the swap has a serial and
// is recorded at the frame it took effect (within a block: the plan and the
// queue are two doors into the same block start).
void ControlSession::rebuild_plan(size_t bus) {
    if (engine_.command_room() < 1) throw RequestError("the engine's queue is full; try again");
    PreparedScene p;
    try {
        p = prepare_scene(s_.scene, StreamDecoding::none, nullptr, true);
    } catch (const Error& e) {  // a routing cycle, most likely
        const std::string what = e.what();
        throw RequestError(what.substr(0, what.find('\n')));
    }
    engine_.replace_plan(std::move(p.plan), frames_of(std::nullopt, kPlanCrossfadeS));
    engine_.ramp_bus_gain(bus, bus_fader_gain(s_.scene.buses[bus]), 1);
}

json ControlSession::cmd_effect(Request& r) {
    const size_t index = bus_of(r);
    BusDesc& bus = s_.scene.buses[index];
    const json* which = r.take("effect");
    if (!which) throw RequestError("give the \"effect\": its position on the bus (0 = first) or its type");
    size_t e = bus.effects.size();
    if (which->is_number_unsigned() || (which->is_number_integer() && which->get<int64_t>() >= 0)) {
        e = which->get<size_t>();
        if (e >= bus.effects.size())
            throw RequestError("bus '" + bus.name + "' has " + std::to_string(bus.effects.size()) + " effect(s): no effect " +
                               std::to_string(e));
    } else if (which->is_string()) {
        const std::string type = which->get<std::string>();
        std::vector<std::string> types;
        for (size_t i = 0; i < bus.effects.size(); ++i) {
            types.push_back(bus.effects[i].config.type);
            if (bus.effects[i].config.type == type && e == bus.effects.size()) e = i;
        }
        if (e == bus.effects.size()) {
            std::string message = "bus '" + bus.name + "' has no " + type + " effect";
            if (auto near = closest(type, types)) message += "; did you mean '" + *near + "'?";
            throw RequestError(message);
        }
    } else {
        throw RequestError("'effect' must be a position (0 = first) or a type name, not " + kind_of(*which));
    }
    EffectConfig config = bus.effects[e].config;
    std::vector<ParamEnvelope> envelopes = bus.effects[e].envelopes;
    const EffectType* type = find_effect_type(config.type);
    if (!type) throw RequestError("no effect type '" + config.type + "'");
    std::vector<std::string> known = {"bus", "effect"};
    bool any = false;
    bool new_envelopes = false;  // an envelope given, or a number over one: the plan carries them, so it is built again
    for (size_t i = 0; i < type->params.size(); ++i) {
        const ParamSpec& p = type->params[i];
        known.emplace_back(p.key);
        const auto automated = std::find_if(envelopes.begin(), envelopes.end(),
                                            [i](const ParamEnvelope& pe) { return pe.slot == ParamSlot{i}; });
        const json* given = r.has(p.key) ? &r.json().at(std::string(p.key)) : nullptr;
        if (given && given->is_object() && p.kind == ParamSpec::Kind::number) {
            // An envelope (times from the scene's start) in place of the parameter's value or envelope.
            Envelope envelope = read_effect_envelope_request(*r.take(p.key), config.type, std::string(p.key));
            config.values[i] = envelope.value_at(0.0);
            if (automated != envelopes.end()) envelopes.erase(automated);
            envelopes.push_back({{i}, std::move(envelope)});
            new_envelopes = any = true;
            continue;
        }
        if (given && automated != envelopes.end()) {
            envelopes.erase(automated);
            new_envelopes = true;
        }
        if (p.kind == ParamSpec::Kind::boolean) {
            if (auto b = r.boolean(p.key)) config.values[i] = *b ? 1.0 : 0.0, any = true;
        } else if (auto x = r.number(p.key, p.min, p.max, p.unit)) {
            if (p.min_open && *x == p.min)
                throw RequestError("'" + std::string(p.key) + "' must be above " + std::to_string(p.min));
            config.values[i] = *x;
            any = true;
        }
    }
    r.finish("effect", known);
    if (!any) throw RequestError("give at least one parameter of the " + config.type + " effect");
    if (auto problem = effect_problem(*type, {.config = config, .envelopes = envelopes}, rate_); !problem.empty())
        throw RequestError(problem);
    const bool rebuild = new_envelopes || !updatable(bus.effects[e].config, config);
    if (rebuild) {
        // A parameter the running effect cannot take (the limiter's look-ahead), or new automation: the graph
        // again, crossfaded.
        const EffectDesc before = bus.effects[e];
        bus.effects[e].config = config;
        bus.effects[e].envelopes = std::move(envelopes);
        try {
            rebuild_plan(index);
        } catch (...) {
            bus.effects[e] = before;
            throw;
        }
    } else {
        if (!engine_.update_effect(index, e, effect_params(config))) throw RequestError("the engine's queue is full; try again");
        bus.effects[e].config = config;
    }
    accepted(recorded_form(r));
    json reply = ok();
    if (rebuild) reply["rebuilt"] = true;
    return reply;
}

// ---- state ----------------------------------------------------------------

json ControlSession::voice_json(size_t id, const VoiceInfo& v) const {
    json j{{"voice", id}, {"sound", v.sound}, {"volume_db", v.volume_db}, {"pan", v.pan}, {"paused", v.paused}};
    j["state"] = !v.start_frame || engine_.clock() < *v.start_frame ? "pending" : "playing";
    // In scene time (a voice from before a seek may have started "before" 0).
    if (v.start_frame)
        j["start"] = static_cast<double>(static_cast<int64_t>(*v.start_frame - engine_.clock_offset())) / rate_;
    if (v.unit_ratio > 0) j["pitch"] = v.pitch;
    if (v.spatial) {
        j["position"] = v.position;
        j["velocity"] = v.velocity;
        j.erase("pan");
    }
    return j;
}

Motion ControlSession::listener_now() const {
    const ListenerDesc& l = s_.scene.listener;
    const double t = static_cast<double>(static_cast<int64_t>(engine_.clock() - engine_.clock_offset())) / rate_;
    return Trajectory(l.path, l.position, l.velocity).at(t);
}

json ControlSession::bus_json(size_t i) const {
    const BusDesc& b = s_.scene.buses[i];
    json effects = json::array();
    for (const auto& e : b.effects) {
        json params = json::object();
        if (const EffectType* t = find_effect_type(e.config.type))
            for (size_t k = 0; k < t->params.size() && k < e.config.values.size(); ++k)
                params[std::string(t->params[k].key)] = e.config.values[k];
        effects.push_back({{"type", e.config.type}, {"params", params}});
    }
    return {{"bus", b.name},  {"volume_db", b.volume_db},     {"mute", b.mute},
            {"solo", b.solo}, {"bypass", b.bypass_effects}, {"effects", effects}};
}

json ControlSession::cmd_get(Request& r) {
    const auto what = r.strings("what");
    r.finish("get", {"what"});
    const std::vector<std::string> all = {"position", "engine", "voices", "buses", "loaded", "sounds", "listener"};
    const std::vector<std::string> asked = what.value_or(all);
    json reply = ok();
    for (const auto& w : asked) {
        if (w == "position") {
            reply["position"] = static_cast<double>(engine_.position()) / rate_;
            reply["paused"] = mix_paused_ || engine_.paused();
        } else if (w == "engine") {
            json e{{"rate", rate_}, {"channels", engine_.spec().channels}, {"protocol", kControlProtocolVersion}};
            e["latency"] = s_.latency ? s_.latency() : 0.0;
            e["underruns"] = engine_.underruns() + (s_.device_underruns ? s_.device_underruns() : 0);
            e["reconnects"] = s_.reconnects ? s_.reconnects() : 0;
            reply["engine"] = e;
        } else if (w == "voices") {
            json v = json::array();
            for (const auto& [id, info] : voices_) v.push_back(voice_json(id, info));
            reply["voices"] = v;
        } else if (w == "buses") {
            json b = json::array();
            for (size_t i = 0; i < s_.scene.buses.size(); ++i) b.push_back(bus_json(i));
            reply["buses"] = b;
        } else if (w == "listener") {
            const ListenerDesc& l = s_.scene.listener;
            const Motion now = listener_now();
            reply["listener"] = {{"position", now.position}, {"velocity", now.velocity}, {"direction", l.direction},
                                 {"up", l.world_up}};
        } else if (w == "loaded") {
            json l = json::array();
            for (const auto& [name, info] : loaded_)
                l.push_back({{"name", name}, {"file", info.sound.file}, {"duration", info.seconds}, {"format", info.format}});
            reply["loaded"] = l;
        } else if (w == "sounds") {
            // The scene's own sounds, which `play` takes by name.
            json l = json::array();
            for (const SoundDesc& d : scene_sounds_)
                l.push_back({{"name", d.name}, {"file", d.file}, {"bus", d.bus}, {"spatial", d.spatial.has_value()}});
            reply["sounds"] = l;
        } else {
            std::string message = "'get' knows no '" + w + "'";
            if (auto near = closest(w, all)) message += "; did you mean '" + *near + "'?";
            throw RequestError(message + " (position, engine, voices, buses, loaded, sounds, listener)");
        }
    }
    return reply;
}

json ControlSession::cmd_subscribe(ClientId client, Request& r, bool on) {
    const auto given = r.strings("events");
    auto events = given.value_or(kEvents);
    const auto interval = on ? r.number("interval", 0.01, 10, "s") : std::nullopt;
    r.finish(on ? "subscribe" : "unsubscribe",
             on ? std::vector<std::string>{"events", "interval"} : std::vector<std::string>{"events"});
    const bool all = !given || std::find(events.begin(), events.end(), "all") != events.end();
    if (all) events = kEvents;
    for (const auto& e : events) {
        if (std::find(kEvents.begin(), kEvents.end(), e) == kEvents.end()) {
            std::string message = "no event '" + e + "'";
            if (auto near = closest(e, kEvents)) message += "; did you mean '" + *near + "'?";
            throw RequestError(message + " (voice, underrun, reconnect, end, meters, or all)");
        }
    }
    if (!s_.meters) {
        // A render has no meters to send (its --stats measure it instead).
        if (!all && on && std::find(events.begin(), events.end(), "meters") != events.end())
            throw RequestError("'meters' events come from live playback; this run has no meters");
        std::erase(events, "meters");
    }
    auto& mine = subscribers_[client];
    for (const auto& e : events) {
        if (on) mine.insert(e);
        else mine.erase(e);
    }
    if (on && mine.count("meters")) {
        // One interval for the session: the last subscriber's (or the default).
        meters_every_ = std::max<uint64_t>(1, frames_of(interval, kMetersIntervalS));
        s_.meters->take_recent(BusMeters::Reader::control);  // from now on
    }
    json reply = ok();
    reply["events"] = json(std::vector<std::string>(mine.begin(), mine.end()));
    return reply;
}

// Scene time jumps: the scene's own sounds play from there (decoded, or
// opened, again off the audio thread); what control played goes on.
json ControlSession::cmd_seek(Request& r) {
    const auto to = r.number("to", 0, 1e7, "s");
    const auto by = r.number("by", -1e7, 1e7, "s");
    r.finish("seek", {"to", "by"});
    if (to.has_value() == by.has_value())
        throw RequestError("give \"to\" (seconds into the scene) or \"by\" (seconds from where it is), one of them");
    if (live_streams_) throw RequestError("a scene with a live stream cannot seek: its input is read once");
    if (engine_.seek_in_flight()) throw RequestError("a seek is still under way; try again");
    const double here = static_cast<double>(engine_.position()) / rate_;
    const auto frame = static_cast<uint64_t>(std::llround(std::max(0.0, to ? *to : here + *by) * rate_));
    if (s_.scene.engine.duration && frame >= static_cast<uint64_t>(std::llround(*s_.scene.engine.duration * rate_)))
        throw RequestError("the scene lasts " + format_time(*s_.scene.engine.duration) + " (its duration): seek before that");
    Scene from = s_.scene;
    from.sounds = scene_sounds_;
    from.skip = static_cast<double>(frame) / rate_;
    PreparedScene p = prepare_scene(from, s_.streams, s_.decoded ? s_.decoded : &decoded_, false);
    if (s_.streams == StreamDecoding::own_threads) {
        // Streamed sounds start decoding now: give them a moment to fill (the player's seek waits as long).
        const size_t frames = static_cast<size_t>(rate_ / 4);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        for (const VoiceSetup& v : p.voices)
            while (!v.source->ready(frames) && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!engine_.queue_seek(frame, std::move(p.voices)))
        throw RequestError("the engine has no room for the scene's sounds right now; try again");
    // A seek back before the scene's end reaches that end again.
    if (s_.scene_end && frame < *s_.scene_end) end_reported_ = false;
    json rec = recorded_form(r);
    rec.erase("by");
    rec["to"] = static_cast<double>(frame) / rate_;  // where it went, whenever it is replayed
    accepted(rec);
    if (s_.streams == StreamDecoding::own_threads) wait_for_seek();
    json reply = ok();
    reply["position"] = static_cast<double>(frame) / rate_;
    return reply;
}

void ControlSession::wait_for_seek() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (engine_.seek_in_flight() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    poll();  // records the seek before anything that follows it
}

json ControlSession::cmd_quit(Request& r) {
    r.finish("quit", {});
    // A paused engine would hold silence instead of ending (replayed, the quit resumes it again).
    if (mix_paused_ && engine_.queue_pause(false)) mix_paused_ = false;
    if (!engine_.queue_stop()) engine_.request_stop();
    else accepted(recorded_form(r));
    quit_ = true;
    return ok();
}

void ControlSession::client_gone(ClientId client) { subscribers_.erase(client); }

void ControlSession::run_due_steps(ControlScript& script) {
    for (const auto& step : script.due(script_clock())) {
        const json reply = json::parse(handle(0, step.request));
        if (reply.value("ok", false)) continue;
        log::warn(script.path() + ": the step at frame " + std::to_string(step.at.frame) + " was refused: " +
                  reply.value("error", std::string("?")));
        if (step.seek) script.seek_refused();
    }
}

// ---- events ---------------------------------------------------------------

void ControlSession::event(std::string_view kind, json body) {
    body["event"] = kind;
    body["position"] = static_cast<double>(engine_.position()) / rate_;
    const std::string line = body.dump(-1, ' ', false, json::error_handler_t::replace);
    for (const auto& [client, events] : subscribers_)
        if (events.count(kind)) events_.push_back({client, line});
}

std::vector<ControlSession::Outgoing> ControlSession::poll() {
    applied_.clear();
    engine_.take_applied(applied_);
    for (const auto& a : applied_) {
        // Requests are pending in serial order; each waits for its last edit.
        while (!pending_.empty() && pending_.front().serial <= a.serial) {
            Pending p = std::move(pending_.front());
            pending_.erase(pending_.begin());
            if (p.voice) {
                if (auto it = voices_.find(*p.voice); it != voices_.end() && !it->second.start_frame) {
                    it->second.start_frame = a.clock;
                    if (it->second.end_frame) *it->second.end_frame += a.clock;
                }
            }
            if (s_.record && !p.recorded.is_null()) {
                json line = p.recorded;
                line["frame"] = a.frame;
                if (a.held) line["held"] = a.held;
                s_.record(line.dump(-1, ' ', false, json::error_handler_t::replace));
            }
        }
    }
    if (s_.record && !warned_lost_ && engine_.applied_reports_lost() > 0) {
        warned_lost_ = true;
        log::warn("--record-control: the control thread fell behind the audio; some frames recorded are late by a block");
    }
    ended_.clear();
    engine_.take_ended_voices(ended_);
    for (size_t id : ended_) {
        const auto it = voices_.find(id);
        if (it == voices_.end()) continue;
        if (!it->second.started_reported && it->second.start_frame)
            event("voice", {{"state", "started"}, {"voice", id}, {"sound", it->second.sound}});
        event("voice", {{"state", "ended"}, {"voice", id}, {"sound", it->second.sound}});
        voices_.erase(it);
    }
    const uint64_t pos = engine_.position(), clock = engine_.clock();
    for (auto& [id, v] : voices_) {
        if (v.started_reported || !v.start_frame || clock < *v.start_frame) continue;
        v.started_reported = true;
        event("voice", {{"state", "started"}, {"voice", id}, {"sound", v.sound}});
    }
    const uint64_t underruns = engine_.underruns() + (s_.device_underruns ? s_.device_underruns() : 0);
    if (underruns > underruns_seen_) {
        event("underrun", {{"count", underruns - underruns_seen_}, {"total", underruns}});
        underruns_seen_ = underruns;
    }
    const uint64_t reconnects = s_.reconnects ? s_.reconnects() : 0;
    if (reconnects > reconnects_seen_) {
        event("reconnect", {{"total", reconnects}});
        reconnects_seen_ = reconnects;
    }
    // By what the meters have measured, not by the engine's position: live,
    // the meters thread measures a block a little after it was rendered.
    if (meters_every_ && s_.meters->recent_frames(BusMeters::Reader::control) >= meters_every_) meters_event();
    if (!end_reported_ && s_.scene_end && pos >= *s_.scene_end) {
        end_reported_ = true;
        event("end", json::object());
    }
    std::vector<Outgoing> out = std::move(events_);
    events_.clear();
    return out;
}

// Each bus's peak and RMS level since the last meters event, in dBFS.
void ControlSession::meters_event() {
    const auto names = s_.meters->names();
    const auto levels = s_.meters->take_recent(BusMeters::Reader::control);
    auto db = [](double x) { return x > 0 ? std::max(kMeterFloorDb, 20 * std::log10(x)) : kMeterFloorDb; };
    json buses = json::array();
    for (size_t i = 0; i < names.size() && i < levels.size(); ++i)
        buses.push_back({{"bus", names[i]},
                         {"peak_db", std::round(db(levels[i].peak) * 100) / 100},
                         {"rms_db", std::round(db(levels[i].rms) * 100) / 100}});
    event("meters", {{"buses", buses}});
}

bool ControlSession::idle() const {
    return voices_.empty() && pending_.empty() && (!s_.scene_end || engine_.position() >= *s_.scene_end);
}

}  // namespace simvx
