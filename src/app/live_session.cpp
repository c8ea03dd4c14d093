// A live run (PulseAudio or --null): the player with its keys and status
// line, --record, --watch reloads and --json status as it plays.
#include <cstdio>

#include "app/control/control_record.hpp"
#include "app/control/control_thread.hpp"
#include "app/measure/recorder.hpp"
#include "app/player.hpp"
#include "app/report/json.hpp"
#include "app/scene_watch.hpp"
#include "app/session_parts.hpp"
#include "core/log.hpp"

namespace simvx {
namespace {

// --watch: what a reload did, or why it was refused (the old scene plays on).
void report_reload(const ReloadResult& r, const std::string& path, const Engine& engine, bool json) {
    if (json) {
        JsonObject o;
        o.add("type", "reload").add("ok", r.ok).add("position", static_cast<double>(engine.position()) / engine.spec().rate);
        json_line(r.ok ? o.add("changes", r.changes) : o.add("errors", r.errors));
    }
    if (!r.ok) {
        for (const auto& e : r.errors) log::error(e);
        log::error(path + ": not reloaded; the previous scene keeps playing");
        return;
    }
    std::string what;
    for (const auto& c : r.changes) what += (what.empty() ? "" : "; ") + c;
    if (!json) log::note("reloaded " + path + (what.empty() ? ": no changes" : ": " + what));
}

}  // namespace

int play_session(SessionParts& s) {
    const Options& o = s.options;
    std::optional<SceneWatch> watch;
    if (o.watch) watch.emplace(o, s.scene, s.voice_names);
    std::unique_ptr<Recorder> recorder;
    if (!o.record_path.empty()) recorder = std::make_unique<Recorder>(o.record_path, s.engine->spec());
    std::unique_ptr<ControlRecord> control_record;
    if (!o.record_control.empty()) control_record = std::make_unique<ControlRecord>(o.record_control);
    std::unique_ptr<ControlThread> control;
    if (!o.control.empty() || !o.control_script.empty()) {
        ControlSession::Setup cs;
        cs.scene = s.scene;
        cs.engine = s.engine.get();
        cs.streams = StreamDecoding::own_threads;
        cs.scene_end = s.scene_end;
        cs.max_voices = o.control_voices;
        cs.decoded = s.seekable ? &s.decoded : nullptr;
        cs.meters = s.meters.get();
        Sink* sink = s.sink.get();
        cs.latency = [sink] { return sink->latency_seconds(); };
        cs.device_underruns = [sink] { return sink->underruns(); };
        cs.reconnects = [sink] { return sink->reconnects(); };
        if (control_record) cs.record = [r = control_record.get()](const std::string& line) { r->write(line); };
        auto script = o.control_script.empty() ? nullptr : std::make_unique<ControlScript>(ControlScript::read(o.control_script));
        control = std::make_unique<ControlThread>(o.control, std::move(script), std::move(cs));
        log::note("taking commands from " + control->describe());
    }
    LiveHooks hooks;
    hooks.releasing_engine = [&] {
        if (control) control->stop();
    };
    hooks.stdin_taken = o.control == "-";
    hooks.engine_fixed = o.watch || control;
    hooks.meters = s.meters.get();
    hooks.status_line = s.status_line;
    hooks.recorder = recorder.get();
    hooks.decoded = s.seekable ? &s.decoded : nullptr;
    hooks.tick = [&](Engine& e) {
        if (s.json) s.json->poll(s.now(e));
        if (watch)
            if (auto r = watch->poll(e)) report_reload(*r, s.scene.path, e, s.json.has_value());
    };
    uint64_t end_position = 0;
    bool interrupted = false;
    hooks.finished = [&](Engine& e, bool by_signal) {
        if (s.json) s.json->poll(s.now(e), true);
        end_position = e.position();
        interrupted = by_signal;
    };
    const int status = play_live(o, s.scene, std::move(s.engine), *s.sink, hooks);
    control.reset();
    if (control_record) control_record->finish();
    if (recorder) {
        recorder->finish();
        if (const uint64_t lost = recorder->dropped_frames())
            log::warn("--record lost " + std::to_string(lost) + " frames: the machine could not keep up");
    }
    if (s.meters && o.stats) report_stats(*s.meters, o.json);
    write_plot_file(s);
    log_done(s);
    return json_end(o.json, s.seconds(end_position), interrupted, status);
}

}  // namespace simvx
