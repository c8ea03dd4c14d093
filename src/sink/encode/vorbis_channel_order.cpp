#include "sink/encode/vorbis_channel_order.hpp"

#include <array>
#include <bit>

#include "core/speakers.hpp"

namespace simvx {
namespace {

using namespace speaker;

// Vorbis's speaker order per channel count (index = channels - 1), written as
// the specification lists it; the WAV positions follow from the masks.
constexpr std::array<std::array<uint32_t, 8>, 8> kVorbisSpeakers = {{
    {FC},
    {FL, FR},
    {FL, FC, FR},
    {FL, FR, BL, BR},
    {FL, FC, FR, BL, BR},
    {FL, FC, FR, BL, BR, LFE},
    {FL, FC, FR, SL, SR, BC, LFE},
    {FL, FC, FR, SL, SR, BL, BR, LFE},
}};

}  // namespace

VorbisOrder vorbis_order(uint32_t channels) {
    VorbisOrder order;
    order.source.resize(channels);
    for (uint32_t k = 0; k < channels; ++k) order.source[k] = k;
    if (channels == 0 || channels > kVorbisSpeakers.size()) return order;
    const uint32_t mask = default_mask(channels);
    for (uint32_t k = 0; k < channels; ++k) {
        // A WAV channel's index is the number of mask bits below its own.
        const uint32_t bit = kVorbisSpeakers[channels - 1][k];
        order.source[k] = static_cast<uint32_t>(std::popcount(mask & (bit - 1)));
        order.identity = order.identity && order.source[k] == k;
    }
    return order;
}

void to_vorbis_order(const VorbisOrder& order, std::span<const float> in, std::vector<float>& out) {
    const size_t channels = order.source.size();
    out.resize(in.size());
    for (size_t at = 0; at + channels <= in.size(); at += channels)
        for (size_t k = 0; k < channels; ++k) out[at + k] = in[at + order.source[k]];
}

}  // namespace simvx
