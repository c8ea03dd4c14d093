// simvxplay's front end: command-line options → Options → run_session.
// Everything else lives in src/.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>

#include "app/report/capabilities.hpp"
#include "app/report/json_report.hpp"
#include "app/options.hpp"
#include "app/plot/plot_file.hpp"
#include "app/session.hpp"
#include "app/report/versions.hpp"
#include "core/error.hpp"
#include "core/time_limit.hpp"
#include "core/log.hpp"
#include "decode/registry.hpp"
#include "scene/loader.hpp"
#include "option_checks.hpp"
#include "core/suggest.hpp"
#include "sink/encoding.hpp"
#include "spatial/spatial_desc.hpp"

namespace {

const char* kFooter = R"(Exit status: 0 success, 2 usage error, 3 bad input (scene or audio file),
4 no audio server or device, 5 output I/O error, 6 --expect mismatch,
130 interrupted (143 by SIGTERM), 141 the reader of standard output went away.
See simvxplay(1) for the scene format and examples.)";

// Every long option name of the app and its groups, for "did you mean".
std::vector<std::string> long_options(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::Option* opt : app.get_options())
        for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
    for (const CLI::App* group : app.get_subcommands({}))
        for (const auto& n : long_options(*group)) names.push_back(n);
    return names;
}

// Prints each line of a (possibly multi-line) error with the program's prefix.
void report(const std::string& what) {
    std::istringstream lines(what);
    for (std::string line; std::getline(lines, line);) simvx::log::error(line);
}

}  // namespace

int main(int argc, char** argv) {
    simvx::Options o;
    // Named here, so --help shows "simvxplay" and not the path it was run by.
    CLI::App app{"simvxplay: play, mix and render audio scenes and files.\n"
                 "Inputs: a scene (.toml with version = 1) or audio files (" + simvx::supported_formats() + ").",
                 "simvxplay"};
    app.footer(kFooter);
    app.get_formatter()->column_width(34);

    bool null_out = false, quiet = false, verbose = false, version = false;
    app.add_option("input", o.inputs, "Scene file, or audio files to play in sequence (or layered with --mix)");

    auto* out_group = app.add_option_group("Output", "Where the sound goes (default: PulseAudio)");
    auto* render = out_group->add_option("--render", o.render_path,
                                         "Render offline as fast as possible into FILE, encoded by its extension "
                                         "(.wav .flac .opus .ogg .mp3; '-' = WAV on stdout)")
                       ->type_name("FILE");
    auto* null = out_group->add_flag("--null", null_out, "Mix in real time through the engine, discard the samples");
    render->excludes(null);
    auto* render_format = out_group->add_option("--render-format", o.render_format,
                                                "Sample format of a WAV or FLAC render (default s16; FLAC: s16 or s24)");
    render_format->check(simvx::one_of({"s16", "s24", "f32"}))
        ->type_name("s16|s24|f32")
        ->needs(render);
    out_group->add_flag("--raw", o.raw,
                        "Render headerless PCM (--render-format samples, little-endian, interleaved), not a WAV")
        ->needs(render);
    out_group->add_option("--render-codec", o.render_codec,
                          "Encode the render as CODEC whatever the file's name (needed for '-' and FIFOs)")
        ->check(simvx::one_of(simvx::codec_names()))
        ->type_name("wav|flac|opus|vorbis|mp3")
        ->needs(render);
    out_group->add_option("--quality", o.quality,
                          "Encoder quality: FLAC compression level 0..8 (default 5), Vorbis quality -1..10 (default 3), "
                          "MP3 VBR quality 0..9 as lame -V (default 2)")
        ->check(simvx::number_in({-1, 10, false, false, "a quality"}))
        ->type_name("Q")
        ->needs(render);
    out_group->add_option("--bitrate", o.bitrate_kbps,
                          "Encoder bit rate in kbit/s: Opus 6..510 (default: libopus's choice), Vorbis average "
                          "32..500, MP3 constant 8..320")
        ->check(simvx::number_in({6, 510, false, false, "a bit rate in kbit/s"}))
        ->type_name("KBPS")
        ->needs(render);
    std::vector<std::string> tag_texts;
    out_group->add_option("--tag", tag_texts,
                          "Tag the render, over the scene's [engine] title, artist...; repeatable (WAV: the RIFF "
                          "INFO keys only)")
        ->type_name("KEY=VALUE")
        ->type_size(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->needs(render);
    out_group->add_option("--dither", o.dither, "Dither when quantizing a render to s16/s24 (default none: bit-exact)")
        ->check(simvx::one_of({"none", "tpdf"}))
        ->type_name("none|tpdf")
        ->needs(render);
    auto* normalize =
        out_group
            ->add_option("--normalize", o.normalize_lufs,
                         "Render twice: measure, then write with one gain that brings the integrated loudness "
                         "(EBU R 128) to LUFS, e.g. -16 or -23")
            ->check(simvx::number_in({-70, 0, false, false, "a loudness in LUFS"}))
            ->type_name("LUFS")
            ->needs(render);
    out_group->add_option("--true-peak-max", o.true_peak_max_db,
                          "The true peak --normalize's gain may reach (default -1 dBTP); a louder target is held "
                          "there, with a warning")
        ->check(simvx::number_in({-30, 0, false, false, "a true peak in dBTP"}))
        ->type_name("DBTP")
        ->needs(normalize);
    out_group->add_flag("--normalize-limit", o.normalize_limit,
                        "With --normalize: when the gain would push the true peak over --true-peak-max, reach the "
                        "loudness anyway through a true-peak limiter (lookahead 2 ms, release 60 ms); the render "
                        "is measured again until it is on target")
        ->needs(normalize);
    out_group->add_option("--device", o.device,
                          "PulseAudio sink to play on (default: the server's default); with --null, the simulated "
                          "device: realtime, untimed, jitter[:F], stall[:EVERY[:FOR]], lost[:EVERY[:FOR]]")
        ->type_name("NAME")
        ->excludes(render);
    out_group->add_flag("--list-devices", o.list_devices,
                        "List every output and its devices (* marks the default; with --json, one JSON line) and exit");
    out_group->add_option("--latency-ms", o.latency_ms, "Playback target latency, and the --null period (default 20)")
        ->check(simvx::number_in({1, 2000, false, true, "a latency in ms"}))
        ->type_name("MS");

    auto* fmt = app.add_option_group("Format and timing");
    fmt->add_option("--sample-rate", o.sample_rate, "Engine and output sample rate, 8000..192000 (default: the scene's; for files, their highest rate)")
        ->check(simvx::number_in({8000, 192000, false, true, "a sample rate in Hz"}))
        ->type_name("HZ");
    fmt->add_option("--channels", o.channels,
                    "Output channels: 1 (mono), 2 (stereo), 4 (quad), 6 (5.1) or 8 (7.1), WAV order (default: the "
                    "scene's, 2; for files, their widest layout: 1 when every file is mono, 6 for a 5.1 file)")
        ->check(simvx::output_channels())
        ->type_name("N");
    fmt->add_option("--duration", o.duration, "Stop after SEC seconds of scene time")
        ->check(simvx::number_in({0, simvx::kMaxTimeSeconds, true, false, "a number of seconds"}))
        ->type_name("SEC");
    fmt->add_option("--seed", o.seed,
                    "Seed of the scene's random choices (files, values, repeat timing); the same seed renders the same "
                    "bytes (default: the scene's [engine] seed, else 0)")
        ->type_name("N");
    fmt->add_option("--hrtf", o.hrtf,
                    "Render 3D sounds binaurally for headphones through the HRTF set FILE.sofa (default: " +
                        std::string(simvx::kDefaultHrtfFile) + ", MIT KEMAR), instead of the pan law; FILE is "
                        "taken when it ends in .sofa, else write --hrtf=FILE")
        ->type_name("[FILE.sofa]");
    fmt->add_option("--volume-db", o.volume_db, "Master gain in dB")->check(simvx::number_in({-120, 24, false, false, "a gain in dB"}))->type_name("DB");

    auto* buses = app.add_option_group("Buses");
    // Repeatable, one bus per occurrence (so `--mute Music scene.toml` keeps the scene an input).
    buses->add_option("--mute", o.mute_buses, "Mute a bus (repeatable)")
        ->type_name("BUS")
        ->type_size(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    buses->add_option("--solo", o.solo_buses, "Solo a bus: only soloed buses and what they feed are heard (repeatable)")
        ->type_name("BUS")
        ->type_size(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);

    auto* files = app.add_option_group("Audio-file inputs");
    files->add_flag("--loop", o.loop, "Loop the file (with several files, needs --mix)");
    files->add_flag("--mix", o.mix, "Layer the files instead of playing them one after another");
    files->add_option("--start-at", o.start_at, "Begin SEC seconds into the playlist, mix or scene")
        ->check(simvx::number_in({0, simvx::kMaxTimeSeconds, false, false, "a number of seconds"}))
        ->type_name("SEC");
    files->add_option("--pitch", o.pitch, "Play at X times the speed and pitch (varispeed, 0.01..16)")
        ->check(simvx::number_in({0.01, 16, false, false, "a speed factor"}))
        ->type_name("X");
    files->add_option("--replaygain", o.replaygain,
                      "Play each file at its ReplayGain/R128 tagged level (default off; held below full scale by "
                      "the tagged peak)")
        ->check(simvx::one_of({"track", "album", "off"}))
        ->type_name("track|album|off");

    auto* live = app.add_option_group("Live PCM stream", "Raw PCM from another program, alone or mixed into the scene");
    live->add_option("--stream", o.stream, "Play live PCM from SRC: '-' = standard input, or a path (FIFO or file)")
        ->type_name("SRC");
    live->add_option("--stream-format", o.stream_format,
                     "Sample format, little-endian (default: s16, or wav when the stream starts with a WAV header)")
        ->check(simvx::one_of({"s16", "s24", "s32", "f32", "wav"}))
        ->type_name("s16|s24|s32|f32|wav");
    live->add_option("--stream-rate", o.stream_rate, "Sample rate of the stream (default 48000; resampled)")
        ->check(simvx::number_in({8000, 192000, false, true, "a sample rate in Hz"}))
        ->type_name("HZ");
    live->add_option("--stream-channels", o.stream_channels, "Channels of the stream, 1..8 (default 2)")
        ->check(simvx::number_in({1, 8, false, true, "a channel count"}))
        ->type_name("N");
    live->add_option("--stream-bus", o.stream_bus, "Bus the stream mixes into (default Master)")->type_name("BUS");
    live->add_option("--stream-volume-db", o.stream_volume_db, "Gain of the stream in dB (default 0)")
        ->check(simvx::number_in({-120, 24, false, false, "a gain in dB"}))
        ->type_name("DB");
    live->add_option("--stream-pan", o.stream_pan, "Pan of the stream, -1 (left) to 1 (right) (default 0)")
        ->check(simvx::number_in({-1, 1, false, false, "a pan position"}))
        ->type_name("PAN");
    live->add_option("--stream-buffer-ms", o.stream_buffer_ms,
                     "Live input buffered, 5..10000 ms (default 250): lower for interactive synthesis")
        ->check(simvx::number_in({5, 10000, false, true, "a buffer length in ms"}))
        ->type_name("MS");

    app.add_flag("--check", o.check, "Validate the inputs (scene, files decodable), print a summary, exit");
    out_group->add_option("--record", o.record_path, "With live playback: also write the output to a WAV file (f32)")
        ->type_name("FILE")
        ->excludes(render);
    auto* control = app.add_option_group("Live control");
    auto* control_opt =
        control->add_option("--control", o.control,
                            "Take commands (JSON lines: play, stop, set, bus, effect, get, subscribe...; see "
                            "simvxplay(1)) on a Unix socket at PATH (mode 0600), or on standard input ('-'); "
                            "the mix runs until 'quit'")
            ->type_name("PATH")
            ->excludes(render);
    control->add_option("--record-control", o.record_control,
                        "Write every accepted command with the frame it took effect at (JSON lines), for "
                        "--control-script")
        ->type_name("FILE");
    control->add_option("--control-script", o.control_script,
                        "Apply commands at their frames (a --record-control file, or one written by hand); "
                        "with --render, sample-exact")
        ->type_name("FILE");
    control->add_option("--control-voices", o.control_voices,
                        "Voices that control may have playing at once, 1..1024 (default 1024): a play past it is refused")
        ->check(simvx::number_in({1, 1024, false, true, "a number of voices"}))
        ->type_name("N");
    auto* checks = app.add_option_group("Checks");
    checks->add_flag("--watch", o.watch, "Reload the scene when its file changes, without stopping the audio")
        ->excludes(render)
        ->excludes(control_opt);
    checks->add_flag("--json", o.json,
                     "Status, events, --stats and errors as one JSON object per line on stdout (schema: simvxplay(1))");
    checks->add_flag("--stats", o.stats,
                     "At the end: per bus and Master, sample and true peak, integrated loudness, range, "
                     "short-term max, clipped samples");
    auto* plot = checks->add_option("--plot", o.plot_path,
                                    "At the end (also after Ctrl-C): draw the output's waveform, spectrogram, short-term "
                                    "loudness and true peak into FILE (.png or .svg)")
                     ->type_name("FILE");
    checks->add_flag("--plot-buses", o.plot_buses, "With --plot: a waveform strip per bus too")->needs(plot);
    auto* expect = checks->add_option("--expect", o.expect_path,
                                      "With --render: compare the render with FILE; exit 6 when they differ, and draw "
                                      "the residual into PLOT.diff.png (beside --plot, else beside the render)")
                       ->type_name("FILE");
    expect->needs(render);
    checks->add_option("--tolerance-db", o.tolerance_db, "Peak residual that --expect accepts (default -90 dBFS)")
        ->check(simvx::number_in({-200, 0, false, false, "a level in dBFS"}))
        ->type_name("DB")
        ->needs(expect);
    app.add_flag("-q,--quiet", quiet, "No progress line, no warnings");
    app.add_flag("-v,--verbose", verbose, "Say what is being done (formats, output, latency)");
    app.add_flag("--version", version, "Print the version of simvxplay and of its libraries");
    std::string list_what;
    app.add_option("--list", list_what,
                   "List what this simvxplay reads and does, one item a line (with --json: one JSON object): "
                   "formats, effects (parameters, ranges, defaults), keys (of the scene format), buses (of a scene)")
        ->check(simvx::one_of({"formats", "effects", "keys", "buses"}))
        ->type_name("formats|effects|keys|buses");

    // --hrtf's file may be left out: a bare --hrtf not followed by a .sofa
    // file means the default set (so `--hrtf scene.toml` keeps the scene an input).
    std::vector<std::string> args(argv, argv + argc);
    for (size_t i = 1; i < args.size(); ++i)
        if (args[i] == "--hrtf" && (i + 1 == args.size() || !simvx::looks_like_sofa(args[i + 1])))
            args[i] = "--hrtf=" + std::string(simvx::kDefaultHrtfFile);
    std::vector<char*> arg_ptrs;
    for (auto& a : args) arg_ptrs.push_back(a.data());

    try {
        app.parse(argc, arg_ptrs.data());
    } catch (const CLI::ExtrasError& e) {
        // CLI11 names the unexpected arguments; add the option they were probably meant to be.
        std::string hint;
        const auto names = long_options(app);
        for (int i = 1; i < argc; ++i) {
            const std::string arg = args[static_cast<size_t>(i)];
            if (arg.rfind("--", 0) != 0) continue;
            const std::string name = arg.substr(0, arg.find('='));
            if (std::find(names.begin(), names.end(), name) != names.end()) continue;
            if (auto near = simvx::closest(name, names)) hint += "; for " + name + ", did you mean " + *near + "?";
        }
        simvx::log::error(std::string(e.what()) + hint + " (see --help)");
        return static_cast<int>(simvx::ExitCode::usage);
    } catch (const CLI::ParseError& e) {
        // --help prints and exits 0; real errors are reported like every
        // other error, and exit with the usage code.
        if (e.get_exit_code() == 0) return app.exit(e);
        simvx::log::error(std::string(e.what()) + " (see --help)");
        return static_cast<int>(simvx::ExitCode::usage);
    }
    if (version) {
        std::fputs(simvx::version_text().c_str(), stdout);
        return 0;
    }
    if (!list_what.empty()) {
        try {
            std::fputs(simvx::list_capabilities(list_what, o.json, o.inputs).c_str(), stdout);
            return 0;
        } catch (const simvx::Error& e) {
            report(e.what());
            return static_cast<int>(e.code());
        }
    }
    if (!o.render_path.empty()) o.output = "file";
    else if (null_out) o.output = "null";
    o.verbosity = quiet ? simvx::log::Level::quiet : verbose ? simvx::log::Level::verbose : simvx::log::Level::normal;
    // Options that would do nothing are refused, as --stream-rate without --stream is.
    if (o.dither == "tpdf" && o.render_format == "f32") {
        simvx::log::error("--dither tpdf: an f32 render keeps every bit and is never dithered; "
                          "give --render-format s16 or s24, or leave --dither out");
        return static_cast<int>(simvx::ExitCode::usage);
    }
    if (const std::string problem =
            simvx::check_render_encoding(o, {.format = render_format->count() > 0, .tags = tag_texts});
        !problem.empty()) {
        simvx::log::error(problem);
        return static_cast<int>(simvx::ExitCode::usage);
    }
    if (o.render_path == "-" && isatty(STDOUT_FILENO)) {
        simvx::log::error("--render -: standard output is a terminal, and a WAV stream there would only garble it; "
                          "redirect it to a file or pipe it to another program");
        return static_cast<int>(simvx::ExitCode::usage);
    }
    if (o.control == "-" && o.stream && *o.stream == "-") {
        simvx::log::error("--control - and --stream - both read standard input: give one of them a path "
                          "(a socket for --control, a FIFO for --stream)");
        return static_cast<int>(simvx::ExitCode::usage);
    }
    if (!o.record_control.empty() && o.control.empty() && o.control_script.empty()) {
        simvx::log::error("--record-control records the commands of --control (or --control-script): give one");
        return static_cast<int>(simvx::ExitCode::usage);
    }
    if (!o.plot_path.empty() && !simvx::plot_format(o.plot_path)) {
        simvx::log::error("--plot " + o.plot_path + ": a plot is a .png or .svg file; give a name ending in one of them");
        return static_cast<int>(simvx::ExitCode::usage);
    }
    if (o.json && o.render_path == "-") {
        simvx::log::error("--json writes to standard output, which --render - already uses: render to a file");
        return static_cast<int>(simvx::ExitCode::usage);
    }
    if (o.json) {
        // Warnings as {"type":"warning"} objects too; one fwrite per line, so
        // a warning from a reader thread never splits another line.
        simvx::log::set_warning_hook([](const std::string& message) noexcept {
            try {
                simvx::json_line(simvx::JsonObject().add("type", "warning").add("message", message));
            } catch (...) {
                // the reader has gone; the run ends on its own next write
            }
        });
    }

    // Errors on stderr, and with --json also as the last line on stdout.
    auto fail = [&](const std::string& what, simvx::ExitCode code,
                    const std::vector<simvx::SceneDiagnostic>& problems = {}) {
        report(what);
        try {
            if (o.json) simvx::json_line(simvx::json_error(what, static_cast<int>(code), problems));
        } catch (const simvx::ClosedOutputError&) {
            // stderr already has it
        }
        return static_cast<int>(code);
    };
    try {
        return simvx::run_session(o);
    } catch (const simvx::ClosedOutputError&) {
        return static_cast<int>(simvx::ExitCode::closed_output);  // the reader left: nothing to say, nowhere to say it
    } catch (const simvx::SceneError& e) {
        return fail(e.what(), e.code(), e.diagnostics());
    } catch (const simvx::NoServerError& e) {
        return fail(std::string(e.what()) + "; play with --null, or render with --render FILE", e.code());
    } catch (const simvx::Error& e) {
        return fail(e.what(), e.code());
    } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what(), simvx::ExitCode::internal);
    }
}
