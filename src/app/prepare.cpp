#include "app/prepare.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/gain.hpp"
#include "dsp/pan.hpp"
#include "mix/sound_loader.hpp"

namespace simvx {
namespace {

// Decodes every distinct file once, on all cores. Errors are kept per file.
std::map<std::string, SharedBuffer> load_all(const Scene& scene, std::map<std::string, std::string>& errors) {
    std::vector<std::string> paths;
    for (const auto& s : scene.sounds)
        if (std::find(paths.begin(), paths.end(), s.file) == paths.end()) paths.push_back(s.file);
    std::vector<SharedBuffer> loaded(paths.size());
    std::vector<std::string> failed(paths.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < paths.size();) {
            try {
                loaded[i] = load_sound(paths[i], scene.engine.sample_rate);
            } catch (const Error& e) {
                failed[i] = e.what();
            } catch (const std::exception& e) {
                failed[i] = paths[i] + ": " + e.what();
            }
        }
    };
    const size_t n_threads = std::min<size_t>(paths.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    for (size_t t = 1; t < n_threads; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    std::map<std::string, SharedBuffer> out;
    for (size_t i = 0; i < paths.size(); ++i) {
        if (loaded[i]) out[paths[i]] = loaded[i];
        else errors[paths[i]] = failed[i];
    }
    return out;
}

std::string prefix(const SourceLocation& where) {
    return where.line ? where.str() + ": " : std::string();
}

std::string secs(double s) {
    std::ostringstream o;
    o.precision(3);
    o << std::fixed << s << " s";
    return o.str();
}

}  // namespace

PreparedScene prepare_scene(const Scene& scene) {
    PreparedScene p;
    const uint32_t rate = scene.engine.sample_rate;
    auto frames = [rate](double seconds) { return static_cast<uint64_t>(std::llround(seconds * rate)); };

    p.config.output = AudioSpec{rate, scene.engine.channels};
    if (scene.engine.duration) p.config.duration_frames = frames(*scene.engine.duration);
    p.config.start_frame = frames(scene.skip);
    for (const auto& b : scene.buses) {
        if (b.name != "Master") continue;
        p.config.master_gain = db_to_gain(b.volume_db);
        p.config.master_mute = b.mute;
    }

    std::map<std::string, std::string> load_errors;
    p.buffers = load_all(scene, load_errors);
    std::vector<std::string> problems;
    uint64_t previous_end = 0;
    for (const auto& s : scene.sounds) {
        if (auto e = load_errors.find(s.file); e != load_errors.end()) {
            problems.push_back(prefix(s.file_where) + e->second);
            continue;
        }
        const SharedBuffer& buf = p.buffers.at(s.file);
        const uint64_t len = buf->frames();
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
                               " (" + secs(buf->seconds()) + ")");
            continue;
        }
        if (s.loop && loop_end > len) {
            problems.push_back(where + "loop_end " + secs(s.loop_end) + " is past the end of " + s.file + " (" +
                               secs(buf->seconds()) + ")");
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

        // --start-at: a sound already under way starts that far into its file.
        uint64_t position = from;
        if (p.config.start_frame > v.start_frame) {
            if (v.end_frame && *v.end_frame <= p.config.start_frame) continue;  // over before the skip point
            position += p.config.start_frame - v.start_frame;
            if (s.loop && position >= loop_end) position = loop_start + (position - loop_end) % (loop_end - loop_start);
        }
        v.source = std::make_unique<BufferSource>(buf, position, s.loop, loop_start, loop_end);
        p.voices.push_back(std::move(v));
    }
    if (!problems.empty()) {
        std::string all;
        for (const auto& m : problems) all += (all.empty() ? "" : "\n") + m;
        throw InputError(all);
    }
    return p;
}

}  // namespace simvx
