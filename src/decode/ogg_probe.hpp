// What the Ogg decoders (Vorbis, Opus) share: recognising their stream among
// the first pages, the Vorbis/Opus channel order, and the adapter that lets a
// C library read a ByteSource.
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
// and 1) reordered to WAV/SMPTE order. Beyond 8 channels the order is the
// application's: kept as is, mask 0.
inline ChannelLayout vorbis_channel_layout(uint32_t channels) {
    // Index = channels; each row lists, for WAV output order, the Vorbis channel.
    //   3: L C R                    -> L R C
    //   5: L C R BL BR              -> L R C BL BR
    //   6: L C R BL BR LFE          -> L R C LFE BL BR
    //   7: L C R SL SR BC LFE       -> L R C LFE BC SL SR
    //   8: L C R SL SR BL BR LFE    -> L R C LFE BL BR SL SR
    static constexpr uint8_t kFrom[9][8] = {
        {}, {0}, {0, 1}, {0, 2, 1}, {0, 1, 2, 3}, {0, 2, 1, 3, 4}, {0, 2, 1, 5, 3, 4},
        {0, 2, 1, 6, 5, 3, 4}, {0, 2, 1, 7, 5, 6, 3, 4},
    };
    ChannelLayout layout;
    layout.from.resize(channels);
    for (uint32_t c = 0; c < channels; ++c) {
        layout.from[c] = channels <= 8 ? kFrom[channels][c] : c;
        if (layout.from[c] != c) layout.identity = false;
    }
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

// The ByteSource behind a C library's I/O callbacks. An exception must not
// unwind through the library's C frames, so a read error is caught here,
// reported to the library as a failed read, and rethrown by the decoder once
// the library call has returned.
class CallbackSource {
public:
    explicit CallbackSource(ByteSource& src) : src_(src) {}

    ByteSource& source() const { return src_; }

    // Makes the input look as if it ended at `end` (a byte offset).
    void set_end(uint64_t end) { end_ = end; }

    // Bytes read (0 at the end), or -1 after an I/O error.
    long long read(void* dst, size_t n) noexcept {
        if (error_) return -1;
        if (end_) n = static_cast<size_t>(std::min<uint64_t>(n, *end_ - std::min(*end_, src_.tell())));
        try {
            return static_cast<long long>(src_.read(dst, n));
        } catch (...) {
            error_ = std::current_exception();
            return -1;
        }
    }

    // fseek semantics: 0 on success, -1 when the target is out of reach.
    int seek(int64_t offset, int whence) noexcept {
        int64_t base = 0;
        if (whence == SEEK_CUR) {
            base = static_cast<int64_t>(src_.tell());
        } else if (whence == SEEK_END) {
            const auto size = end_ ? end_ : src_.size();
            if (!size) return -1;
            base = static_cast<int64_t>(*size);
        } else if (whence != SEEK_SET) {
            return -1;
        }
        if (offset < 0 ? base < -offset : base > std::numeric_limits<int64_t>::max() - offset) return -1;
        try {
            return src_.seek(static_cast<uint64_t>(base + offset)) ? 0 : -1;
        } catch (...) {
            error_ = std::current_exception();
            return -1;
        }
    }

    int64_t tell() const noexcept { return static_cast<int64_t>(src_.tell()); }

    // Throws the I/O error a callback swallowed, if any.
    void rethrow_if_failed() const {
        if (error_) std::rethrow_exception(error_);
    }

private:
    ByteSource& src_;
    std::optional<uint64_t> end_;
    std::exception_ptr error_;
};

// How both decoders treat a stream that stops making sense. The caller names
// the input and the format ("song.ogg", "Ogg Vorbis") once.
class DamagePolicy {
public:
    DamagePolicy(std::string name, std::string format) : name_(std::move(name)), format_(std::move(format)) {}

    // A gap in the pages: the libraries skip it, the player says so once.
    void hole() {
        if (hole_warned_) return;
        hole_warned_ = true;
        log::warn(name_ + ": " + format_ + " stream has a gap (missing or damaged pages); playing on");
    }

    // The stream cannot go on. With audio already delivered the player keeps
    // what it has (warns, and the caller ends the stream); otherwise nothing
    // was playable and this throws.
    void broken(const std::string& what, bool decoded_any) const {
        if (!decoded_any) throw DecodeError(name_ + ": " + format_ + " stream is damaged: " + what);
        log::warn(name_ + ": " + format_ + " stream is damaged (" + what + "); stopping here");
    }

    // A later chained link with another rate or channel count: the player
    // never mixes formats in one stream, so it stops there (one warning).
    void format_change(const std::string& what) {
        if (format_warned_) return;
        format_warned_ = true;
        log::warn(name_ + ": " + format_ + " stream changes to " + what + " part-way; stopping there");
    }

    DecodeError no_audio() const {
        return DecodeError(name_ + ": " + format_ + " stream has headers only, no audio");
    }

    DecodeError not_seekable() const {
        return DecodeError(name_ + ": cannot seek: the " + format_ + " input is not seekable");
    }

private:
    std::string name_;
    std::string format_;
    bool hole_warned_ = false;
    bool format_warned_ = false;
};

// Where a decoder is in its stream, and the read loop both decoders share:
// decode until `out` is full or the stream has ended (decode_into sets
// `ended`); a stream that never yields audio is refused as headers only.
struct StreamState {
    bool ended = false;
    bool seeked = false;
    uint64_t delivered = 0;

    // decode_into(float* dst, size_t max_frames) returns frames decoded, or
    // <= 0 for an end, gap or damage (after setting the state).
    template <class DecodeInto>
    size_t read(std::span<float> out, size_t channels, const DamagePolicy& policy, DecodeInto&& decode_into) {
        const size_t want = out.size() / channels;
        size_t done = 0;
        while (done < want && !ended) {
            const auto n = decode_into(out.data() + done * channels, want - done);
            if (n <= 0) continue;
            done += static_cast<size_t>(n);
        }
        delivered += done;
        if (want > 0 && done == 0 && delivered == 0 && !seeked) throw policy.no_audio();
        return done;
    }

    // Before seeking: past the known end there is nothing to decode.
    void start_seek(uint64_t frame, std::optional<uint64_t> frames) {
        seeked = true;
        ended = frames && frame >= *frames;
    }
};

}  // namespace simvx::ogg
