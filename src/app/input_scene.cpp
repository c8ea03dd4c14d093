#include "app/input_scene.hpp"

#include <algorithm>
#include <filesystem>

#include "app/replaygain.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/speakers.hpp"
#include "decode/registry.hpp"
#include "scene/loader.hpp"
#include "sink/encoding.hpp"
#include "scene/variation.hpp"
#include "core/suggest.hpp"

namespace simvx {
namespace {

Scene scene_from_files(const Options& o) {
    if (o.loop && o.inputs.size() > 1 && !o.mix)
        throw UsageError("--loop with several files needs --mix (a playlist cannot loop one of its tracks)");
    Scene scene;
    scene.buses.push_back(BusDesc{.name = "Master", .send_to = ""});
    // A plain file plays at its own rate and, if mono, stays mono, so that
    // `simvxplay in.wav --render out.wav` reproduces it exactly. Files that
    // differ play at the highest rate and the widest layout among them (a
    // 96 kHz stereo file after a 22 kHz mono one is neither downsampled nor
    // downmixed), and the user is told once.
    uint32_t rate = 0, channels = 1;
    // A file's own layout where the output can have it (quad, 5.1, 7.1 are
    // played as such: its channels kept, each to its speaker), else stereo,
    // as for a render whose codec holds no more (MP3).
    const uint32_t codec_channels = max_channels(parse_codec(o.render_codec).value_or(Codec::wav));
    auto own_layout = [&](uint32_t file_channels) -> uint32_t {
        if (file_channels <= 2) return file_channels;
        return speaker::is_output_layout(file_channels) && file_channels <= codec_channels ? file_channels : 2;
    };
    std::vector<std::string> layouts;
    std::vector<GainTags> gains;
    for (const auto& path : o.inputs) {
        const DecoderInfo info = open_decoder_file(path)->info();
        const AudioSpec spec = info.spec;
        gains.push_back(info.gain);
        const std::string layout = std::to_string(spec.rate) + " Hz " +
                                   (spec.channels == 1   ? std::string("mono")
                                    : spec.channels == 2 ? std::string("stereo")
                                                         : std::to_string(spec.channels) + " channels");
        if (std::find(layouts.begin(), layouts.end(), layout) == layouts.end()) layouts.push_back(layout);
        rate = std::max(rate, spec.rate);
        channels = std::max(channels, own_layout(spec.channels));
    }
    scene.engine.sample_rate = rate;
    scene.engine.channels = channels;
    if (scene.engine.sample_rate < 8000 || scene.engine.sample_rate > 192000) {
        scene.engine.sample_rate = 48000;  // play odd rates at a rate every device takes
    }
    if (layouts.size() > 1 && !o.sample_rate && !o.channels) {
        std::string list;
        for (const auto& l : layouts) list += (list.empty() ? "" : ", ") + l;
        log::note("the files differ (" + list + "): playing at " + std::to_string(scene.engine.sample_rate) + " Hz " +
                  speaker::layout_name(scene.engine.channels) + " (--sample-rate and --channels choose)");
    }
    const ReplayGainMode rg_mode = parse_replaygain_mode(o.replaygain);
    for (size_t i = 0; i < o.inputs.size(); ++i) {
        const std::string& path = o.inputs[i];
        SoundDesc s;
        s.name = std::filesystem::path(path).filename().string();
        if (const auto rg = choose_replaygain(gains[i], rg_mode)) {
            s.volume_db = rg->gain_db;
            log::info(path + ": ReplayGain " + rg->description);
        } else if (rg_mode != ReplayGainMode::off) {
            log::info(path + ": no ReplayGain or R128 gain tag, played unchanged");
        }
        s.file = path;
        s.loop = o.loop;
        if (o.pitch) s.pitch = *o.pitch;
        s.follows_previous = !o.mix && !scene.sounds.empty();
        s.where.file = path;
        s.file_where.file = path;
        scene.sounds.push_back(std::move(s));
    }
    if (o.start_at) scene.skip = *o.start_at;
    return scene;
}

void reject_file_options_for_scene(const Options& o) {
    const char* opt = o.loop ? "--loop" : o.mix ? "--mix" : o.pitch ? "--pitch" : nullptr;
    if (opt)
        throw UsageError(std::string(opt) + " applies to audio-file inputs; in a scene set it per sound (loop, pitch)");
    if (o.replaygain != "off")
        throw UsageError("--replaygain applies to audio-file inputs; in a scene set each sound's volume_db");
}

// A bus named on the command line; a usage error with the closest name if none is.
BusDesc& find_bus(Scene& scene, const std::string& name, const char* option) {
    std::vector<std::string> names;
    for (auto& b : scene.buses) {
        if (b.name == name) return b;
        names.push_back(b.name);
    }
    std::string message = std::string(option) + " " + name + ": no such bus";
    if (auto near = closest(name, std::span<const std::string>(names))) message += "; did you mean " + *near + "?";
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw UsageError(message + " (buses: " + list + "; names are case-sensitive)");
}

// --stream and its settings: one more [[stream]].
void add_cli_stream(const Options& o, Scene& scene) {
    if (!o.stream) {
        const char* opt = o.stream_format ? "--stream-format" : o.stream_rate ? "--stream-rate"
                          : o.stream_channels ? "--stream-channels" : o.stream_bus ? "--stream-bus"
                          : o.stream_volume_db ? "--stream-volume-db" : o.stream_pan ? "--stream-pan"
                          : o.stream_buffer_ms ? "--stream-buffer-ms"
                                                                             : nullptr;
        if (opt) throw UsageError(std::string(opt) + " describes a live input: give it with --stream SRC");
        return;
    }
    StreamDesc st;
    st.source = *o.stream;
    if (o.stream_format) {
        st.format = *parse_pcm_format(*o.stream_format);  // CLI11 checked the name
        st.format_given = true;
    }
    if (o.stream_rate) st.rate = *o.stream_rate;
    if (o.stream_channels) st.channels = *o.stream_channels;
    if (o.stream_volume_db) st.volume_db = *o.stream_volume_db;
    if (o.stream_pan) st.pan = *o.stream_pan;
    if (o.stream_buffer_ms) st.buffer_ms = *o.stream_buffer_ms;
    if (o.stream_bus) st.bus = find_bus(scene, *o.stream_bus, "--stream-bus").name;
    for (const auto& other : scene.streams)
        if (st.source == "-" && other.source == "-")
            throw UsageError("--stream -: the scene's [[stream]] at " + other.where.str() +
                             " already reads standard input; give one of them a FIFO path");
    scene.streams.push_back(std::move(st));
}

}  // namespace

Scene scene_from_options(const Options& o) {
    const bool controlled = !o.control.empty() || !o.control_script.empty();
    if (o.inputs.empty() && !o.stream && !controlled)
        throw UsageError("nothing to play: give a scene, audio files, --stream or --control (see --help)");
    Scene scene;
    // The stream alone, or an empty mix that waits for commands.
    if (o.inputs.empty()) scene.buses.push_back(BusDesc{.name = "Master", .send_to = ""});
    bool is_scene = false;
    for (const auto& in : o.inputs) {
        if (!looks_like_scene(in)) continue;
        if (o.inputs.size() > 1)
            throw UsageError(in + " is a scene; give one scene alone, or audio files without a scene");
        is_scene = true;
    }
    if (is_scene) {
        reject_file_options_for_scene(o);
        scene = load_scene_file(o.inputs.front());
        if (o.start_at) scene.skip = *o.start_at;  // every sound, fade and path at the state it has then
    } else if (!o.inputs.empty()) {
        scene = scene_from_files(o);
    }

    if (o.sample_rate) scene.engine.sample_rate = *o.sample_rate;
    if (o.channels) scene.engine.channels = *o.channels;
    if (o.latency_ms) scene.engine.latency_ms = *o.latency_ms;
    if (o.duration) scene.engine.duration = *o.duration;
    if (o.seed) scene.engine.seed = *o.seed;
    if (o.hrtf) {
        scene.engine.spatial = SpatialRendering::hrtf;
        scene.engine.hrtf_file = *o.hrtf;  // relative to the working directory, as every path of the command line
    }
    expand_variations(scene);  // with the run's seed and duration
    if (o.volume_db) find_bus(scene, "Master", "--volume-db").volume_db += *o.volume_db;
    for (const auto& name : o.mute_buses) find_bus(scene, name, "--mute").mute = true;
    for (const auto& name : o.solo_buses) find_bus(scene, name, "--solo").solo = true;
    add_cli_stream(o, scene);
    return scene;
}

}  // namespace simvx
