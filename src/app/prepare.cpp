#include "app/prepare.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/gain.hpp"
#include "dsp/pan.hpp"
#include "decode/registry.hpp"
#include "dsp/effect_types.hpp"
#include "mix/sound_loader.hpp"
#include "mix/pipe_source.hpp"
#include "mix/stream_source.hpp"

namespace simvx {
namespace {

// One input file: opened once on the control thread to learn its format.
struct OpenedFile {
    std::unique_ptr<Decoder> decoder;  // handed to the first user, then reopened
    DecoderInfo info;
    std::string error;
    bool needs_memory = false;
    SharedBuffer buffer;
};

std::map<std::string, OpenedFile> open_all(const Scene& scene) {
    std::map<std::string, OpenedFile> files;
    for (const auto& s : scene.sounds) {
        if (files.count(s.file)) continue;
        OpenedFile& f = files[s.file];
        try {
            f.decoder = open_decoder_file(s.file);
            f.info = f.decoder->info();
            check_playable(s.file, f.info);
        } catch (const Error& e) {
            f.decoder.reset();
            f.error = e.what();
        }
    }
    return files;
}

bool should_stream(const SoundDesc& s, const DecoderInfo& info) {
    // Streaming needs the length up front (the length rule, fades that end at the end).
    if (!info.frames || s.stream == StreamMode::never) return false;
    if (s.stream == StreamMode::always) return true;
    const double seconds = static_cast<double>(*info.frames) / info.spec.rate;
    return seconds > (s.loop ? kStreamAutoLoopSeconds : kStreamAutoSeconds);
}

// Decodes the files that sounds play from memory, each once, on all cores.
void load_buffers(std::map<std::string, OpenedFile>& files, uint32_t rate) {
    std::vector<std::pair<const std::string*, OpenedFile*>> todo;
    for (auto& [path, f] : files)
        if (f.needs_memory && f.error.empty()) todo.emplace_back(&path, &f);
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < todo.size();) {
            auto& [path, f] = todo[i];
            try {
                f->buffer = load_sound(f->decoder ? std::move(f->decoder) : open_decoder_file(*path), *path, rate);
            } catch (const Error& e) {
                f->error = e.what();
            } catch (const std::exception& e) {
                f->error = *path + ": " + e.what();
            }
        }
    };
    const size_t n_threads = std::min<size_t>(todo.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    for (size_t t = 1; t < n_threads; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
}

std::string prefix(const SourceLocation& where) {
    return where.line ? where.str() + ": " : std::string();
}

// The loader has checked that every name resolves.
size_t bus_index(const Scene& scene, const std::string& name) {
    const auto it = std::find_if(scene.buses.begin(), scene.buses.end(), [&](const BusDesc& b) { return b.name == name; });
    return static_cast<size_t>(it - scene.buses.begin());
}

// The scene's buses → a compiled render plan, effects built and prepared.
// Effect checks that depend on the final rate (--sample-rate) are repeated here.
std::unique_ptr<RenderPlan> build_plan(const Scene& scene, std::vector<std::string>& problems) {
    const uint32_t rate = scene.engine.sample_rate;
    std::vector<BusSetup> setups;
    for (const BusDesc& b : scene.buses) {
        BusSetup s;
        s.name = b.name;
        s.gain = db_to_gain(b.volume_db);
        s.mute = b.mute;
        s.solo = b.solo;
        s.bypass_effects = b.bypass_effects;
        if (!b.send_to.empty()) s.parent = bus_index(scene, b.send_to);
        for (const auto& send : b.sends) s.sends.push_back({bus_index(scene, send.bus), db_to_gain(send.volume_db)});
        for (const EffectDesc& e : b.effects) {
            const EffectType* type = find_effect_type(e.config.type);
            if (type->check)
                if (auto problem = type->check(e.config, rate); !problem.empty()) {
                    problems.push_back(prefix(e.where) + "effect '" + e.config.type + "' of bus '" + b.name + "': " + problem);
                    continue;
                }
            BusSetup::Effect fx{type->make(e.config), e.config.enabled, std::nullopt};
            if (!e.config.sidechain.empty()) fx.key = bus_index(scene, e.config.sidechain);
            s.effects.push_back(std::move(fx));
        }
        setups.push_back(std::move(s));
    }
    try {
        return compile_plan(std::move(setups), ProcessSpec{rate, EngineConfig{}.max_block});
    } catch (const Error& e) {
        problems.push_back(e.what());
        return nullptr;
    }
}

std::string secs(double s) {
    std::ostringstream o;
    o.precision(3);
    o << std::fixed << s << " s";
    return o.str();
}

// Live streams: each a voice that starts with the playback and ends with its input.
void add_streams(const Scene& scene, PreparedScene& p, std::vector<std::string>& problems) {
    const uint32_t rate = scene.engine.sample_rate;
    for (const StreamDesc& st : scene.streams) {
        VoiceSetup v;
        v.name = st.source == "-" ? "stream -" : "stream " + st.source;
        v.start_frame = p.config.start_frame;
        v.ends_with_source = true;
        v.gain = db_to_gain(st.volume_db);
        v.pan = pan_gains(scene.engine.pan_law, 0.0);
        v.bus = bus_index(scene, st.bus);
        PipeSetup setup{.source = st.source, .format = st.format, .rate = st.rate, .channels = st.channels,
                        .engine_rate = rate,
                        .buffer_frames = std::max<size_t>(2, static_cast<size_t>(uint64_t{st.buffer_ms} * rate / 1000))};
        try {
            auto source = std::make_unique<PipeSource>(setup);
            p.offline_chunk_frames = std::min(p.offline_chunk_frames, source->max_wait_frames());
            v.source = std::move(source);
        } catch (const Error& e) {
            problems.push_back(prefix(st.source_where.line ? st.source_where : st.where) + e.what());
            continue;
        }
        p.voices.push_back(std::move(v));
    }
}

}  // namespace

PreparedScene prepare_scene(const Scene& scene) {
    PreparedScene p;
    const uint32_t rate = scene.engine.sample_rate;
    auto frames = [rate](double seconds) { return static_cast<uint64_t>(std::llround(seconds * rate)); };

    p.config.output = AudioSpec{rate, scene.engine.channels};
    if (scene.engine.duration) p.config.duration_frames = frames(*scene.engine.duration);
    p.config.start_frame = frames(scene.skip);
    std::vector<std::string> problems;
    p.plan = build_plan(scene, problems);

    auto files = open_all(scene);
    std::vector<bool> streamed(scene.sounds.size());
    for (size_t i = 0; i < scene.sounds.size(); ++i) {
        OpenedFile& f = files.at(scene.sounds[i].file);
        if (!f.error.empty()) continue;
        streamed[i] = should_stream(scene.sounds[i], f.info);
        if (!streamed[i]) f.needs_memory = true;
    }
    load_buffers(files, rate);

    uint64_t previous_end = 0;
    for (size_t i = 0; i < scene.sounds.size(); ++i) {
        const SoundDesc& s = scene.sounds[i];
        OpenedFile& f = files.at(s.file);
        if (!f.error.empty()) {
            problems.push_back(prefix(s.file_where) + f.error);
            continue;
        }
        FileSummary& summary = p.files[s.file];
        summary.format = f.info.format;
        summary.rate = f.info.spec.rate;
        summary.channels = f.info.spec.channels;
        summary.streamed = summary.streamed || streamed[i];
        // Length in engine frames: exact for decoded buffers, by the rate ratio for streams.
        const uint64_t len = streamed[i] ? static_cast<uint64_t>(std::llround(static_cast<double>(*f.info.frames) * rate /
                                                                             f.info.spec.rate))
                                         : f.buffer->frames();
        summary.seconds = static_cast<double>(len) / rate;
        const uint64_t from = frames(s.from_position);
        const uint64_t loop_start = frames(s.loop_start);
        const uint64_t loop_end = s.loop_end > 0 ? frames(s.loop_end) : len;
        const std::string where = prefix(s.where) + "sound '" + s.name + "': ";
        if (len == 0) {
            problems.push_back(where + s.file + " has no audio in it");
            continue;
        }
        if (from >= len) {
            problems.push_back(where + "from_position " + secs(s.from_position) + " is at or past the end of " + s.file +
                               " (" + secs(static_cast<double>(len) / rate) + ")");
            continue;
        }
        if (s.loop && loop_end > len) {
            problems.push_back(where + "loop_end " + secs(s.loop_end) + " is past the end of " + s.file + " (" +
                               secs(static_cast<double>(len) / rate) + ")");
            continue;
        }
        if (s.loop && loop_start >= loop_end) {
            problems.push_back(where + "loop_start " + secs(s.loop_start) + " must be before loop_end (" +
                               secs(static_cast<double>(loop_end) / rate) + ")");
            continue;
        }

        VoiceSetup v;
        v.name = s.name;
        v.start_frame = s.follows_previous ? previous_end : frames(s.start);
        if (!s.loop) v.end_frame = v.start_frame + (len - from);
        else if (p.config.duration_frames) v.end_frame = std::max(v.start_frame, *p.config.duration_frames);
        if (v.end_frame) previous_end = *v.end_frame;
        v.gain = db_to_gain(s.volume_db);
        v.pan = pan_gains(scene.engine.pan_law, s.pan);
        v.fade_in_frames = frames(s.fade_in);
        v.fade_out_frames = frames(s.fade_out);
        v.bus = bus_index(scene, s.bus);
        for (const auto& send : s.sends) v.sends.push_back({bus_index(scene, send.bus), db_to_gain(send.volume_db)});

        // --start-at: a sound already under way starts that far into its file.
        uint64_t position = from;
        if (p.config.start_frame > v.start_frame) {
            if (v.end_frame && *v.end_frame <= p.config.start_frame) continue;  // over before the skip point
            position += p.config.start_frame - v.start_frame;
            if (s.loop && position >= loop_end) position = loop_start + (position - loop_end) % (loop_end - loop_start);
        }
        if (streamed[i]) {
            try {
                auto decoder = f.decoder ? std::move(f.decoder) : open_decoder_file(s.file);
                v.source = std::make_unique<StreamSource>(
                    std::move(decoder), s.file,
                    StreamSetup{.engine_rate = rate, .from = position, .loop = s.loop, .loop_start = loop_start,
                                .loop_end = s.loop_end > 0 ? loop_end : 0});
            } catch (const Error& e) {
                problems.push_back(prefix(s.file_where) + e.what());
                continue;
            }
        } else {
            v.source = std::make_unique<BufferSource>(f.buffer, position, s.loop, loop_start, loop_end);
        }
        p.voices.push_back(std::move(v));
    }
    add_streams(scene, p, problems);
    if (!problems.empty()) {
        std::string all;
        for (const auto& m : problems) all += (all.empty() ? "" : "\n") + m;
        throw InputError(all);
    }
    return p;
}

}  // namespace simvx
