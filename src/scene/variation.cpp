#include "scene/variation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "core/number_format.hpp"
#include "core/random.hpp"
#include "scene/loader.hpp"

namespace simvx {
namespace {

// One stream per kind of draw: adding randomness to one value does not
// change what the others draw.
struct Draws {
    Random time, file, volume_db, pitch, pan, from_position;
    Draws(uint64_t seed, const std::string& key)
        : time(seed, key + "/time"), file(seed, key + "/file"), volume_db(seed, key + "/volume_db"),
          pitch(seed, key + "/pitch"), pan(seed, key + "/pan"), from_position(seed, key + "/from_position") {}
};

// The file of each trigger in turn, by the sound's pick.
class FilePicker {
public:
    FilePicker(const SoundVariation& v, Random& r) : v_(v), r_(r) {}
    size_t next() {
        const size_t n = v_.files.size();
        if (n <= 1) return 0;
        switch (v_.pick) {
            case FilePick::random: return static_cast<size_t>(r_.below(n));
            case FilePick::sequence: return count_++ % n;
            case FilePick::shuffle:
                if (bag_.empty()) refill(n);
                const size_t f = bag_.back();
                bag_.pop_back();
                last_ = f;
                return f;
        }
        return 0;
    }

private:
    // A new order of all the files (Fisher-Yates); never starting with the
    // one the last bag ended on, so no file plays twice in a row.
    void refill(size_t n) {
        bag_.resize(n);
        std::iota(bag_.begin(), bag_.end(), size_t{0});
        for (size_t i = n - 1; i > 0; --i) std::swap(bag_[i], bag_[static_cast<size_t>(r_.below(i + 1))]);
        if (last_ && bag_.back() == *last_) std::swap(bag_.back(), bag_[static_cast<size_t>(r_.below(n - 1))]);
    }
    const SoundVariation& v_;
    Random& r_;
    std::vector<size_t> bag_;  // popped from the back
    std::optional<size_t> last_;
    size_t count_ = 0;
};

double draw(const std::optional<RandomRange>& range, Random& r, double fixed) {
    // Every trigger draws, range or not: the stream stays aligned with the trigger.
    const double u = r.unit();
    return range ? range->lo + (range->hi - range->lo) * u : fixed;
}

SoundDesc trigger(const SoundDesc& s, Draws& d, FilePicker& files) {
    SoundDesc t = s;
    const SoundVariation& v = s.variation;
    const size_t f = files.next();
    if (!v.files.empty()) {
        t.file = v.files[f];
        t.file_where = v.files_where[f];
    }
    t.volume_db = draw(v.volume_db, d.volume_db, s.volume_db);
    t.pitch = draw(v.pitch, d.pitch, s.pitch);
    t.pan = draw(v.pan, d.pan, s.pan);
    t.from_position = draw(v.from_position, d.from_position, s.from_position);
    t.variation = {};
    t.drawn = true;
    return t;
}

// Draws are keyed by the sound's name, and by which of the sounds of that
// name it is (names are unique when given; a default one is the file's).
std::string draw_key(const SoundDesc& s, std::map<std::string, size_t>& seen) {
    const size_t n = seen[s.name]++;
    return n ? s.name + "@" + std::to_string(n) : s.name;
}

}  // namespace

SoundDesc one_trigger(const SoundDesc& sound, uint64_t seed, uint64_t n) {
    Draws d(seed, sound.name + "/play" + std::to_string(n));
    FilePicker files(sound.variation, d.file);
    return trigger(sound, d, files);
}

namespace {

// Where a repeat without a count stops triggering: the sound's stop, else the scene's end.
std::optional<double> repeat_end(const SoundDesc& s, const Scene& scene) {
    return s.stop ? s.stop : scene.engine.duration;
}

// About how many sounds the expansion gives. A vector grown one trigger at
// a time holds up to three times their memory while it moves them (the old
// room and the new), and keeps up to twice it for as long as the scene plays.
size_t expected_sounds(const Scene& scene) {
    double n = 0;
    for (const SoundDesc& s : scene.sounds) {
        const std::optional<RepeatDesc>& r = s.variation.repeat;
        const std::optional<double> end = repeat_end(s, scene);
        double k = 1;
        if (r) {
            // Until the end, if there is one (jitter moves that count by about its square root).
            k = end && r->every > 0 ? std::max(0.0, (*end - s.start) / r->every) + 1 : HUGE_VAL;
            k += 2 * std::sqrt(k);
            if (r->count) k = std::min(k, static_cast<double>(*r->count));
        }
        n += std::min(k, static_cast<double>(kMaxTriggers) + 1);
    }
    // A guess, bounded: a scene whose repeats would run past the limit fails
    // as it expands, not here, and room for more grows as it is needed.
    return static_cast<size_t>(std::min(n, 4.0 * static_cast<double>(kMaxTriggers))) + 16;
}

}  // namespace

void expand_variations(Scene& scene) {
    std::vector<SoundDesc> out;
    out.reserve(expected_sounds(scene));
    std::vector<SceneDiagnostic> problems;
    std::map<std::string, size_t> names;
    scene.unpicked_files.clear();
    for (const SoundDesc& s : scene.sounds) {
        const std::string key = draw_key(s, names);
        if (!s.variation.any()) {
            out.push_back(s);
            continue;
        }
        const SoundVariation& v = s.variation;
        Draws d(scene.engine.seed, key);
        FilePicker files(v, d.file);
        std::vector<bool> picked(v.files.size());
        auto add = [&](SoundDesc t) {
            for (size_t i = 0; i < v.files.size(); ++i) picked[i] = picked[i] || v.files[i] == t.file;
            out.push_back(std::move(t));
        };
        if (!v.repeat) {
            add(trigger(s, d, files));
        } else {
            const RepeatDesc& r = *v.repeat;
            const std::optional<double> end = repeat_end(s, scene);
            if (!r.count && !end) {
                problems.push_back({r.where, "'repeat' in [[sound]] without 'count' repeats until the sound's 'stop' or "
                                             "the scene's duration: give one of them"});
                continue;
            }
            double at = s.start;
            uint64_t k = 0;
            for (; (!r.count || k < *r.count) && (!end || at < *end); ++k) {
                if (k == kMaxTriggers) break;
                SoundDesc t = trigger(s, d, files);
                t.start = at;
                t.name = s.name + "#" + std::to_string(k + 1);
                t.group = s.name;
                add(std::move(t));
                at += r.every + (2 * d.time.unit() - 1) * r.jitter;
            }
            if (k == kMaxTriggers && (!r.count || k < *r.count) && (!end || at < *end)) {
                problems.push_back({r.where, "'repeat' in [[sound]] would trigger more than " +
                                                 std::to_string(kMaxTriggers) + " times: repeat less often, or fewer times"});
                continue;
            }
        }
        for (size_t i = 0; i < v.files.size(); ++i)
            if (!picked[i]) scene.unpicked_files.push_back({v.files[i], v.files_where[i]});
    }
    if (!problems.empty()) throw SceneError(std::move(problems));
    scene.sounds = std::move(out);
}

}  // namespace simvx
