// max_voices of a scene's sounds and buses (docs/scene-format.md, "Voice
// limits"), resolved before anything plays: a scene's timeline is known in
// advance, so which trigger takes whose place is decided once, the same in
// every render, at any --start-at and after any seek.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "scene/scene.hpp"

namespace simvx {

// One voice of the scene while its limits are resolved: its sound and timing
// in; what happens to it out.
struct LimitedVoice {
    const SoundDesc* sound = nullptr;
    uint64_t start = 0;
    std::optional<uint64_t> end;  // none: until stopped
    bool dropped = false;              // out: `steal = "none"` and full: never plays
    std::optional<uint64_t> stolen_at;  // out: gives way here, fading out over kStealFadeSeconds
};

// Goes through the voices in start order (ties in the given order); each
// that starts while its sound's or its bus's limit is full takes the place
// of the voice the limit's policy names, or is dropped. Voices fading out
// after giving way no longer count.
void resolve_voice_limits(const Scene& scene, std::vector<LimitedVoice>& voices);

}  // namespace simvx
