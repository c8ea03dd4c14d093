// The control protocol (version 1) over a running engine: each request line
// becomes a reply line (and, when accepted, edits queued on the engine's
// lock-free queues); voice, underrun, reconnect and end events go to the
// clients that subscribed. Everything here runs on one thread, the control
// thread (or, replaying a script into a render, the rendering thread between
// two blocks): the audio thread only ever sees the queued edits.
//
// Requests are JSON objects: {"id": 7, "cmd": "play", "file": "boom.wav"}.
// The keys that describe a sound are the scene format's [[sound]] keys, read
// by the scene loader; times are seconds; voices are named by the number
// `play` replies with. The man page's CONTROL PROTOCOL section lists them all.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/control/control_script.hpp"
#include "app/measure/bus_meters.hpp"
#include "assemble/prepare.hpp"
#include "mix/engine.hpp"
#include "scene/scene.hpp"
#include "spatial/model.hpp"

namespace simvx {

class Request;

inline constexpr int kControlProtocolVersion = 1;

class ControlSession {
public:
    using ClientId = uint32_t;

    struct Setup {
        Scene scene;                    // what plays: its buses, engine settings and sounds
        Engine* engine = nullptr;
        StreamDecoding streams = StreamDecoding::own_threads;  // a render replays with render_thread
        std::string folder = ".";       // relative files are found from here
        size_t max_voices = 1024;       // voices played by control that may play at once
        // Output facts for `get` and events (live playback); none in a render.
        std::function<double()> latency;       // seconds the output holds
        std::function<uint64_t()> device_underruns;
        std::function<uint64_t()> reconnects;
        // --record-control: every accepted request with the frame it took
        // effect at, one JSON line each, in that order.
        std::function<void(const std::string& line)> record;
        // Each bus's level for "meters" events (live playback); none in a render.
        BusMeters* meters = nullptr;
        // Where the scene's own sounds end (frames); none when it never ends.
        std::optional<uint64_t> scene_end;
        // What the run decoded for the scene's sounds, for a seek to use again (may be null).
        DecodedSounds* decoded = nullptr;
    };

    explicit ControlSession(Setup setup);

    // One request line from `client`; returns the reply line. Never throws
    // for what the request says: every problem is an {"ok":false} reply.
    std::string handle(ClientId client, std::string_view line);

    // Often (every few milliseconds): learns where queued edits took effect
    // (records them, starts the voices' clocks), which voices ended, and
    // returns the events for subscribed clients since the last call.
    struct Outgoing {
        ClientId client;
        std::string line;
    };
    std::vector<Outgoing> poll();

    // At the end of the run: records what took effect since the last poll
    // (the quit that ended it, most often).
    void flush() { poll(); }

    void client_gone(ClientId client);
    // Runs the script's steps whose frame has come; a refused one is a warning.
    void run_due_steps(ControlScript& script);
    // Where the run is, as a script counts it.
    ScriptClock script_clock() const { return {engine_.seeks(), engine_.position(), engine_.held_frames()}; }
    bool quit_requested() const { return quit_; }
    // Nothing played by control is still playing (or waiting to), and the
    // scene itself has reached its end: what ends a run whose commands
    // have all been given (standard input or a script at its end). As of
    // the last poll().
    bool idle() const;

private:
    struct Loaded {
        SoundDesc sound;     // its file, validated
        double seconds = 0;
        uint32_t rate = 0, channels = 0;
        std::string format;
    };
    struct VoiceInfo {
        std::string sound;                    // the loaded name, or the file
        std::optional<uint64_t> start_frame;  // known once the engine took it in (or `at`)
        std::optional<uint64_t> end_frame;    // by its length, when it has one
        double unit_ratio = 0;                // input frames per engine frame at pitch 1 (0: no pitch stage)
        double pitch = 1, max_pitch = 1;
        bool started_reported = false;
        bool paused = false;
        double volume_db = 0, pan = 0;
        bool spatial = false;                 // a 3D voice: set takes position and velocity
        std::array<double, 3> position{}, velocity{};
    };
    struct Pending {  // an accepted request waiting to learn its frame
        uint64_t serial;
        nlohmann::json recorded;  // what --record-control writes (null: nothing)
        std::optional<size_t> voice;  // a play: the voice whose clock starts there
    };

    nlohmann::json dispatch(ClientId client, Request& r, const std::string& cmd);
    nlohmann::json cmd_load(Request& r);
    nlohmann::json cmd_unload(Request& r);
    nlohmann::json cmd_play(Request& r);
    // The scene's [[sound]] of this name, or null.
    const SoundDesc* scene_sound(std::string_view name) const;
    nlohmann::json cmd_stop(Request& r);
    nlohmann::json cmd_set(Request& r);
    nlohmann::json cmd_pause(Request& r, bool pause);
    nlohmann::json cmd_seek(Request& r);
    // Live: waits (briefly) until the seek just queued has landed, so that
    // no later edit reaches the engine before it.
    void wait_for_seek();
    nlohmann::json cmd_listener(Request& r);
    nlohmann::json cmd_bus(Request& r);
    nlohmann::json cmd_effect(Request& r);
    void rebuild_plan(size_t bus);
    size_t bus_index(const std::string& name) const;  // throws RequestError with "did you mean"
    std::optional<std::vector<SendDesc>> read_sends(Request& r, size_t from) const;
    nlohmann::json cmd_get(Request& r);
    nlohmann::json cmd_subscribe(ClientId client, Request& r, bool on);
    nlohmann::json cmd_quit(Request& r);

    size_t voice_of(Request& r);  // the "voice" key, which must name a live voice of ours
    size_t bus_of(Request& r);    // the "bus" key, a bus of the scene
    uint32_t frames_of(std::optional<double> seconds, double fallback_s) const;
    // A request whose edits were queued: waits for their frame (to record
    // it, and to start the clock of the voice it played).
    void accepted(const nlohmann::json& request, std::optional<size_t> voice = {});
    void event(std::string_view kind, nlohmann::json body);
    nlohmann::json voice_json(size_t id, const VoiceInfo& v) const;
    // Where the listener is and how it moves now (along its path, when it follows one).
    Motion listener_now() const;
    nlohmann::json bus_json(size_t index) const;

    Setup s_;
    Engine& engine_;
    const uint32_t rate_;
    DecodedSounds decoded_;                       // what `load` decoded, for every later play
    std::map<std::string, Loaded, std::less<>> loaded_;
    std::vector<SoundDesc> scene_sounds_;  // the scene's [[sound]]s, for `play` by name
    bool live_streams_ = false;            // the scene reads a live stream: it cannot seek
    bool mix_paused_ = false;              // as the last pause/resume asked
    uint64_t plays_ = 0;                   // plays of varied sounds so far: each draws anew
    std::map<size_t, VoiceInfo> voices_;          // voices played by control, until they end
    std::vector<Pending> pending_;
    std::vector<Engine::AppliedEdit> applied_;    // scratch for poll()
    std::vector<size_t> ended_;                   // scratch for poll()
    std::map<ClientId, std::set<std::string, std::less<>>> subscribers_;
    std::vector<Outgoing> events_;
    uint64_t underruns_seen_ = 0, reconnects_seen_ = 0;
    bool end_reported_ = false;
    // "meters" events: one each time the meters have measured this many frames.
    uint64_t meters_every_ = 0;
    void meters_event();
    bool warned_lost_ = false;
    bool quit_ = false;
};

}  // namespace simvx
