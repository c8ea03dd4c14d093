// What the Ogg decoders (Vorbis, Opus) share: recognising their stream among
// the first pages and the Vorbis/Opus channel order.
#pragma once
#include <cstdint>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "decode/byte_source.hpp"
#include "decode/decoder.hpp"
#include "decode/library_io.hpp"

namespace simvx::ogg {

// The first packet of each beginning-of-stream page that opens the input (its
// first bytes, as far as the head holds them). An Ogg file starts with the BOS
// page of every multiplexed stream, so a Skeleton ("fishead") or Theora stream
// may come first and the audio stream's header follow it.
inline std::vector<std::span<const uint8_t>> stream_heads(std::span<const uint8_t> head) {
    constexpr size_t kPageHeader = 27;  // "OggS", version, flags, granule, serial, seq, crc, segment count
    constexpr uint8_t kBeginOfStream = 0x02;
    std::vector<std::span<const uint8_t>> heads;
    size_t page = 0;
    while (page + kPageHeader <= head.size()) {
        const uint8_t* p = head.data() + page;
        if (p[0] != 'O' || p[1] != 'g' || p[2] != 'g' || p[3] != 'S') break;
        if (page > 0 && !(p[5] & kBeginOfStream)) break;  // past the BOS pages: no more stream heads
        const size_t segments = p[26];
        const size_t body = page + kPageHeader + segments;
        if (body > head.size()) break;
        size_t body_size = 0;
        for (size_t i = 0; i < segments; ++i) body_size += p[kPageHeader + i];
        heads.push_back(head.subspan(body, std::min(body_size, head.size() - body)));
        page = body + body_size;
    }
    return heads;
}

// True when one of the streams that open the input has a first packet starting with `magic`.
inline bool first_packet_starts_with(std::span<const uint8_t> head, std::string_view magic) {
    for (const auto packet : stream_heads(head))
        if (packet.size() >= magic.size() && std::memcmp(packet.data(), magic.data(), magic.size()) == 0) return true;
    return false;
}

// Where each output channel comes from, so a decoder delivers WAV order.
struct ChannelLayout {
    uint32_t mask = 0;            // speaker bits of the delivered order; 0 when unknown
    std::vector<uint32_t> from;   // output channel c = codec channel from[c]
    bool identity = true;         // from[c] == c for every c: nothing to move
};

// The Vorbis I order (spec section 4.3.9, also Opus channel mapping families 0
// and 1) reordered to WAV/SMPTE order (speaker::wav_channel_at_vorbis, the
// one table of it, which the encoders read the other way). Beyond 8 channels
// the order is the application's: kept as is.
inline ChannelLayout vorbis_channel_layout(uint32_t channels) {
    ChannelLayout layout;
    layout.from.resize(channels);
    for (uint32_t k = 0; k < channels; ++k) layout.from[speaker::wav_channel_at_vorbis(channels, k)] = k;
    for (uint32_t c = 0; c < channels; ++c) layout.identity = layout.identity && layout.from[c] == c;
    layout.mask = speaker::default_mask(channels);
    return layout;
}

// A layout the codec does not describe (Opus mapping 255, ambisonics): kept as is.
inline ChannelLayout unknown_channel_layout(uint32_t channels) {
    ChannelLayout layout;
    layout.from.resize(channels);
    for (uint32_t c = 0; c < channels; ++c) layout.from[c] = c;
    return layout;
}

// Planar codec output (libvorbisfile) to interleaved WAV order.
inline void interleave(const float* const* planes, size_t frames, const ChannelLayout& layout, float* out) {
    const size_t channels = layout.from.size();
    for (size_t c = 0; c < channels; ++c) {
        const float* src = planes[layout.from[c]];
        for (size_t i = 0; i < frames; ++i) out[i * channels + c] = src[i];
    }
}

// Interleaved codec output (libopusfile) reordered in place to WAV order.
inline void reorder(float* data, size_t frames, const ChannelLayout& layout) {
    if (layout.identity) return;
    const size_t channels = layout.from.size();
    float frame[8];  // only the Vorbis layouts (at most 8 channels) reorder
    for (size_t i = 0; i < frames; ++i, data += channels) {
        for (size_t c = 0; c < channels; ++c) frame[c] = data[layout.from[c]];
        for (size_t c = 0; c < channels; ++c) data[c] = frame[c];
    }
}

// The adapter and stream policies every library-backed decoder shares.
using formats::CallbackSource;
using formats::DamagePolicy;
using formats::StreamState;

}  // namespace simvx::ogg
