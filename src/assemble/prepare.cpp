#include "assemble/prepare.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cmath>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/gain.hpp"
#include "core/speakers.hpp"
#include "core/time_limit.hpp"
#include "dsp/pan.hpp"
#include "decode/registry.hpp"
#include "dsp/effect_types.hpp"
#include "mix/offline_stream_source.hpp"
#include "mix/sound_loader.hpp"
#include "mix/pipe_source.hpp"
#include "mix/stream_source.hpp"
#include "mix/varispeed_source.hpp"
#include "scene/loader.hpp"
#include "scene/scene_rules.hpp"
#include "scene/variation.hpp"
#include "assemble/voice_limits.hpp"

namespace simvx {
namespace {

// One input file: opened once on the control thread to learn its format.
struct OpenedFile {
    std::unique_ptr<Decoder> decoder;  // handed to the first user, then reopened
    DecoderInfo info;
    std::string error;
    bool needs_memory = false;
    bool needs_native = false;  // pitched sounds read it at its own rate
    SharedBuffer buffer;        // at the engine rate
    SharedBuffer native;        // at the file's rate
};

bool should_stream(const SoundDesc& s, const DecoderInfo& info) {
    // Streaming needs the length up front (the length rule, fades that end at the end).
    if (!info.frames || s.stream == StreamMode::never) return false;
    if (s.stream == StreamMode::always) return true;
    const double seconds = static_cast<double>(*info.frames) / info.spec.rate;
    return seconds > (s.loop ? kStreamAutoLoopSeconds : kStreamAutoSeconds);
}

// `will_play`: hand each opened decoder to its first user. For --check, a file
// that streams is closed at once (a thousand of them are not held open
// together, and none will be read further); one decoded into memory stays
// open for the decoding, so no file is opened twice.
// With `decoded`, a file opened before is not opened again for its info (it
// is opened when it streams, or when its samples are not cached).
std::map<std::string, OpenedFile> open_all(const Scene& scene, bool will_play, DecodedSounds* decoded) {
    std::map<std::string, OpenedFile> files;
    for (const auto& s : scene.sounds) {
        if (files.count(s.file)) continue;
        OpenedFile& f = files[s.file];
        if (const DecoderInfo* known = decoded ? decoded->find_info(s.file) : nullptr) {
            f.info = *known;
            continue;
        }
        try {
            f.decoder = open_decoder_file(s.file);
            f.info = f.decoder->info();
            check_playable(s.file, f.info);
            if (decoded) decoded->keep_info(s.file, f.info);
            if (!will_play && should_stream(s, f.info)) f.decoder.reset();
        } catch (const Error& e) {
            f.decoder.reset();
            f.error = e.what();
        }
    }
    return files;
}

// Decodes the files that sounds play from memory, each once per rate it is
// needed at (the engine's; the file's own for pitched sounds), on all cores.
// With `keep_channels` (surround buses), files of more than two channels keep
// them at the engine rate; at a file's own rate (pitched sounds: the pitch
// stage takes 1 or 2 channels) they are downmixed.
void load_buffers(std::map<std::string, OpenedFile>& files, uint32_t rate, bool keep_channels, DecodedSounds* decoded) {
    struct Job {
        const std::string* path;
        OpenedFile* file;
        bool native;
    };
    std::vector<Job> todo;
    for (auto& [path, f] : files) {
        if (!f.error.empty()) continue;
        auto need = [&](bool native) {
            SharedBuffer& slot = native ? f.native : f.buffer;
            if (decoded)
                slot = decoded->find(path, native ? f.info.spec.rate : rate,
                                     decoded_channels(f.info.spec.channels, keep_channels && !native));
            if (!slot) todo.push_back({&path, &f, native});
        };
        if (f.needs_memory) need(false);
        if (f.needs_native) need(true);
    }
    std::atomic<size_t> next{0};
    std::mutex decoder_lock;  // the opened decoder goes to one job only
    auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < todo.size();) {
            const std::string* path = todo[i].path;
            OpenedFile* f = todo[i].file;
            try {
                std::unique_ptr<Decoder> dec;
                {
                    std::lock_guard lock(decoder_lock);
                    dec = std::move(f->decoder);
                }
                if (!dec) dec = open_decoder_file(*path);
                auto buffer = load_sound(std::move(dec), *path, todo[i].native ? f->info.spec.rate : rate,
                                         keep_channels && !todo[i].native);
                std::lock_guard lock(decoder_lock);
                (todo[i].native ? f->native : f->buffer) = std::move(buffer);
            } catch (const Error& e) {
                std::lock_guard lock(decoder_lock);
                f->error = e.what();
            } catch (const std::exception& e) {
                std::lock_guard lock(decoder_lock);
                f->error = *path + ": " + e.what();
            }
        }
    };
    const size_t n_threads = std::min<size_t>(todo.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    for (size_t t = 1; t < n_threads; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    if (decoded)
        for (const Job& j : todo)
            if (const SharedBuffer& b = j.native ? j.file->native : j.file->buffer)
                decoded->keep(*j.path, j.native ? j.file->info.spec.rate : rate, b);
}

// A send's fixed gain, and its automation: an automated send's gain is all
// in its envelope.
float send_gain(const SendDesc& send) { return send.volume_db_envelope ? 1.0f : db_to_gain(send.volume_db); }
std::optional<EnvelopeCursor> send_automation(const SendDesc& send, double rate) {
    if (!send.volume_db_envelope) return std::nullopt;
    return EnvelopeCursor(*send.volume_db_envelope, rate);
}

// The scene's HRTF set when 3D sounds are rendered binaurally (read once per
// run, shared by every voice), else none.
std::shared_ptr<const HrtfSet> hrtf_set(const Scene& scene) {
    if (scene.engine.spatial != SpatialRendering::hrtf) return nullptr;
    return load_hrtf_set(hrtf_file_of(scene.engine), scene.engine.sample_rate);
}

// A 3D sound's view of the scene, or nothing for a 2D sound.
std::unique_ptr<Spatializer> spatializer(const Scene& scene, const SoundDesc& s) {
    if (!s.spatial) return nullptr;
    return std::make_unique<Spatializer>(SpatialSetup{.source = *s.spatial,
                                                      .listener = scene.listener,
                                                      .pan_law = scene.engine.pan_law,
                                                      .speed_of_sound = scene.engine.speed_of_sound,
                                                      .doppler_factor = scene.engine.doppler_factor * s.spatial->doppler,
                                                      .air_absorption = s.spatial->air_absorption.value_or(scene.engine.air_absorption),
                                                      .rate = scene.engine.sample_rate,
                                                      .hrtf = hrtf_set(scene),
                                                      .channels = bus_channels(scene.engine.channels)});
}

// A pitched sound, or a 3D one with doppler, plays through a variable-rate
// resampler that also converts the file's rate: it reads the file at its own
// rate. Other sounds keep the fixed-ratio conversion at load time (and the
// identity render exact).
bool resampled(const Scene& scene, const SoundDesc& s) {
    if (s.pitch != 1.0 || s.live_pitch || s.pitch_envelope) return true;
    const auto spatial = spatializer(scene, s);
    return spatial && spatial->has_doppler();
}

// A pitch envelope's input frames, summed every kPitchStep frames at each
// step's middle value: `unit` input frames per engine frame at pitch 1.
constexpr uint64_t kPitchStep = 32;
double input_played(const Envelope& e, double unit, uint32_t rate, uint64_t frames) {
    double input = 0;
    for (uint64_t t = 0; t < frames; t += kPitchStep) {
        const uint64_t n = std::min(kPitchStep, frames - t);
        input += unit * e.value_at((static_cast<double>(t) + 0.5 * static_cast<double>(n)) / rate) * static_cast<double>(n);
    }
    return input;
}

// The engine frames in which a pitch envelope plays `input` input frames, and
// one engine block more: the pitch stage glides to each block's end value,
// so it may read a little slower than the envelope; the sound ends when its
// frames run out, never cut before.
uint64_t frames_to_play(const Envelope& e, double unit, uint32_t rate, uint64_t input, uint32_t block) {
    const auto limit = static_cast<uint64_t>(kMaxTimeSeconds * rate);
    double done = 0;
    uint64_t t = 0;
    while (done < static_cast<double>(input) && t < limit) {
        done += unit * e.value_at((static_cast<double>(t) + 0.5 * kPitchStep) / rate) * kPitchStep;
        t += kPitchStep;
    }
    return t + block;
}

// max_voices: the voices that give way end in a short fade, those refused
// (and those that now end before --start-at) are not played. Returns whether
// any limit applied.
bool apply_voice_limits(const Scene& scene, std::vector<LimitedVoice>& limited,
                        const std::vector<std::optional<size_t>>& built, PreparedScene& p) {
    resolve_voice_limits(scene, limited);
    bool changed = false;
    std::vector<bool> remove(p.voices.size());
    const auto fade = static_cast<uint64_t>(std::llround(kStealFadeSeconds * scene.engine.sample_rate));
    for (size_t i = 0; i < limited.size(); ++i) {
        const LimitedVoice& l = limited[i];
        if (!l.dropped && !l.stolen_at) continue;
        changed = true;
        if (!built[i]) continue;
        VoiceSetup& v = p.voices[*built[i]];
        if (l.dropped || *l.end <= p.config.start_frame) {
            remove[*built[i]] = true;
            continue;
        }
        // From where it gave way (not earlier: its own longer fade would reach back before that).
        v.end_frame = l.end;
        v.fade_out_frames = std::min(fade, *l.end - v.start_frame);
    }
    size_t kept = 0;
    for (size_t i = 0; i < p.voices.size(); ++i) {
        if (remove[i]) continue;
        if (kept != i) p.voices[kept] = std::move(p.voices[i]);
        ++kept;
    }
    p.voices.resize(kept);
    return changed;
}

// A problem found while preparing, at the scene key it comes from (a
// location without a line, for sounds given on the command line, is left out).
using Problems = std::vector<SceneDiagnostic>;

// The loader has checked that every name resolves.
size_t bus_index(const Scene& scene, const std::string& name) {
    const auto it = std::find_if(scene.buses.begin(), scene.buses.end(), [&](const BusDesc& b) { return b.name == name; });
    return static_cast<size_t>(it - scene.buses.begin());
}

// The scene's buses → a compiled render plan, effects built and prepared.
// Each effect's rate check runs here only when the scene has not had it at
// this rate: the loader runs it with the file's other problems at the
// scene's own rate, so a loaded scene is checked again only when
// --sample-rate changed the rate; a scene built in code is checked here. An
// effect that fails is left out of the plan (the problems are thrown).
std::unique_ptr<RenderPlan> build_plan(const Scene& scene, Problems& problems) {
    const uint32_t rate = scene.engine.sample_rate;
    std::vector<EffectProblem> failed;
    if (scene.effects_checked_rate != rate) failed = effect_problems(scene, rate);
    for (const EffectProblem& f : failed)
        problems.push_back({f.effect->where, "effect '" + f.effect->config.type + "' of bus '" + f.bus->name + "': " +
                                                 f.problem});
    std::vector<BusSetup> setups;
    for (const BusDesc& b : scene.buses) {
        BusSetup s;
        s.name = b.name;
        s.gain = b.volume_db_envelope ? 1.0f : db_to_gain(b.volume_db);  // bus_fader_gain() but for mute, kept apart
        if (b.volume_db_envelope) s.volume_db_envelope.emplace(*b.volume_db_envelope, rate);
        s.mute = b.mute;
        s.solo = b.solo;
        s.bypass_effects = b.bypass_effects;
        if (!b.send_to.empty()) s.parent = bus_index(scene, b.send_to);
        for (const auto& send : b.sends) s.sends.push_back({bus_index(scene, send.bus), send_gain(send), send_automation(send, rate)});
        for (const EffectDesc& e : b.effects) {
            if (std::any_of(failed.begin(), failed.end(), [&](const EffectProblem& f) { return f.effect == &e; }))
                continue;
            const EffectType* type = find_effect_type(e.config.type);
            // Automated: built with its values where the render starts, then moved along by the engine.
            const double start = static_cast<double>(scene.skip);
            BusSetup::Effect fx{type->make(config_at(e.config, e.envelopes, start)), e.config.enabled, std::nullopt,
                                std::nullopt, std::nullopt};
            if (type->volume_param && e.envelopes.size() == 1 && e.envelopes[0].slot == ParamSlot{*type->volume_param})
                fx.volume_db_envelope.emplace(e.envelopes[0].envelope, rate);
            else if (!e.envelopes.empty())
                fx.automation.emplace(*type, e.config, e.envelopes, rate);
            if (!e.config.sidechain.empty()) fx.key = bus_index(scene, e.config.sidechain);
            s.effects.push_back(std::move(fx));
        }
        setups.push_back(std::move(s));
    }
    try {
        return compile_plan(std::move(setups),
                            ProcessSpec{rate, EngineConfig{}.max_block, bus_channels(scene.engine.channels)});
    } catch (const Error& e) {
        SceneDiagnostic whole;  // the bus graph as a whole: no one key
        whole.message = e.what();
        problems.push_back(std::move(whole));
        return nullptr;
    }
}

std::string secs(double s) {
    std::ostringstream o;
    o.precision(3);
    o << std::fixed << s << " s";
    return o.str();
}

}  // namespace

std::string timing_problem(const SoundDesc& s, uint64_t len, uint32_t unit) {
    auto at = [unit](double seconds) { return static_cast<uint64_t>(std::llround(seconds * unit)); };
    const uint64_t loop_end = s.loop_end > 0 ? at(s.loop_end) : len;
    const std::string length = " (" + secs(static_cast<double>(len) / unit) + ")";
    if (len == 0) return s.file + " has no audio in it";
    if (at(s.from_position) >= len)
        return "from_position " + secs(s.from_position) + " is at or past the end of " + s.file + length;
    if (s.loop && loop_end > len) return "loop_end " + secs(s.loop_end) + " is past the end of " + s.file + length;
    if (s.loop && at(s.loop_start) >= loop_end)
        return "loop_start " + secs(s.loop_start) + " must be before loop_end (" +
               secs(static_cast<double>(loop_end) / unit) + ")";
    return {};
}

namespace {

// Live streams: each a voice that starts with the playback and ends with its input.
void add_streams(const Scene& scene, PreparedScene& p, Problems& problems) {
    const uint32_t rate = scene.engine.sample_rate;
    for (const StreamDesc& st : scene.streams) {
        VoiceSetup v;
        v.bus_channels = bus_channels(scene.engine.channels);
        v.name = st.source == "-" ? "stream -" : "stream " + st.source;
        v.start_frame = p.config.start_frame;
        v.ends_with_source = true;
        v.gain = db_to_gain(st.volume_db);
        v.pan = pan_gains(scene.engine.pan_law, st.pan);
        v.bus = bus_index(scene, st.bus);
        PipeSetup setup{.source = st.source, .format = st.format, .format_given = st.format_given, .rate = st.rate,
                        .channels = st.channels,
                        .engine_rate = rate,
                        .buffer_frames = std::max<size_t>(2, static_cast<size_t>(uint64_t{st.buffer_ms} * rate / 1000))};
        try {
            auto source = std::make_unique<PipeSource>(setup);
            p.offline_chunk_frames = std::min(p.offline_chunk_frames, source->max_wait_frames());
            v.source = std::move(source);
        } catch (const Error& e) {
            problems.push_back({st.source_where.line ? st.source_where : st.where, e.what()});
            continue;
        }
        p.voices.push_back(std::move(v));
    }
}

}  // namespace

SharedBuffer DecodedSounds::find(const std::string& path, uint32_t rate, uint32_t channels) const {
    const auto it = buffers_.find({path, rate, channels});
    if (it == buffers_.end()) return nullptr;
    ++reused_;
    return it->second;
}

const DecoderInfo* DecodedSounds::find_info(const std::string& path) const {
    const auto it = infos_.find(path);
    return it == infos_.end() ? nullptr : &it->second;
}

float bus_fader_gain(const BusDesc& b) {
    if (b.mute) return 0.0f;
    return b.volume_db_envelope ? 1.0f : db_to_gain(b.volume_db);
}

void DecodedSounds::keep(const std::string& path, uint32_t rate, SharedBuffer buffer) {
    buffers_[{path, rate, buffer->channels}] = std::move(buffer);
}

PreparedScene prepare_scene(const Scene& scene, StreamDecoding streams, DecodedSounds* decoded, bool with_plan) {
    // A scene built in code or read without scene_from_options: its variations, as a run would play them.
    if (std::any_of(scene.sounds.begin(), scene.sounds.end(), [](const SoundDesc& s) { return s.variation.any(); })) {
        Scene expanded = scene;
        expand_variations(expanded);
        return prepare_scene(expanded, streams, decoded, with_plan);
    }
    PreparedScene p;
    const uint32_t rate = scene.engine.sample_rate;
    auto frames = [rate](double seconds) { return static_cast<uint64_t>(std::llround(seconds * rate)); };
    // Surround buses: multichannel files keep their channels (the voices map them onto the speakers).
    const bool surround = bus_channels(scene.engine.channels) > 2;

    p.config.output = AudioSpec{rate, scene.engine.channels};
    if (scene.engine.lfe_db) p.config.lfe_gain = db_to_gain(*scene.engine.lfe_db);
    p.config.lfe_cutoff_hz = scene.engine.lfe_cutoff_hz;
    if (scene.engine.duration) p.config.duration_frames = frames(*scene.engine.duration);
    p.config.start_frame = frames(scene.skip);
    Problems problems;
    if (with_plan) p.plan = build_plan(scene, problems);
    if (scene.engine.spatial == SpatialRendering::hrtf && scene.engine.channels > 2) {
        SceneDiagnostic whole;  // [engine] spatial against the channels (maybe --channels): no one key
        whole.message = std::string("spatial = \"hrtf\" renders for headphones: it needs a stereo output, not ") +
                        speaker::layout_name(scene.engine.channels) + " (--channels 2, or spatial = \"pan\")";
        problems.push_back(std::move(whole));
    }

    const bool will_play = streams != StreamDecoding::none;
    auto files = open_all(scene, will_play, decoded);
    // Files of a variation that this seed did not pick: only checked (a broken one is an error whatever the seed).
    for (const UnpickedFile& u : scene.unpicked_files) {
        if (files.count(u.file) || (decoded && decoded->find_info(u.file))) continue;
        try {
            const DecoderInfo info = open_decoder_file(u.file)->info();
            check_playable(u.file, info);
            if (decoded) decoded->keep_info(u.file, info);
        } catch (const Error& e) {
            problems.push_back({u.where, e.what()});
        }
    }
    std::vector<bool> streamed(scene.sounds.size());
    for (size_t i = 0; i < scene.sounds.size(); ++i) {
        OpenedFile& f = files.at(scene.sounds[i].file);
        if (!f.error.empty()) continue;
        streamed[i] = should_stream(scene.sounds[i], f.info);
        if (streamed[i]) continue;
        if (resampled(scene, scene.sounds[i])) f.needs_native = true;
        else f.needs_memory = true;
    }
    load_buffers(files, rate, surround, decoded);

    uint64_t previous_end = 0;
    bool endless = false;
    uint64_t latest_end = 0;
    // Each sound's timing, for max_voices; and which voice it built (none: over before --start-at, or a problem).
    std::vector<LimitedVoice> limited;
    std::vector<std::optional<size_t>> built;
    // Room for every voice at once: a scene of many triggers would otherwise
    // hold up to twice their setups while the vector grows.
    limited.reserve(scene.sounds.size());
    built.reserve(scene.sounds.size());
    p.voices.reserve(scene.sounds.size() + scene.streams.size());
    for (size_t i = 0; i < scene.sounds.size(); ++i) {
        const SoundDesc& s = scene.sounds[i];
        OpenedFile& f = files.at(s.file);
        if (!f.error.empty()) {
            problems.push_back({s.file_where, f.error});
            continue;
        }
        FileSummary& summary = p.files[s.file];
        summary.format = f.info.format;
        summary.rate = f.info.spec.rate;
        summary.channels = f.info.spec.channels;
        summary.streamed = summary.streamed || streamed[i];
        // Positions in the sound's own frames: the engine rate, or the file's
        // rate for a pitched sound (its resampler converts both at once).
        const bool varispeed = resampled(scene, s);
        const uint32_t unit = varispeed ? f.info.spec.rate : rate;
        auto at = [unit](double seconds) { return static_cast<uint64_t>(std::llround(seconds * unit)); };
        // Input frames per engine frame.
        const double ratio = s.pitch * unit / rate;
        // Length: exact for decoded buffers, by the rate ratio for streams.
        const uint64_t len = streamed[i] ? static_cast<uint64_t>(std::llround(static_cast<double>(*f.info.frames) * unit /
                                                                             f.info.spec.rate))
                                         : (varispeed ? f.native : f.buffer)->frames();
        summary.seconds = static_cast<double>(len) / unit;
        const uint64_t from = at(s.from_position);
        const uint64_t loop_start = at(s.loop_start);
        const uint64_t loop_end = s.loop_end > 0 ? at(s.loop_end) : len;
        const std::string sound = "sound '" + s.name + "': ";
        if (auto why = timing_problem(s, len, unit); !why.empty()) {
            problems.push_back({s.where, sound + why});
            continue;
        }
        if (!s.enabled) continue;  // checked like the others, not played

        VoiceSetup v;
        v.bus_channels = bus_channels(scene.engine.channels);
        v.name = s.name;
        v.start_frame = s.follows_previous ? previous_end : frames(s.start);
        // A pitched sound of N frames lasts N / ratio engine frames (rounded up, as the resampler renders).
        const double unit_ratio = static_cast<double>(unit) / rate;
        const uint64_t plays = s.pitch_envelope ? frames_to_play(*s.pitch_envelope, unit_ratio, rate, len - from, p.config.max_block)
                               : varispeed      ? static_cast<uint64_t>(std::ceil(static_cast<double>(len - from) / ratio - 1e-9))
                                                : len - from;
        if (!s.loop) v.end_frame = v.start_frame + plays;
        else if (p.config.duration_frames) v.end_frame = std::max(v.start_frame, *p.config.duration_frames);
        // stop = SEC ends it early, faded as a stop is: over the engine's stop
        // fade (or its own fade_out, if longer), silent from `stop` on.
        const uint64_t stop_at = s.stop ? frames(*s.stop) : 0;
        const bool stopped_early = s.stop && (!v.end_frame || stop_at < *v.end_frame);
        if (stopped_early) v.end_frame = stop_at;
        if (v.end_frame) previous_end = *v.end_frame;
        if (v.end_frame) latest_end = std::max(latest_end, *v.end_frame);
        else endless = true;
        limited.push_back({.sound = &s, .start = v.start_frame, .end = v.end_frame});
        built.emplace_back();
        v.gain = s.volume_db_envelope ? 1.0f : db_to_gain(s.volume_db);
        v.pan = pan_gains(scene.engine.pan_law, s.pan);
        if (s.volume_db_envelope) v.volume_db_envelope.emplace(*s.volume_db_envelope, rate);
        if (s.pan_envelope) v.pan_envelope.emplace(*s.pan_envelope, rate);
        if (s.pitch_envelope) v.pitch_envelope.emplace(*s.pitch_envelope, rate);
        v.pan_law = scene.engine.pan_law;
        v.spatial = spatializer(scene, s);
        if (scene.engine.virtual_below_db) v.virtual_below = db_to_gain(*scene.engine.virtual_below_db);
        v.fade_in_frames = frames(s.fade_in);
        v.fade_out_frames = frames(s.fade_out);
        if (stopped_early) v.fade_out_frames = std::max(v.fade_out_frames, frames(p.config.stop_fade_seconds));
        v.bus = bus_index(scene, s.bus);
        for (const auto& send : s.sends) v.sends.push_back({bus_index(scene, send.bus), send_gain(send), send_automation(send, rate)});

        // --start-at: a sound already under way starts that far into its file.
        uint64_t position = from;
        if (p.config.start_frame > v.start_frame) {
            if (v.end_frame && *v.end_frame <= p.config.start_frame) continue;  // over before the skip point
            const uint64_t skipped = p.config.start_frame - v.start_frame;
            position += s.pitch_envelope ? static_cast<uint64_t>(std::llround(input_played(*s.pitch_envelope, unit_ratio, rate, skipped)))
                        : varispeed      ? static_cast<uint64_t>(std::llround(static_cast<double>(skipped) * ratio))
                                         : skipped;
            if (s.loop && position >= loop_end) position = loop_start + (position - loop_end) % (loop_end - loop_start);
        }
        if (streamed[i] && !will_play) {
            built.back() = p.voices.size();
            p.voices.push_back(std::move(v));  // its timing is all --check needs
            continue;
        }
        if (streamed[i]) {
            try {
                auto decoder = f.decoder ? std::move(f.decoder) : open_decoder_file(s.file);
                // (A pitched one is downmixed: the pitch stage takes 1 or 2 channels.)
                const StreamSetup setup{.engine_rate = unit, .from = position, .loop = s.loop, .loop_start = loop_start,
                                        .loop_end = s.loop_end > 0 ? loop_end : 0, .keep_channels = surround && !varispeed};
                // A pitched stream keeps its thread: the resampler above it pulls an uneven number of frames.
                if (streams == StreamDecoding::render_thread && !varispeed)
                    v.source = std::make_unique<OfflineStreamSource>(std::move(decoder), s.file, setup);
                else
                    v.source = std::make_unique<StreamSource>(std::move(decoder), s.file, setup);
            } catch (const Error& e) {
                problems.push_back({s.file_where, e.what()});
                continue;
            }
        } else {
            v.source = std::make_unique<BufferSource>(varispeed ? f.native : f.buffer, position, s.loop, loop_start,
                                                      loop_end);
        }
        if (varispeed) {
            // Doppler glides the ratio within [base / max shift, base × max shift].
            // Live control may raise the pitch later, within kLivePitchRise.
            const double top = s.pitch_envelope ? unit_ratio * s.pitch_envelope->max() : ratio;
            const double max_ratio = v.spatial && v.spatial->has_doppler() ? top * kMaxDopplerShift
                                     : s.live_pitch                          ? top * kLivePitchRise
                                                                             : top;
            add_varispeed(v, scene.engine.interpolator, ratio, max_ratio);
            v.unit_ratio = unit_ratio;
        }
        built.back() = p.voices.size();
        p.voices.push_back(std::move(v));
    }
    if (apply_voice_limits(scene, limited, built, p)) {
        endless = false;
        latest_end = 0;
        for (const LimitedVoice& l : limited) {
            if (l.dropped) continue;
            if (l.end) latest_end = std::max(latest_end, *l.end);
            else endless = true;
        }
    }
    if (p.config.duration_frames) p.full_length = p.config.duration_frames;
    else if (!endless) p.full_length = latest_end;
    add_streams(scene, p, problems);
    if (!problems.empty()) throw SceneError(std::move(problems));
    return p;
}

}  // namespace simvx
