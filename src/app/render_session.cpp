// An offline render (--render FILE): the engine pulled as fast as the
// machine allows, waiting for streamed sources before each block so the
// output never depends on the disk's pace; --expect compares it as it goes.
#include <unistd.h>

#include <cstdio>

#include "app/control/control_record.hpp"
#include "app/control/control_script.hpp"
#include "app/control/control_session.hpp"
#include "app/measure/expect.hpp"
#include "app/plot/plot_pages.hpp"
#include "app/report/json.hpp"
#include "app/report/run_report.hpp"
#include "app/session_parts.hpp"
#include "app/signals.hpp"
#include "app/ui/progress.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time_format.hpp"
#include "sink/encoding.hpp"

namespace simvx {
namespace {

// The picture of a failed --expect. Failing to write it is said, but the run
// still ends as the mismatch it is.
void write_residual_plot(const std::string& path, SignalSummary& residual, const ExpectResult& result, const Options& o,
                         uint32_t rate) {
    residual.finish();
    char at[64];
    std::snprintf(at, sizeof at, " at %.3f s", static_cast<double>(result.peak_frame) / rate);
    const std::string title = o.render_path + " against " + o.expect_path + ": worst residual " +
                              format_db(to_db(result.peak_residual), "dBFS") + (result.peak_residual > 0 ? at : "");
    try {
        const PageLayout page = write_diff_plot(path, residual, o.tolerance_db, title);
        log::note("the residual is drawn in " + path);
        log::info("plot: wrote " + path + ": " + describe_layout(page));
    } catch (const Error& e) {
        log::error(e.what());
    }
}

}  // namespace

int render_session(SessionParts& s) {
    const Options& o = s.options;
    Engine& engine = *s.engine;
    Sink& sink = *s.sink;
    engine.set_tap(s.meters.get());
    std::unique_ptr<ExpectCheck> expect;
    // A lossy render is compared as decoded back from the finished file.
    const bool lossy = is_lossy(parse_codec(o.render_codec).value_or(Codec::wav));
    if (!o.expect_path.empty())
        expect = std::make_unique<ExpectCheck>(o.expect_path, engine.spec(), parse_sample_format(o.render_format),
                                               o.dither == "tpdf", o.tolerance_db);
    // A failed --expect draws where it failed: the residual is summarized as it is compared.
    const std::string diff_path = expect ? diff_plot_path(o.plot_path, o.render_path) : std::string();
    std::unique_ptr<SignalSummary> residual;
    if (!diff_path.empty()) {
        residual = std::make_unique<SignalSummary>(engine.spec().channels, engine.spec().rate, true);
        expect->on_residual([r = residual.get()](const float* x, size_t frames) { r->add(x, frames); });
    }
    // --control-script: each step applied just before its frame is rendered,
    // on this thread, so the render is sample-exact and the same every time.
    std::unique_ptr<ControlRecord> control_record;
    if (!o.record_control.empty()) control_record = std::make_unique<ControlRecord>(o.record_control);
    std::unique_ptr<ControlScript> script;
    std::unique_ptr<ControlSession> control;
    if (!o.control_script.empty()) {
        script = std::make_unique<ControlScript>(ControlScript::read(o.control_script));
        ControlSession::Setup cs;
        cs.scene = s.scene;
        cs.engine = &engine;
        cs.streams = StreamDecoding::render_thread;
        cs.scene_end = s.scene_end;
        cs.max_voices = o.control_voices;
        cs.decoded = &s.decoded;
        if (control_record) cs.record = [r = control_record.get()](const std::string& line) { r->write(line); };
        control = std::make_unique<ControlSession>(std::move(cs));
    }
    bool ending = false;
    // Applies the steps due at the engine's position; returns how many frames
    // may be rendered before the next one is due.
    auto run_script = [&]() -> uint64_t {
        control->run_due_steps(*script);
        control->poll();
        if (!ending && script->done() && !control->quit_requested() && control->idle()) {
            ending = true;
            engine.queue_stop();
        }
        const uint64_t seek = engine.frames_until_seek_lands();  // a block ends where a seek lands
        return std::min(script->frames_until_next(control->script_clock()), seek ? seek : UINT64_MAX);
    };
    const uint32_t channels = engine.spec().channels;
    sink.start([&, channels, chunk_frames = s.offline_chunk_frames](std::span<float> out) {
        // In pieces no larger than a streamed source guarantees to hold.
        size_t done = 0;
        while (done < out.size()) {
            size_t n = std::min(out.size() - done, chunk_frames * channels);
            if (script) n = static_cast<size_t>(std::min<uint64_t>(n, std::max<uint64_t>(1, run_script()) * channels));
            engine.wait_for_sources(n / channels);
            if (auto errors = engine.source_errors(); !errors.empty()) throw InputError(errors.front());
            const size_t got = engine.render(out.subspan(done, n)) * channels;
            done += got;
            if (got < n) break;
        }
        if (expect && !lossy) expect->add(out.first(done));
        return done / channels;
    });

    const bool show = isatty(STDERR_FILENO) && o.verbosity != log::Level::quiet &&
                      !(o.render_path == "-" && isatty(STDOUT_FILENO));
    ProgressLine progress(show, "rendering");
    std::optional<double> length_s;
    if (engine.length()) length_s = s.seconds(*engine.length());
    int sig = 0;
    while (!sink.wait_done(std::chrono::milliseconds(20))) {
        if (!sig && (sig = signals::received())) engine.request_stop();  // fades out, then the file is finalized
        progress.update(s.seconds(engine.position()), length_s);
        if (s.json) s.json->poll(s.now(engine));
    }
    progress.clear();
    sink.finish();
    if (control) control->flush();
    control.reset();
    if (control_record) control_record->finish();
    if (sig)
        log::note("interrupted: wrote " + format_time(s.seconds(sink.frames_written())) + " of audio to " +
                  (o.render_path == "-" ? std::string("standard output") : o.render_path));
    if (s.json) s.json->poll(s.now(engine), true);
    const bool failed = report_sources(engine);

    if (const uint64_t over = engine.over_full_scale(); over && o.render_format != "f32" && !lossy)
        log::warn(std::to_string(over) + " samples were above full scale and clipped in the " + o.render_format +
                  " output; lower --volume-db or render f32");
    log_done(s);
    if (s.normalized) {
        if (o.json) json_line(json_normalize(*s.normalized));
        else if (s.normalized->outcome != Normalization::Outcome::silent)
            log::note("--normalize: " + s.normalized->describe());
        if (const std::string why = s.normalized->shortfall(); !why.empty()) log::warn(why);
    }
    if (s.meters && o.stats) report_stats(*s.meters, o.json);
    write_plot_file(s);
    const double end_s = s.seconds(engine.position());
    if (sig) return json_end(o.json, end_s, true, signals::exit_code(sig));
    if (failed) return json_end(o.json, end_s, false, static_cast<int>(ExitCode::bad_input));
    if (expect) {
        if (lossy) expect->add_file(o.render_path);
        const ExpectResult result = expect->finish();
        if (o.json) json_line(json_expect(result, engine.spec().rate));
        if (!result.passed) {
            if (residual) write_residual_plot(diff_path, *residual, result, o, engine.spec().rate);
            throw Error(ExitCode::mismatch, expect->describe(result));
        }
        if (!o.json) log::note(expect->describe(result));
    }
    return json_end(o.json, end_s, false, 0);
}

}  // namespace simvx
