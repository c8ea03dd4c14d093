// What a live run and a render share once the scene is prepared: the engine,
// the opened output, the meters and the --json progress; and the reports
// both end with. run_session (session.cpp) builds it; play_session
// (live_session.cpp) and render_session (render_session.cpp) run it.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "app/measure/bus_meters.hpp"
#include "app/measure/normalization.hpp"
#include "app/options.hpp"
#include "app/plot/plot_collector.hpp"
#include "app/report/json_report.hpp"
#include "assemble/prepare.hpp"
#include "mix/engine.hpp"
#include "scene/scene.hpp"
#include "sink/outputs.hpp"
#include "sink/sink.hpp"

namespace simvx {

struct SessionParts {
    const Options& options;
    const OutputType& output;
    Scene scene;
    DecodedSounds decoded;              // kept for seeks when `seekable`, and for --normalize's second pass
    bool seekable = false;              // plain files played live: seeks rebuild the engine
    std::vector<std::string> voice_names;  // the scene's voices, in order (--watch)
    std::unique_ptr<PlotCollector> plot;  // --plot, fed by `meters` (declared first: outlives its thread)
    std::unique_ptr<BusMeters> meters;  // --stats, --json, --plot or the status line
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Sink> sink;         // opened
    std::optional<JsonProgress> json;
    bool status_line = false;           // a person at a terminal watches a live run
    size_t offline_chunk_frames = 0;    // a render waits for streamed sources this many frames at a time
    std::chrono::steady_clock::time_point started;  // when the output opened
    double rate = 0;                    // the engine's sample rate (the engine may move into the player)
    std::optional<Normalization> normalized;  // --normalize: the gain the engine applies, and why
    std::optional<uint64_t> scene_end;  // where the scene's own sounds end (a controlled mix goes on)

    double seconds(uint64_t frames) const { return static_cast<double>(frames) / rate; }
    // The counts --json reports, from the engine (streams) and the output (device).
    JsonProgress::Now now(const Engine& e) const {
        return {e.position(), e.underruns() + sink->underruns(), sink->reconnects(), sink->reconnecting()};
    }
};

int play_session(SessionParts& s);    // live_session.cpp
int render_session(SessionParts& s);  // render_session.cpp

// --stats at the end: a table on stderr, or with --json a stats object.
void report_stats(BusMeters& meters, bool json);
// --plot at the end (also after an interruption): the meters are finished first.
void write_plot_file(SessionParts& s);
// --json's last line of a run that did not fail; returns `code`.
int json_end(bool json, double position_s, bool interrupted, int code);
// "done: 1:02.5 of audio in 830 ms" (-v).
void log_done(const SessionParts& s);

}  // namespace simvx
