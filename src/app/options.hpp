// What the command line asked for, independent of the parser (CLI11 lives in
// cmd/simvxplay/main.cpp only).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "core/tags.hpp"

namespace simvx {

struct Options {
    std::vector<std::string> inputs;   // a scene, or audio files
    std::string output = "pulse";      // a row of sink/outputs.hpp: pulse, null, file
    std::string render_path;           // with the file output; "-" = stdout
    std::string render_format = "s16";
    std::string dither = "none";       // "none" | "tpdf"
    bool raw = false;                  // --raw: the render as headerless PCM
    std::string render_codec;          // wav|flac|opus|vorbis|mp3: --render-codec, or the front end's choice by extension
    std::optional<double> quality;     // --quality: in the codec's terms (FLAC level, Vorbis q, lame -V)
    std::optional<double> bitrate_kbps;  // --bitrate (Opus, Vorbis average, MP3 CBR)
    Tags tags;                         // --tag KEY=VALUE, over the scene's [engine] tags
    std::string device;                // PulseAudio sink name, or the null output's mode; empty = the default
    bool list_devices = false;
    std::optional<double> duration;
    std::optional<uint64_t> seed;  // --seed: every random choice of the scene's variations
    std::optional<std::string> hrtf;  // --hrtf [FILE.sofa]: 3D sounds binaural, through this HRTF set
    std::optional<double> volume_db;
    std::optional<uint32_t> sample_rate;
    std::optional<uint32_t> channels;
    std::optional<uint32_t> latency_ms;
    std::vector<std::string> mute_buses;  // --mute BUS (repeatable)
    std::vector<std::string> solo_buses;  // --solo BUS (repeatable)
    // Plain audio-file inputs only.
    bool loop = false;
    bool mix = false;
    std::optional<double> start_at;
    // --stream: one live PCM input more, beside the scene's [[stream]] tables.
    std::optional<std::string> stream;
    std::optional<std::string> stream_format;
    std::optional<uint32_t> stream_rate;
    std::optional<uint32_t> stream_channels;
    std::optional<std::string> stream_bus;
    std::optional<double> stream_volume_db;
    std::optional<double> stream_pan;
    std::optional<uint32_t> stream_buffer_ms;
    std::optional<double> pitch;       // varispeed of every file
    std::string replaygain = "off";    // --replaygain track|album|off: play each file at its tagged level
    bool check = false;
    std::string expect_path;           // --expect FILE (with --render)
    double tolerance_db = -90.0;       // --tolerance-db: peak residual that still passes
    // --normalize LUFS (renders only): two passes, one gain at the output.
    std::optional<double> normalize_lufs;
    double true_peak_max_db = -1.0;    // --true-peak-max: the ceiling the gain must respect
    bool normalize_limit = false;      // --normalize-limit: a true-peak limiter holds the peaks, not the gain
    bool stats = false;                // --stats: loudness and peaks per bus at the end
    std::string plot_path;             // --plot FILE.png|FILE.svg: pictures of the output at the end
    bool plot_buses = false;           // --plot-buses: a waveform strip per bus too
    bool json = false;                 // --json: status, events, stats and errors as JSON lines on stdout
    bool watch = false;                // --watch: reload the scene when its file changes
    std::string record_path;           // --record FILE: live output also to a WAV file
    std::string control;               // --control PATH|-: a Unix socket (or stdin) taking commands
    std::string record_control;        // --record-control FILE: accepted commands with their frames
    std::string control_script;        // --control-script FILE: commands at their frames
    uint32_t control_voices = 1024;    // --control-voices N: voices control may have playing at once
    log::Level verbosity = log::Level::normal;
};

}  // namespace simvx
