// Variation made concrete: each sound that picks among files, draws values
// at random or repeats becomes one plain sound per trigger, each with the
// file and values drawn for it. Deterministic: the draws come from the
// scene's seed and the sound's own name (core/random.hpp), so a render is
// the same for the same seed, differs for another, and a sound added to the
// scene does not change the draws of the others.
#pragma once
#include <cstdint>

#include "scene/scene.hpp"

namespace simvx {

// Replaces every varied sound of `scene` by its triggers: one when it does
// not repeat (its own name), or `name#1`, `name#2`... at the times the
// repeat gives. Throws SceneError for a repeat with no end (no count, no
// stop and no duration) or one that would trigger more than kMaxTriggers times.
void expand_variations(Scene& scene);

// One trigger of a varied sound, from draw `n` of its streams (live
// control's play: each play another draw). Ignores `repeat`.
SoundDesc one_trigger(const SoundDesc& sound, uint64_t seed, uint64_t n);

inline constexpr uint64_t kMaxTriggers = 100000;

}  // namespace simvx
