// A validated scene: what the TOML file (or the command line) asks to play.
// The loader (scene/loader.hpp) guarantees every value here is in range and
// every name resolves; the engine trusts it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/named.hpp"
#include "core/tags.hpp"
#include "decode/pcm_framer.hpp"
#include "dsp/effect_automation.hpp"
#include "dsp/effect_types.hpp"
#include "dsp/envelope.hpp"
#include "dsp/pan.hpp"
#include "dsp/interpolator.hpp"
#include "scene/diagnostic.hpp"
#include "spatial/spatial_desc.hpp"

namespace simvx {

// `stream` of a sound: decode from disk while playing, or into memory first.
enum class StreamMode { automatic, always, never };

struct EngineSettings {
    uint32_t sample_rate = 48000;
    uint32_t channels = 2;
    uint32_t latency_ms = 20;
    std::optional<double> duration;  // seconds; overrides the length rule
    PanLaw pan_law = PanLaw::balance;
    Interpolator interpolator = Interpolator::sinc;  // the `resampler` key: the varispeed of pitched sounds
    double speed_of_sound = 343.3;  // m/s
    double doppler_factor = 1.0;    // 0 disables doppler
    double air_absorption = 0.0;    // 3D sounds' air absorption factor unless their own is set (0 = none)
    SpatialRendering spatial = SpatialRendering::pan;  // 3D sounds: pan law, or binaural (--hrtf)
    std::string hrtf_file;          // the SOFA file of `spatial = "hrtf"`; empty: kDefaultHrtfFile
    Tags tags;                      // title, artist, album, comment, date, genre: written into encoded renders
    uint64_t seed = 0;              // every random choice of the scene's variations (--seed overrides)
    // Voices quieter than this (dB) are not mixed, only read on, until they are louder again; none: always mixed.
    std::optional<double> virtual_below_db;
    // A 5.1 or 7.1 output's LFE send: the full-range channels' bass into the
    // LFE at this level (dB; none: no send), low-passed at lfe_cutoff_hz.
    std::optional<double> lfe_db;
    double lfe_cutoff_hz = 120.0;
};

// The SOFA file `spatial = "hrtf"` reads: hrtf_file, or Debian's default set.
inline std::string hrtf_file_of(const EngineSettings& e) { return e.hrtf_file.empty() ? kDefaultHrtfFile : e.hrtf_file; }

// An extra post-fader send from a bus or a sound into another bus.
struct SendDesc {
    std::string bus;
    double volume_db = 0.0;
    // Automation: a bus's send from the scene's start, a sound's from its start.
    std::optional<Envelope> volume_db_envelope;
    SourceLocation where;
};

struct EffectDesc {
    EffectConfig config;             // an automated parameter holds its value at 0 s
    std::vector<ParamEnvelope> envelopes;  // automated parameters, times from the scene's start
    SourceLocation where;          // the [[bus.effect]] table
    SourceLocation sidechain_where;  // its `sidechain` key, when present
};

// A key that may follow an envelope (docs/scene-format.md, "Automation") keeps
// its plain number beside it: the envelope's value at its time 0 when there is
// one, so what reads the number alone (--check, a watch edit) sees where it starts.
// max_voices (docs/scene-format.md, "Voice limits"): at most `max` of a
// sound's triggers, or of a bus's sounds, at once; a trigger beyond it takes
// the place of the voice `steal` names, which fades out over kStealFadeSeconds
// (or, with `none`, is not played).
enum class StealPolicy { oldest, quietest, farthest, none };
inline constexpr Named<StealPolicy> kStealPolicyNames[] = {
    {"oldest", StealPolicy::oldest}, {"quietest", StealPolicy::quietest}, {"farthest", StealPolicy::farthest}, {"none", StealPolicy::none}};
inline constexpr double kStealFadeSeconds = 0.01;

struct VoiceLimit {
    uint32_t max = 0;  // 0: no limit
    StealPolicy steal = StealPolicy::oldest;
    bool operator==(const VoiceLimit&) const = default;
};

struct BusDesc {
    std::string name;              // case-sensitive, unique; "Master" always exists
    double volume_db = 0.0;
    std::optional<Envelope> volume_db_envelope;  // times from the scene's start
    bool mute = false;
    bool solo = false;
    bool bypass_effects = false;
    std::string send_to = "Master";  // the parent; empty for Master itself
    std::vector<SendDesc> sends;
    std::vector<EffectDesc> effects;  // in processing order
    VoiceLimit voices;                // of the sounds routed to it (not through sends)
    SourceLocation where;
    SourceLocation send_to_where;
};

inline constexpr double kLivePitchRise = 4.0;

// Variation (docs/scene-format.md, "Variation"): a sound that picks among
// files, draws values per trigger and repeats. expand_variations() turns it
// into one plain SoundDesc per trigger before anything plays.
enum class FilePick { random, shuffle, sequence };
inline constexpr Named<FilePick> kFilePickNames[] = {
    {"random", FilePick::random}, {"shuffle", FilePick::shuffle}, {"sequence", FilePick::sequence}};

struct RandomRange {  // a value drawn uniformly in [lo, hi] at each trigger
    double lo = 0.0, hi = 0.0;
};

struct RepeatDesc {
    double every = 0.0;           // seconds between triggers, on average
    double jitter = 0.0;          // each interval is every ± up to this (uniform), less than every
    std::optional<uint64_t> count;  // triggers in all; none: until the sound's stop or the scene's duration
    SourceLocation where;
};

struct SoundVariation {
    std::vector<std::string> files;           // resolved paths; empty: the sound's one file
    std::vector<SourceLocation> files_where;  // each entry of `files`
    FilePick pick = FilePick::random;
    std::optional<RandomRange> volume_db, pitch, pan, from_position;
    std::optional<RepeatDesc> repeat;
    bool any() const { return !files.empty() || volume_db || pitch || pan || from_position || repeat; }
};

struct SoundDesc {
    std::string name;      // unique when given; defaults to the file name
    std::string file;      // path as it should be opened (resolved against the scene folder)
    std::string bus = "Master";
    double volume_db = 0.0;
    double pitch = 1.0;
    bool loop = false;
    double loop_start = 0.0;     // seconds into the file
    double loop_end = 0.0;       // 0 = end of file
    double start = 0.0;          // scene time
    double from_position = 0.0;  // seconds into the file
    double fade_in = 0.0;
    double fade_out = 0.0;
    double pan = 0.0;
    // Automation, times from the sound's start.
    std::optional<Envelope> volume_db_envelope;
    std::optional<Envelope> pan_envelope;
    std::optional<Envelope> pitch_envelope;  // the playback-rate ratio (a pitch stage follows it, block by block)
    // Scene time at which the sound stops before its end (a loop, a long
    // file): it fades out over the engine's stop fade, ending there.
    std::optional<double> stop;
    bool enabled = true;         // false: checked, not played
    StreamMode stream = StreamMode::automatic;
    std::vector<SendDesc> sends;
    std::optional<SpatialDesc> spatial;
    SoundVariation variation;    // none once expanded (then `file` and the values are the trigger's)
    bool drawn = false;          // a trigger of a variation: its file and values were drawn (--check shows them)
    VoiceLimit voices;           // of this sound's triggers (all of a repeat's)
    std::string group;           // the [[sound]] a trigger comes from (its name before #k); empty: its own
    SourceLocation where;        // the [[sound]] table
    SourceLocation bus_where;    // its `bus` key
    SourceLocation file_where;   // the `file` key, for decode errors
    // Command-line playlists only (not a scene key): starts on the frame where
    // the previous sound ends, so tracks join without a gap.
    bool follows_previous = false;
    // Live control only (not a scene key): a pitch stage even at pitch 1, with
    // room for the pitch to be changed while it plays, up to kLivePitchRise
    // times the pitch it started with.
    bool live_pitch = false;
    // The [[sound]] table as written, with `file` resolved (TOML text): live
    // control plays a scene's sound again from it, with its own overrides,
    // through the same loader.
    std::string table_toml;
};

// A live PCM input ([[stream]] or --stream).
struct StreamDesc {
    std::string source = "-";  // "-" = standard input, or a path (FIFO or file)
    PcmFormat format = PcmFormat::s16;
    bool format_given = false; // not given: a stream that starts with a WAV header is read as WAV
    uint32_t rate = 48000;     // raw formats; a WAV header says its own
    uint32_t channels = 2;
    std::string bus = "Master";
    double volume_db = 0.0;
    double pan = 0.0;          // -1 left .. 1 right, by the engine's pan law
    uint32_t buffer_ms = 250;
    SourceLocation where;      // the [[stream]] table
    SourceLocation bus_where;  // its `bus` key
    SourceLocation source_where;
};

// A file a variation names that no trigger picked: still checked (--check),
// so that another seed cannot meet a broken file the first one passed over.
struct UnpickedFile {
    std::string file;
    SourceLocation where;
};

struct Scene {
    std::string path;  // empty for scenes built from the command line
    EngineSettings engine;
    ListenerDesc listener;
    std::vector<BusDesc> buses;  // always contains "Master"
    std::vector<SoundDesc> sounds;
    std::vector<StreamDesc> streams;
    std::vector<UnpickedFile> unpicked_files;  // after expand_variations()
    // Command line only (--start-at): begin this many seconds into the scene.
    double skip = 0.0;
    // The engine rate at which each effect's rate check (a cutoff below
    // Nyquist, scene_rules.hpp) has run, 0 when it has not: the loader runs
    // it with the other problems of the file, prepare_scene only at another
    // rate (--sample-rate, a scene built in code). Code that edits an
    // effect of a loaded scene must set it back to 0.
    uint32_t effects_checked_rate = 0;
};

}  // namespace simvx
