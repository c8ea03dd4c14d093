#include "sink/encode/vorbis_channel_order.hpp"

#include "core/speakers.hpp"

namespace simvx {

VorbisOrder vorbis_order(uint32_t channels) {
    VorbisOrder order;
    order.source.resize(channels);
    for (uint32_t k = 0; k < channels; ++k) {
        order.source[k] = speaker::wav_channel_at_vorbis(channels, k);
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
