// Live playback (PulseAudio or --null) with the player a person expects on a
// terminal: a status line with meters, and keys — space pauses (a fade, no
// click), q quits, left/right seek plain-file playback by 5 s, up/down change
// the volume. Ctrl-C and SIGTERM fade out, drain and end the run.
#pragma once
#include <functional>
#include <memory>

#include "app/options.hpp"
#include "assemble/prepare.hpp"
#include "mix/engine.hpp"
#include "scene/scene.hpp"
#include "sink/sink.hpp"

namespace simvx {

class BusMeters;
class Recorder;

// What the checks add to live playback (--stats, --json, --record, --watch).
struct LiveHooks {
    BusMeters* meters = nullptr;    // tapped on the engine, and on each engine a seek builds
    bool status_line = false;       // draw the status line (its meters come from `meters`)
    Recorder* recorder = nullptr;   // gets every block the sink pulls
    DecodedSounds* decoded = nullptr;  // what the preparation decoded, reused by seeks
    std::function<void(Engine&)> tick;  // control thread, every status tick
    std::function<void(Engine&, bool interrupted)> finished;  // after the sink finished, engine still alive
    // Just before the engine goes away, however the run ends (a control
    // thread that holds the engine stops here).
    std::function<void()> releasing_engine;
    bool stdin_taken = false;       // standard input carries commands (--control -): keys come from the terminal
    bool engine_fixed = false;      // something else holds the engine (--watch, --control): no seeking
};

// Plays `engine` through the opened `sink` until the scene ends, q or a
// signal, and finishes the sink (throws as Sink::finish does). Returns the exit code (0, or 128 + signal).
int play_live(const Options& options, const Scene& scene, std::unique_ptr<Engine> engine, Sink& sink,
              const LiveHooks& hooks = {});

}  // namespace simvx
