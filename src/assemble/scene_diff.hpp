// What --watch must do to turn the playing scene into the edited one: a pure
// comparison of two Scenes, field by field, that sorts every difference into
// one of two piles: applied live (gain ramps, effect updates, a new render
// plan crossfaded in, sounds started, released or restarted), or needing a
// restart of simvxplay. No difference is in neither: a key the watcher cannot
// apply is named, never dropped.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "scene/scene.hpp"

namespace simvx {

struct SceneDiff {
    // What cannot change while playing, one sentence each (the reload is refused whole).
    std::vector<std::string> needs_restart;

    // Buses (by setup index). A new plan carries every bus's gains and
    // parameters, so with one the two lists below are empty.
    bool rebuild_plan = false;
    struct BusGain {
        size_t bus;
        float gain;  // volume × mute, linear
    };
    std::vector<BusGain> bus_gains;
    struct EffectUpdate {
        size_t bus, effect;
    };
    std::vector<EffectUpdate> effect_updates;  // the new config is the new scene's

    // Sounds, by key (the name; a repeated one gets "#2", "#3"... in scene order).
    struct Sound {
        enum class Kind { removed, restarted, volume, added } kind;
        std::string key;
        double volume_db = 0;  // Kind::volume
    };
    std::vector<Sound> sounds;  // removals and changes in key order, then additions

    // What applying it does, one line each, for people.
    std::vector<std::string> changes;
};

SceneDiff diff_scenes(const Scene& was, const Scene& now);

// Sound keys as diff_scenes matches them: names made unique in order.
std::vector<std::string> sound_keys(const std::vector<std::string>& names);

}  // namespace simvx
