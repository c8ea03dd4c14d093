#include "dsp/speaker_groups.hpp"

#include "core/speakers.hpp"

namespace simvx {

SpeakerGroups speaker_groups(uint32_t channels) noexcept {
    SpeakerGroups g;
    const uint32_t mask = speaker::default_mask(channels);
    const auto index_of = [mask](uint32_t speaker_bit) { return speaker::channel_of(mask, speaker_bit); };
    constexpr uint32_t kPairs[][2] = {{speaker::FL, speaker::FR},
                                      {speaker::BL, speaker::BR},
                                      {speaker::FLC, speaker::FRC},
                                      {speaker::SL, speaker::SR}};
    for (const auto& [left, right] : kPairs)
        if ((mask & left) && (mask & right)) g.pairs[g.pair_count++] = {index_of(left), index_of(right)};
    for (const uint32_t lone : {speaker::FC, speaker::BC})
        if (mask & lone) g.lone[g.lone_count++] = index_of(lone);
    if (mask & speaker::LFE) g.lfe = index_of(speaker::LFE);
    return g;
}

}  // namespace simvx
