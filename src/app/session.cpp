#include "app/session.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "app/measure/bus_meters.hpp"
#include "app/check_files.hpp"
#include "app/measure/expect.hpp"
#include "app/input_scene.hpp"
#include "app/report/json_report.hpp"
#include "app/player.hpp"
#include "assemble/prepare.hpp"
#include "app/ui/progress.hpp"
#include "core/time_format.hpp"
#include "app/measure/recorder.hpp"
#include "app/report/run_report.hpp"
#include "app/scene_watch.hpp"
#include "app/signals.hpp"
#include "app/report/stats_table.hpp"
#include "app/report/summary.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "sink/null_sink.hpp"
#include "sink/pulse_connection.hpp"
#include "sink/pulse_devices.hpp"
#include "sink/pulse_sink.hpp"
#include "sink/wav_file_sink.hpp"

namespace simvx {
namespace {

// A scene that loops with no duration can be played (until interrupted) but
// not rendered: say so before spending time decoding.
void check_renderable(const Scene& scene) {
    if (scene.engine.duration) return;
    for (const auto& s : scene.sounds)
        if (s.loop && !s.stop && s.enabled)
            throw UsageError((s.where.line ? s.where.str() + ": " : std::string()) + "sound '" + s.name +
                             "' loops forever, so the render would never end: give it a stop time, or --duration "
                             "SEC or engine.duration");
}

std::unique_ptr<Sink> make_sink(const Options& o, const Scene& scene, const Engine& engine, uint64_t start_frame) {
    switch (o.output) {
        case OutputKind::render: {
            std::optional<uint64_t> frames = engine.exact_end();
            if (frames) *frames -= std::min(*frames, start_frame);
            return std::make_unique<WavFileSink>(o.render_path, parse_sample_format(o.render_format), frames,
                                                 o.dither == "tpdf", o.raw ? Container::raw : Container::wav);
        }
        case OutputKind::null:
            return std::make_unique<NullSink>(scene.engine.latency_ms / 1000.0);
        case OutputKind::pulse:
            return std::make_unique<PulseSink>(PulseSink::Config{.latency_ms = scene.engine.latency_ms, .device = o.device});
    }
    throw Error(ExitCode::internal, "unknown output");
}

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

// --stats at the end: a table on stderr, or with --json a stats object.
void report_stats(BusMeters& meters, bool json) {
    const auto rows = meters.finish();
    if (json) json_line(json_stats(rows));
    else std::fputs(stats_table(rows).c_str(), stderr);
    if (const uint64_t dropped = meters.dropped_blocks())
        log::warn("--stats missed " + std::to_string(dropped) + " blocks: the metering thread fell behind");
}

// --json's last line of a run that did not fail.
int json_end(bool json, double position_s, bool interrupted, int code) {
    if (json)
        json_line(JsonObject()
                      .add("type", "end")
                      .add("position", position_s)
                      .add("reason", interrupted ? "interrupted" : "finished")
                      .add("exit_code", code));
    return code;
}

JsonObject json_start(const Sink& sink, const Engine& engine) {
    std::optional<double> length;
    if (engine.length()) length = static_cast<double>(*engine.length()) / engine.spec().rate;
    return JsonObject()
        .add("type", "start")
        .add("output", sink.describe())
        .add("rate", static_cast<uint64_t>(engine.spec().rate))
        .add("channels", static_cast<uint64_t>(engine.spec().channels))
        .add("length", length);
}

std::string milliseconds_since(std::chrono::steady_clock::time_point t) {
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
    return std::to_string(static_cast<long>(ms + 0.5)) + " ms";
}

}  // namespace

int run_session(const Options& o) {
    log::set_level(o.verbosity);
    signals::install();
    if (o.list_devices) {
        PulseConnection connection;
        connection.connect(5.0);
        std::fputs(format_sink_list(list_pulse_sinks(connection)).c_str(), stdout);
        return 0;
    }

    Scene scene;
    try {
        scene = scene_from_options(o);
    } catch (const SceneError& e) {
        if (!o.check) throw;
        throw with_file_problems(e, o.inputs.front());  // all problems of the scene in one run
    }
    if (o.output == OutputKind::render && !o.check) check_renderable(scene);
    if (o.watch && scene.path.empty()) throw UsageError("--watch follows a scene file: give a scene, not audio files");
    if (scene.sounds.empty() && scene.streams.empty() && !o.watch)
        log::warn(scene.path + ": the scene has no [[sound]] and no [[stream]]: there is nothing to hear");
    const auto t0 = std::chrono::steady_clock::now();
    // An offline render decodes its streams itself, between blocks (no decoder threads to wait for).
    // Playing plain files, what is decoded is kept for seeking.
    DecodedSounds decoded;
    const bool seekable = o.output != OutputKind::render && scene.streams.empty();
    const StreamDecoding streams = o.check                           ? StreamDecoding::none
                                   : o.output == OutputKind::render ? StreamDecoding::render_thread
                                                                    : StreamDecoding::own_threads;
    PreparedScene prepared = prepare_scene(scene, streams, seekable ? &decoded : nullptr);
    log::info("prepared " + std::to_string(prepared.files.size()) + " file(s) in " + milliseconds_since(t0));
    if (o.check) {
        if (o.json) json_line(json_check(scene, prepared));
        else std::fputs(describe_scene(scene, prepared).c_str(), stdout);
        return 0;
    }

    const uint64_t start_frame = prepared.config.start_frame;
    if (start_frame > 0 && scene.streams.empty() && prepared.full_length && start_frame >= *prepared.full_length)
        throw UsageError("--start-at " + format_time(scene.skip) + " is at or past the end: " +
                         (!scene.path.empty() ? "the scene lasts " : scene.sounds.size() > 1 ? "the files last " : "the file lasts ") +
                         format_time(static_cast<double>(*prepared.full_length) / scene.engine.sample_rate));
    // An offline render waits for streamed sources this many frames at a time
    // (no more than a stream's ring holds, so waiting always succeeds).
    const size_t chunk_frames = prepared.offline_chunk_frames;
    const bool live = o.output != OutputKind::render;
    // A person at a terminal gets the status line; a program asking for --json gets status objects instead.
    const bool status_line = live && isatty(STDERR_FILENO) && o.verbosity != log::Level::quiet && !o.json;
    std::unique_ptr<BusMeters> meters;
    if (o.stats || o.json || status_line)  // the status lines carry each bus's peak
        meters = std::make_unique<BusMeters>(*prepared.plan, prepared.config.output,
                                             live ? BusMeters::Mode::threaded : BusMeters::Mode::synchronous, o.stats);
    auto sounds = JsonProgress::sounds_of(prepared.voices);
    std::optional<SceneWatch> watch;
    if (o.watch) {
        std::vector<std::string> voice_names;
        for (const auto& v : prepared.voices) voice_names.push_back(v.name);
        watch.emplace(o, scene, voice_names);
    }
    auto engine_owner = std::make_unique<Engine>(prepared.config, std::move(prepared.voices), std::move(prepared.plan));
    Engine& engine = *engine_owner;
    auto sink = make_sink(o, scene, engine, start_frame);
    sink->open(engine.spec());
    log::info("output: " + sink->describe());
    const auto t1 = std::chrono::steady_clock::now();
    const double rate = engine.spec().rate;
    std::optional<JsonProgress> json;
    if (o.json) {
        json.emplace(std::move(sounds), engine.spec().rate, engine.length(), meters.get());
        json_line(json_start(*sink, engine));
    }
    if (live) {
        std::unique_ptr<Recorder> recorder;
        if (!o.record_path.empty()) recorder = std::make_unique<Recorder>(o.record_path, engine.spec());
        LiveHooks hooks;
        hooks.meters = meters.get();
        hooks.status_line = status_line;
        hooks.recorder = recorder.get();
        hooks.decoded = seekable ? &decoded : nullptr;
        auto now = [&](const Engine& e) {
            return JsonProgress::Now{e.position(), e.underruns() + sink->underruns(), sink->reconnects(), sink->reconnecting()};
        };
        hooks.tick = [&](Engine& e) {
            if (json) json->poll(now(e));
            if (watch)
                if (auto r = watch->poll(e)) report_reload(*r, scene.path, e, json.has_value());
        };
        uint64_t end_position = 0;
        bool interrupted = false;
        hooks.finished = [&](Engine& e, bool by_signal) {
            if (json) json->poll(now(e), true);
            end_position = e.position();
            interrupted = by_signal;
        };
        const int status = play_live(o, scene, std::move(engine_owner), *sink, hooks);
        if (recorder) {
            recorder->finish();
            if (const uint64_t lost = recorder->dropped_frames())
                log::warn("--record lost " + std::to_string(lost) + " frames: the machine could not keep up");
        }
        if (meters && o.stats) report_stats(*meters, o.json);
        log::info("done: " + format_time(static_cast<double>(sink->frames_written()) / rate) + " of audio in " +
                  milliseconds_since(t1));
        return json_end(o.json, static_cast<double>(end_position) / rate, interrupted, status);
    }
    engine.set_tap(meters.get());
    std::unique_ptr<ExpectCheck> expect;
    if (!o.expect_path.empty())
        expect = std::make_unique<ExpectCheck>(o.expect_path, engine.spec(), parse_sample_format(o.render_format),
                                               o.dither == "tpdf", o.tolerance_db);
    const uint32_t channels = engine.spec().channels;
    // Offline: wait for streamed sources before each block, so the output
    // never depends on how fast the disk or the decoders were.
    sink->start([&engine, &expect, channels, chunk_frames](std::span<float> out) {
        // In pieces no larger than a streamed source guarantees to hold.
        size_t done = 0;
        while (done < out.size()) {
            const size_t n = std::min(out.size() - done, chunk_frames * channels);
            engine.wait_for_sources(n / channels);
            if (auto errors = engine.source_errors(); !errors.empty()) throw InputError(errors.front());
            const size_t got = engine.render(out.subspan(done, n)) * channels;
            done += got;
            if (got < n) break;
        }
        if (expect) expect->add(out.first(done));
        return done / channels;
    });

    const bool show = isatty(STDERR_FILENO) && o.verbosity != log::Level::quiet &&
                      !(o.render_path == "-" && isatty(STDOUT_FILENO));
    ProgressLine progress(show, "rendering");
    std::optional<double> length_s;
    if (engine.length()) length_s = static_cast<double>(*engine.length()) / rate;
    int sig = 0;
    while (!sink->wait_done(std::chrono::milliseconds(20))) {
        if (!sig && (sig = signals::received())) engine.request_stop();  // fades out, then the file is finalized
        progress.update(static_cast<double>(engine.position()) / rate, length_s);
        if (json) json->poll({engine.position(), engine.underruns()});
    }
    progress.clear();
    sink->finish();
    if (sig && o.output == OutputKind::render)
        log::note("interrupted: wrote " + format_time(static_cast<double>(sink->frames_written()) / rate) +
                  " of audio to " + (o.render_path == "-" ? std::string("standard output") : o.render_path));
    if (json) json->poll({engine.position(), engine.underruns()}, true);
    const bool failed = report_sources(engine);

    if (const uint64_t over = engine.over_full_scale(); over && o.output == OutputKind::render && o.render_format != "f32")
        log::warn(std::to_string(over) + " samples were above full scale and clipped in the " + o.render_format +
                  " output; lower --volume-db or render f32");
    log::info("done: " + format_time(static_cast<double>(sink->frames_written()) / rate) + " of audio in " +
              milliseconds_since(t1));
    if (meters && o.stats) report_stats(*meters, o.json);
    const double end_s = static_cast<double>(engine.position()) / rate;
    if (sig) return json_end(o.json, end_s, true, signals::exit_code(sig));
    if (failed) return json_end(o.json, end_s, false, static_cast<int>(ExitCode::bad_input));
    if (expect) {
        const ExpectResult result = expect->finish();
        if (o.json) json_line(json_expect(result, engine.spec().rate));
        if (!result.passed) throw Error(ExitCode::mismatch, expect->describe(result));
        if (!o.json) log::note(expect->describe(result));
    }
    return json_end(o.json, end_s, false, 0);
}

}  // namespace simvx
