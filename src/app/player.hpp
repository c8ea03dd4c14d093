// Live playback (PulseAudio or --null) with the player a person expects on a
// terminal: a status line with meters, and keys — space pauses (a fade, no
// click), q quits, left/right seek plain-file playback by 5 s, up/down change
// the volume. Ctrl-C and SIGTERM fade out, drain and end the run.
#pragma once
#include <memory>

#include "app/options.hpp"
#include "mix/engine.hpp"
#include "scene/scene.hpp"
#include "sink/sink.hpp"

namespace simvx {

// Plays `engine` through the opened `sink` until the scene ends, q or a
// signal, and finishes the sink (throws as Sink::finish does). Returns the exit code (0, or 128 + signal).
int play_live(const Options& options, const Scene& scene, std::unique_ptr<Engine> engine, Sink& sink);

}  // namespace simvx
