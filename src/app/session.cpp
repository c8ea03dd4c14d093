// The part of a run that live playback and rendering share: the scene from
// the options, its preparation (or --check's report), the engine, the meters
// and the output, chosen by name from the output table. Then one of the two
// paths runs it.
#include "app/session.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "app/check_files.hpp"
#include "app/input_scene.hpp"
#include "app/plot/cairo_api.hpp"
#include "app/plot/plot_pages.hpp"
#include "app/loudness_pass.hpp"
#include "app/measure/loudness_tags.hpp"
#include "app/report/devices.hpp"
#include "app/report/json.hpp"
#include "app/report/stats_table.hpp"
#include "app/report/summary.hpp"
#include "app/session_parts.hpp"
#include "app/signals.hpp"
#include "core/error.hpp"
#include "core/gain.hpp"
#include "core/log.hpp"
#include "core/time_format.hpp"

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

OutputSettings output_settings(const Options& o, const Scene& scene, const Engine& engine, uint64_t start_frame) {
    OutputSettings s;
    s.latency_ms = scene.engine.latency_ms;
    s.device = o.output == "file" ? o.render_path : o.device;
    Encoding& e = s.encoding;
    e.codec = parse_codec(o.render_codec).value_or(Codec::wav);  // the front end chose it by extension
    e.format = parse_sample_format(o.render_format);
    e.container = o.raw ? Container::raw : Container::wav;
    e.quality = o.quality;
    e.bitrate_kbps = o.bitrate_kbps;
    e.tags = scene.engine.tags;
    for (const auto& t : o.tags) set_tag(e.tags, t.key, t.value);
    s.dither = o.dither == "tpdf";
    s.frames = engine.exact_end();
    if (s.frames) *s.frames -= std::min(*s.frames, start_frame);
    return s;
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

void report_stats(BusMeters& meters, bool json) {
    const auto rows = meters.finish();
    if (json) json_line(json_stats(rows));
    else std::fputs(stats_table(rows).c_str(), stderr);
    if (const uint64_t dropped = meters.dropped_blocks())
        log::warn("--stats missed " + std::to_string(dropped) + " blocks: the metering thread fell behind");
}

void write_plot_file(SessionParts& s) {
    if (!s.plot) return;
    s.meters->finish();
    s.plot->finish();
    if (const uint64_t dropped = s.meters->dropped_blocks(); dropped && !s.options.stats)  // --stats said it already
        log::warn("--plot missed " + std::to_string(dropped) + " blocks: the metering thread fell behind");
    auto names = s.meters->names();
    names.erase(names.begin());  // the output
    const std::filesystem::path source = !s.scene.path.empty()         ? s.scene.path
                                         : !s.options.inputs.empty() ? s.options.inputs.front()
                                                                     : "stream";
    const PageLayout page = write_plot(s.options.plot_path, *s.plot, source.filename().string(), names);
    log::info("plot: wrote " + s.options.plot_path + ": " + describe_layout(page));
}

int json_end(bool json, double position_s, bool interrupted, int code) {
    if (json)
        json_line(JsonObject()
                      .add("type", "end")
                      .add("position", position_s)
                      .add("reason", interrupted ? "interrupted" : "finished")
                      .add("exit_code", code));
    return code;
}

void log_done(const SessionParts& s) {
    log::info("done: " + format_time(s.seconds(s.sink->frames_written())) + " of audio in " + milliseconds_since(s.started));
}

int run_session(const Options& o) {
    log::set_level(o.verbosity);
    signals::install();
    if (o.list_devices) {
        std::fputs(list_devices(o.json).c_str(), stdout);
        return 0;
    }
    SessionParts s{.options = o, .output = output_type(o.output)};
    const bool offline = s.output.offline;
    try {
        s.scene = scene_from_options(o);
    } catch (const SceneError& e) {
        if (!o.check) throw;
        throw with_file_problems(e, o.inputs.front());  // all problems of the scene in one run
    }
    const Scene& scene = s.scene;
    if (offline && !o.check) check_renderable(scene);
    if (o.watch && scene.path.empty()) throw UsageError("--watch follows a scene file: give a scene, not audio files");
    const bool controlled = !o.control.empty() || !o.control_script.empty();
    if (scene.sounds.empty() && scene.streams.empty() && !o.watch && !controlled)
        log::warn(scene.path + ": the scene has no [[sound]] and no [[stream]]: there is nothing to hear");
    // --normalize: a first pass measures the render, the second applies one gain.
    if (o.normalize_lufs && !o.check) {
        const auto measured = measure_render(scene, o, &s.decoded);
        if (!measured) {
            const int sig = signals::received();
            log::note("interrupted while measuring for --normalize: nothing was written");
            return json_end(o.json, 0, true, signals::exit_code(sig));
        }
        s.normalized = plan_normalization(*o.normalize_lufs, o.true_peak_max_db, measured->output);
        if (o.normalize_limit) {
            s.normalized = plan_limited_normalization(*s.normalized, [&](double gain_db, double ceiling_db) {
                return measure_render(scene, o, &s.decoded, gain_db, ceiling_db);
            });
            if (!s.normalized) {
                const int sig = signals::received();
                log::note("interrupted while measuring for --normalize-limit: nothing was written");
                return json_end(o.json, 0, true, signals::exit_code(sig));
            }
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    // An offline render decodes its streams itself, between blocks (no decoder threads to wait for).
    // Playing plain files, what is decoded is kept for seeking.
    s.seekable = !offline && scene.streams.empty();
    const StreamDecoding streams = o.check  ? StreamDecoding::none
                                   : offline ? StreamDecoding::render_thread
                                             : StreamDecoding::own_threads;
    // The second pass of --normalize takes what the first decoded.
    PreparedScene prepared = prepare_scene(scene, streams, s.seekable || s.normalized ? &s.decoded : nullptr);
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
    s.offline_chunk_frames = prepared.offline_chunk_frames;
    // A person at a terminal gets the status line; a program asking for --json gets status objects instead.
    s.status_line = !offline && isatty(STDERR_FILENO) && o.verbosity != log::Level::quiet && !o.json;
    if (!o.plot_path.empty()) {
        cairo_lib::require();  // a missing cairo is said now, not after the render
        s.plot = std::make_unique<PlotCollector>(prepared.plan->buses.size(), prepared.config.output, o.plot_buses);
    }
    // The status lines carry each bus's peak, live control's meters events each bus's level, --plot every block.
    // Offline, true peak and loudness (--stats) and --plot's spectra are
    // measured on another core while the render goes on.
    if (o.stats || o.json || s.status_line || s.plot || (controlled && !offline)) {
        const auto mode = !offline                ? BusMeters::Mode::threaded
                          : o.stats || s.plot     ? BusMeters::Mode::pipelined
                                                  : BusMeters::Mode::synchronous;
        s.meters = std::make_unique<BusMeters>(*prepared.plan, prepared.config.output, mode, o.stats, s.plot.get());
    }
    // A controlled mix takes voices while it runs: it plays on past the end
    // of the scene's own sounds, until "quit" (or what it was given is done).
    s.scene_end = prepared.full_length;
    if (controlled) prepared.config.endless = true;
    if (s.normalized) prepared.config.output_gain = db_to_gain(s.normalized->gain_db);
    if (s.normalized && s.normalized->limiter_ceiling_db)
        prepared.config.output_limiter = TruePeakLimiter::Settings{.ceiling_db = *s.normalized->limiter_ceiling_db};
    auto sounds = JsonProgress::sounds_of(prepared.voices);
    for (const auto& v : prepared.voices) s.voice_names.push_back(v.name);
    s.engine = std::make_unique<Engine>(prepared.config, std::move(prepared.voices), std::move(prepared.plan));
    s.rate = s.engine->spec().rate;
    OutputSettings settings = output_settings(o, scene, *s.engine, start_frame);
    // The normalized loudness is known before the output opens: tag it.
    // Measured by --stats alone, it is known once the render is done: the
    // file sink asks for it then (the meters finished), before the rename.
    if (s.normalized) {
        add_loudness_tags(settings.encoding.tags, settings.encoding.codec, s.normalized->output());
    } else if (o.stats && s.meters && settings.encoding.codec != Codec::wav) {
        settings.late_tags = [meters = s.meters.get(), codec = settings.encoding.codec] {
            const LoudnessStats output = meters->finish().front().stats;
            Tags tags;
            add_loudness_tags(tags, codec, {output.integrated_lufs, output.true_peak_db});
            return tags;
        };
    }
    s.sink = s.output.make(settings);
    s.sink->open(s.engine->spec());
    log::info("output: " + s.sink->describe());
    s.started = std::chrono::steady_clock::now();
    if (o.json) {
        s.json.emplace(std::move(sounds), s.engine->spec().rate, s.engine->length(), s.meters.get());
        json_line(json_start(*s.sink, *s.engine));
    }
    return offline ? render_session(s) : play_session(s);
}

}  // namespace simvx
