// The scene's voices a pass must visit: those whose start has come and that
// have not stopped.
//
// A scene holds a voice for every trigger of every repeating sound: 2,000 in
// a minute of a busy ambience, 120,000 in an hour. Visiting each of them at
// every block (a cache miss apiece) cost more than mixing the few that sound,
// and grew with the square of the scene's length. A window visits the voices
// in play only: it admits voices as their start comes (in start order, kept
// once, when the scene is built) and lets go of the ones that stopped, which
// never start again (a seek stops the scene's voices and plays copies).
//
// The voices in the window stay in index order, the order the whole list
// had: the mix adds them up in the same order, so renders keep their bits.
// Admitting and letting go allocate nothing (the room is reserved up
// front): the audio thread keeps a window for its blocks, and the thread that
// fills the sources keeps another.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/realtime.hpp"

namespace simvx {

class VoiceWindow {
public:
    VoiceWindow() = default;
    // `starts`: each voice's first frame, by index.
    explicit VoiceWindow(std::span<const uint64_t> starts);

    // Takes in the voices that start before `until` (each once).
    void admit(uint64_t until) noexcept SIMVX_REALTIME;
    // The voices in, by index.
    std::span<const uint32_t> voices() const noexcept { return in_; }
    // Lets go of the voices `finished(index)` says are done, keeping the others' order.
    template <typename Finished>
    void drop_if(Finished finished) noexcept SIMVX_REALTIME {
        size_t kept = 0;
        for (const uint32_t v : in_)
            if (!finished(v)) in_[kept++] = v;
        in_.resize(kept);  // shrinks: never allocates
    }
    // Calls `f(index)` for each voice not yet admitted that starts before `until`.
    template <typename F>
    void for_each_unadmitted_before(uint64_t until, F f) const {
        for (size_t i = next_; i < order_.size() && order_[i].start < until; ++i) f(order_[i].voice);
    }

private:
    struct Start {
        uint64_t start;
        uint32_t voice;
    };
    std::vector<Start> order_;  // by start, then index
    size_t next_ = 0;           // the first of order_ not admitted
    std::vector<uint32_t> in_;  // admitted and not let go, by index (capacity: every voice)
};

}  // namespace simvx
