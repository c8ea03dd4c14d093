#include "assemble/voice_limits.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include "core/gain.hpp"
#include "dsp/pan.hpp"
#include "spatial/model.hpp"

namespace simvx {
namespace {

struct Group {
    VoiceLimit limit;
    std::vector<size_t> playing;  // voices that count: started, not ended, not giving way
};

// How far each voice is from the listener at a scene frame. A path's
// trajectory is built once per sound (and once for the listener), not at each
// question: the stealing policies ask for every playing voice at every trigger.
class Distances {
public:
    explicit Distances(const Scene& scene)
        : scene_(scene), listener_(scene.listener.path, scene.listener.position, scene.listener.velocity) {}

    double at(const LimitedVoice& v, uint64_t t) {
        if (!v.sound->spatial) return 0;  // a 2D sound is at the listener
        auto it = sources_.find(v.sound);
        if (it == sources_.end()) {
            const SpatialDesc& d = *v.sound->spatial;
            it = sources_.emplace(v.sound, Trajectory(d.path, d.position, d.velocity)).first;
        }
        const double seconds = static_cast<double>(t) / scene_.engine.sample_rate;
        return length(it->second.at(seconds).position - listener_.at(seconds).position);
    }

private:
    const Scene& scene_;
    Trajectory listener_;
    std::map<const SoundDesc*, Trajectory> sources_;
};

// How loud a voice is at scene frame t, by what the scene says of it: its
// volume (or volume envelope), its distance gain (3D) or its louder side (2D).
double level_at(const Scene& scene, Distances& distances, const LimitedVoice& v, uint64_t t) {
    const SoundDesc& s = *v.sound;
    const double since = static_cast<double>(t - v.start) / scene.engine.sample_rate;
    double gain = db_to_gain(s.volume_db_envelope ? s.volume_db_envelope->value_at(since) : s.volume_db);
    if (s.spatial) {
        const SpatialDesc& d = *s.spatial;
        gain *= distance_gain(d.attenuation, distances.at(v, t), d.min_distance, d.max_distance, d.rolloff);
    } else {
        const StereoGain pan = pan_gains(scene.engine.pan_law, s.pan_envelope ? s.pan_envelope->value_at(since) : s.pan);
        gain *= std::max(pan.left, pan.right);
    }
    return gain;
}

// The voice among `playing` that gives way at t: the policy's, the oldest among equals.
size_t victim(const Scene& scene, Distances& distances, const std::vector<LimitedVoice>& voices,
              const std::vector<size_t>& playing, StealPolicy policy, uint64_t t) {
    auto older = [&](size_t a, size_t b) { return voices[a].start != voices[b].start ? voices[a].start < voices[b].start : a < b; };
    size_t best = playing.front();
    for (size_t w : playing) {
        if (w == best) continue;
        bool better = false;
        if (policy == StealPolicy::quietest) {
            const double a = level_at(scene, distances, voices[w], t), b = level_at(scene, distances, voices[best], t);
            better = a < b || (a == b && older(w, best));
        } else if (policy == StealPolicy::farthest) {
            const double a = distances.at(voices[w], t), b = distances.at(voices[best], t);
            better = a > b || (a == b && older(w, best));
        } else {
            better = older(w, best);
        }
        if (better) best = w;
    }
    return best;
}

}  // namespace

void resolve_voice_limits(const Scene& scene, std::vector<LimitedVoice>& voices) {
    std::map<std::string, Group> sound_groups, bus_groups;
    for (const BusDesc& b : scene.buses)
        if (b.voices.max) bus_groups[b.name].limit = b.voices;
    for (const LimitedVoice& v : voices)
        if (v.sound->voices.max) sound_groups[v.sound->group.empty() ? v.sound->name : v.sound->group].limit = v.sound->voices;
    if (sound_groups.empty() && bus_groups.empty()) return;

    std::vector<size_t> order(voices.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return voices[a].start < voices[b].start; });
    const auto fade = static_cast<uint64_t>(std::llround(kStealFadeSeconds * scene.engine.sample_rate));
    Distances distances(scene);
    for (size_t i : order) {
        LimitedVoice& v = voices[i];
        const uint64_t t = v.start;
        const SoundDesc& s = *v.sound;
        Group* groups[2] = {nullptr, nullptr};
        if (auto it = sound_groups.find(s.group.empty() ? s.name : s.group); it != sound_groups.end()) groups[0] = &it->second;
        if (auto it = bus_groups.find(s.bus); it != bus_groups.end()) groups[1] = &it->second;
        for (Group* g : groups) {
            if (!g || v.dropped) continue;
            // Those that have ended or are giving way no longer count.
            std::erase_if(g->playing, [&](size_t w) {
                const LimitedVoice& o = voices[w];
                return o.dropped || o.stolen_at || (o.end && *o.end <= t);
            });
            if (g->playing.size() < g->limit.max) continue;
            if (g->limit.steal == StealPolicy::none) {
                v.dropped = true;
                continue;
            }
            const size_t w = victim(scene, distances, voices, g->playing, g->limit.steal, t);
            voices[w].stolen_at = t;
            if (voices[w].end) *voices[w].end = std::min(*voices[w].end, t + fade);
            else voices[w].end = t + fade;
            std::erase(g->playing, w);
        }
        if (v.dropped) continue;
        for (Group* g : groups)
            if (g) g->playing.push_back(i);
    }
}

}  // namespace simvx
