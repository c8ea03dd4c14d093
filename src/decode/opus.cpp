// Ogg Opus through libopusfile: always 48 kHz (Opus's decoding rate), with
// pre-skip, end trimming and the header's output gain applied by the library.
#include <opusfile.h>

#include <algorithm>
#include <climits>
#include <string>

#include "core/error.hpp"
#include "decode/formats.hpp"
#include "decode/ogg_probe.hpp"

namespace simvx::formats {
namespace {

constexpr const char* kFormat = "Ogg Opus";
constexpr uint32_t kOpusRate = 48000;

std::string describe(int code) {
    switch (code) {
        case OP_HOLE: return "a gap in the data (OP_HOLE)";
        // Real I/O errors surface from the ByteSource itself; this one means
        // the library could not find the pages it needed.
        case OP_EREAD: return "pages missing or out of order (OP_EREAD)";
        case OP_EFAULT: return "an internal decoder error (OP_EFAULT)";
        case OP_EIMPL: return "a feature the decoder does not implement (OP_EIMPL)";
        case OP_EINVAL: return "an invalid request (OP_EINVAL)";
        case OP_ENOTFORMAT: return "no Opus data (OP_ENOTFORMAT)";
        case OP_EBADHEADER: return "damaged or incomplete Opus headers (OP_EBADHEADER)";
        case OP_EVERSION: return "an unsupported Opus header version (OP_EVERSION)";
        case OP_ENOTAUDIO: return "a packet that is not audio (OP_ENOTAUDIO)";
        case OP_EBADPACKET: return "a damaged packet (OP_EBADPACKET)";
        case OP_EBADLINK: return "a damaged link between chained streams (OP_EBADLINK)";
        case OP_ENOSEEK: return "an input that cannot seek (OP_ENOSEEK)";
        case OP_EBADTIMESTAMP: return "an invalid timestamp (OP_EBADTIMESTAMP)";
        default: return "error " + std::to_string(code);
    }
}

// Opening a seekable stream reads the last page's timestamp: a stream with
// headers and no audio pages fails there.
std::string describe_open_error(int code) {
    if (code == OP_EBADTIMESTAMP) return "no audio after the headers, or damaged timestamps (OP_EBADTIMESTAMP)";
    // libopusfile refuses mapping family 255 ("general purpose players
    // should not attempt to play" channels without a layout).
    if (code == OP_EIMPL)
        return "channel mapping family 255 (channels with no speaker layout) is not supported (OP_EIMPL)";
    return describe(code);
}

// libopusfile callbacks over ogg::CallbackSource (a negative read is an error).
int read_cb(void* source, unsigned char* dst, int n) {
    const long long got = static_cast<ogg::CallbackSource*>(source)->read(dst, static_cast<size_t>(std::max(n, 0)));
    return static_cast<int>(got);
}
int seek_cb(void* source, opus_int64 offset, int whence) {
    return static_cast<ogg::CallbackSource*>(source)->seek(offset, whence);
}
opus_int64 tell_cb(void* source) { return static_cast<ogg::CallbackSource*>(source)->tell(); }

// Mapping families 0 and 1 use the Vorbis order; any other is delivered as
// coded, with no speaker mask (libopusfile 0.12 opens no other family, but a
// later one may open ambisonics or family 255).
ogg::ChannelLayout layout_of(const OpusHead& head) {
    const auto channels = static_cast<uint32_t>(head.channel_count);
    if (head.mapping_family == 0 || head.mapping_family == 1) return ogg::vorbis_channel_layout(channels);
    return ogg::unknown_channel_layout(channels);
}

// What must stay the same across chained links for one stream to play on.
struct LinkFormat {
    int channels = 0;
    uint32_t mask = 0;
    LinkFormat() = default;
    explicit LinkFormat(const OpusHead& head) : channels(head.channel_count), mask(layout_of(head).mask) {}
    friend bool operator==(const LinkFormat&, const LinkFormat&) = default;
    std::string describe(const LinkFormat& first) const {
        return channels != first.channels ? std::to_string(channels) + " channels" : "another channel layout";
    }
};

struct OpusFileDeleter {
    void operator()(OggOpusFile* of) const { op_free(of); }
};

class OpusDecoder final : public Decoder {
public:
    explicit OpusDecoder(std::unique_ptr<ByteSource> src)
        : src_(std::move(src)), io_(*src_), policy_(src_->name(), kFormat) {
        OpusFileCallbacks callbacks{read_cb, nullptr, nullptr, nullptr};
        if (src_->seekable()) {
            callbacks.seek = seek_cb;
            callbacks.tell = tell_cb;
        }
        int error = 0;
        file_.reset(op_open_callbacks(&io_, &callbacks, nullptr, 0, &error));
        io_.rethrow_if_failed();
        if (!file_)
            throw DecodeError(src_->name() + ": cannot open the Ogg Opus stream: " + describe_open_error(error));

        const OpusHead& head = *op_head(file_.get(), 0);
        first_ = LinkFormat(head);
        layout_ = layout_of(head);
        info_.format = kFormat;
        info_.spec = {kOpusRate, static_cast<uint32_t>(head.channel_count)};
        info_.channel_mask = layout_.mask;
        if (op_seekable(file_.get())) info_.frames = playable_frames();
        // The header's output gain is already in the samples (opusfile's default,
        // OP_HEADER_GAIN); the R128 gains are relative to that output.
        if (const OpusTags* tags = op_tags(file_.get(), 0))
            for (int i = 0; i < tags->comments; ++i)
                read_r128_comment({tags->user_comments[i], static_cast<size_t>(tags->comment_lengths[i])}, info_.gain);
    }

    const DecoderInfo& info() const override { return info_; }

    size_t read(std::span<float> out) override {
        return state_.read(out, info_.spec.channels, policy_,
                           [this](float* dst, size_t frames) { return decode_into(dst, frames); });
    }

    void seek(uint64_t frame) override {
        if (!op_seekable(file_.get())) throw policy_.not_seekable();
        state_.start_seek(frame, info_.frames);
        if (state_.ended) return;
        const int r = op_pcm_seek(file_.get(), static_cast<ogg_int64_t>(frame));
        io_.rethrow_if_failed();
        if (r < 0)
            throw DecodeError(src_->name() + ": cannot seek to frame " + std::to_string(frame) + ": " +
                              describe(r));
    }

private:
    // Frames in the leading links that share the first link's layout: the
    // stream ends where it changes.
    std::optional<uint64_t> playable_frames() {
        uint64_t total = 0;
        for (int link = 0; link < op_link_count(file_.get()); ++link) {
            if (LinkFormat(*op_head(file_.get(), link)) != first_) break;
            const ogg_int64_t n = op_pcm_total(file_.get(), link);
            if (n < 0) return std::nullopt;
            total += static_cast<uint64_t>(n);
        }
        // Zero may be a damaged last timestamp rather than an empty stream:
        // then the length is unknown, and read() tells a stream with no audio.
        if (total == 0) return std::nullopt;
        return total;
    }

    // One op_read_float call into `out` (interleaved, WAV order). Returns the
    // frames written; 0 or less when nothing was (and sets state_.ended at the end).
    int decode_into(float* out, size_t max_frames) {
        const size_t channels = info_.spec.channels;
        const int room = static_cast<int>(std::min<size_t>(max_frames * channels, INT_MAX));
        int link = 0;
        const int n = op_read_float(file_.get(), out, room, &link);
        io_.rethrow_if_failed();
        // Checked before anything else: a link with more channels than `room`
        // holds a frame of also returns 0, and must not pass for the end.
        if (n >= 0) {
            if (const LinkFormat now(*op_head(file_.get(), n > 0 ? link : -1)); now != first_) {
                policy_.format_change(now.describe(first_));
                state_.ended = true;
                return 0;
            }
        }
        if (n == 0) {
            state_.ended = true;
        } else if (n == OP_HOLE) {
            policy_.hole();
        } else if (n < 0) {
            policy_.broken(describe(n), state_.delivered > 0 || state_.seeked);
            state_.ended = true;
        } else {
            ogg::reorder(out, static_cast<size_t>(n), layout_);
        }
        return n;
    }

    std::unique_ptr<ByteSource> src_;
    ogg::CallbackSource io_;
    ogg::DamagePolicy policy_;
    std::unique_ptr<OggOpusFile, OpusFileDeleter> file_;  // after io_: freed before the source it reads
    LinkFormat first_;
    ogg::ChannelLayout layout_;
    DecoderInfo info_;
    ogg::StreamState state_;
};

}  // namespace

bool probe_opus(std::span<const uint8_t> head) { return ogg::first_packet_starts_with(head, "OpusHead"); }

std::unique_ptr<Decoder> open_opus(std::unique_ptr<ByteSource> src) {
    return std::make_unique<OpusDecoder>(std::move(src));
}

}  // namespace simvx::formats
