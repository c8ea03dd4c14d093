// FLAC and Ogg FLAC through libFLAC's stream decoder, reading from a ByteSource.
//
// libFLAC hands over one block at a time from its write callback; the block is
// kept in `pcm_` (interleaved, as decoded) and read()/read_int() drain it.
// Damage in the middle of a stream is handled like `flac -d -F`: libFLAC
// resynchronises (or outputs silence for a frame whose CRC fails) and we keep
// going with one warning. A stream that nothing can be decoded from is a
// DecodeError naming the file and what libFLAC said.
#include <FLAC/stream_decoder.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <exception>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "decode/formats.hpp"

namespace simvx::formats {
namespace {

bool has_magic(std::span<const uint8_t> b, std::string_view magic, size_t at = 0) {
    return b.size() >= at + magic.size() && std::memcmp(b.data() + at, magic.data(), magic.size()) == 0;
}

// Offset just past an ID3v2 tag at the start of `head` (0 when there is none).
// The size is syncsafe (7 bits per byte); a footer adds 10 bytes.
size_t skip_id3v2(std::span<const uint8_t> head) {
    if (!has_magic(head, "ID3") || head.size() < 10) return 0;
    if ((head[6] | head[7] | head[8] | head[9]) & 0x80) return 0;
    const size_t body = (size_t{head[6]} << 21) | (size_t{head[7]} << 14) | (size_t{head[8]} << 7) | head[9];
    const bool footer = (head[5] & 0x10) != 0;
    return 10 + body + (footer ? 10 : 0);
}

// libFLAC's enum names as words for messages: "FLAC__STREAM_DECODER_ERROR_STATUS_LOST_SYNC" -> "lost sync".
std::string plain(std::string name) {
    for (std::string_view prefix : {"FLAC__STREAM_DECODER_ERROR_STATUS_", "FLAC__STREAM_DECODER_"}) {
        if (name.rfind(prefix, 0) == 0) {
            name.erase(0, prefix.size());
            break;
        }
    }
    for (char& c : name) c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
}

// A block stuck for this many process calls without reading a byte means
// libFLAC is going nowhere: stop rather than spin.
constexpr int kMaxStalledCalls = 16;

class FlacDecoder final : public Decoder {
public:
    FlacDecoder(std::unique_ptr<ByteSource> src, bool ogg);

    const DecoderInfo& info() const override { return info_; }
    size_t read(std::span<float> out) override;
    bool can_read_int() const override { return true; }
    size_t read_int(std::span<int32_t> out) override;
    void seek(uint64_t frame) override;

private:
    // libFLAC's callbacks: static trampolines into the members below. None may
    // throw through libFLAC's C code, so I/O errors are parked in io_error_.
    static FLAC__StreamDecoderReadStatus on_read(const FLAC__StreamDecoder*, FLAC__byte buf[], size_t* n, void* self);
    static FLAC__StreamDecoderSeekStatus on_seek(const FLAC__StreamDecoder*, FLAC__uint64 to, void* self);
    static FLAC__StreamDecoderTellStatus on_tell(const FLAC__StreamDecoder*, FLAC__uint64* at, void* self);
    static FLAC__StreamDecoderLengthStatus on_length(const FLAC__StreamDecoder*, FLAC__uint64* len, void* self);
    static FLAC__bool on_eof(const FLAC__StreamDecoder*, void* self);
    static FLAC__StreamDecoderWriteStatus on_write(const FLAC__StreamDecoder*, const FLAC__Frame* frame,
                                                   const FLAC__int32* const channels[], void* self);
    static void on_metadata(const FLAC__StreamDecoder*, const FLAC__StreamMetadata* md, void* self);
    static void on_error(const FLAC__StreamDecoder*, FLAC__StreamDecoderErrorStatus status, void* self);

    FLAC__StreamDecoderWriteStatus write_block(const FLAC__FrameHeader& h, const FLAC__int32* const channels[]);
    void adopt_format(uint32_t rate, uint32_t channels, uint32_t bits);
    void read_metadata();
    bool fill();
    void finish(const std::string& why);
    void warn_damage_once();
    std::string damage_note() const { return first_damage_.empty() ? "" : " (libFLAC: " + first_damage_ + ")"; }
    std::string end_problem() const;
    void rethrow_io_error();
    [[noreturn]] void fail(const std::string& what) const { throw DecodeError(src_->name() + ": " + what); }

    template <class T, class Convert>
    size_t deliver(std::span<T> out, Convert convert);

    // Owned so that a constructor that throws still frees it.
    struct DecoderDeleter {
        void operator()(FLAC__StreamDecoder* d) const { FLAC__stream_decoder_delete(d); }
    };

    std::unique_ptr<ByteSource> src_;
    std::unique_ptr<FLAC__StreamDecoder, DecoderDeleter> owned_;
    FLAC__StreamDecoder* dec_ = nullptr;  // owned_.get(), for brevity in libFLAC calls
    DecoderInfo info_;
    bool have_format_ = false;          // from STREAMINFO, or else from the first frame
    std::vector<int32_t> pcm_;          // the current block, interleaved, right-justified as decoded
    size_t pos_ = 0;                    // next sample of pcm_ to deliver
    bool ended_ = false;
    uint64_t decoded_ = 0;              // frames decoded since open (tells a warning from an error)
    std::string format_change_;         // why the write callback refused a block
    uint64_t position_ = 0;             // frame just after the last decoded block
    std::string first_damage_;          // libFLAC's first complaint, for the one warning
    bool bad_metadata_ = false;         // libFLAC found a metadata block it could not trust
    bool warned_ = false;
    std::exception_ptr io_error_;
};

FlacDecoder::FlacDecoder(std::unique_ptr<ByteSource> src, bool ogg) : src_(std::move(src)) {
    info_.format = ogg ? "Ogg FLAC" : "FLAC";
    info_.lossless = true;
    owned_.reset(FLAC__stream_decoder_new());
    dec_ = owned_.get();
    if (!dec_) fail("out of memory creating the FLAC decoder");
    FLAC__stream_decoder_set_metadata_respond(dec_, FLAC__METADATA_TYPE_VORBIS_COMMENT);  // the ReplayGain tags
    const auto init = ogg ? FLAC__stream_decoder_init_ogg_stream : FLAC__stream_decoder_init_stream;
    const auto status =
        init(dec_, on_read, on_seek, on_tell, on_length, on_eof, on_write, on_metadata, on_error, this);
    if (status != FLAC__STREAM_DECODER_INIT_STATUS_OK)
        fail(std::string("cannot start the FLAC decoder: ") + FLAC__StreamDecoderInitStatusString[status]);
    read_metadata();
    // Decode the first block now: a file with no decodable audio is refused at
    // open, and a file without STREAMINFO learns its format from that block.
    if (!fill()) fail("no decodable FLAC audio" + damage_note());
}

void FlacDecoder::read_metadata() {
    const bool ok = FLAC__stream_decoder_process_until_end_of_metadata(dec_);
    rethrow_io_error();
    // Broken metadata leaves no trustworthy format: refuse the file, as `flac -d` does.
    if (!ok || bad_metadata_) {
        const std::string state = plain(FLAC__stream_decoder_get_resolved_state_string(dec_));
        fail("damaged FLAC metadata (libFLAC: " + (first_damage_.empty() ? state : first_damage_) + ")");
    }
}

void FlacDecoder::adopt_format(uint32_t rate, uint32_t channels, uint32_t bits) {
    if (rate == 0 || channels == 0 || channels > 8 || bits < 4 || bits > 32)
        fail("invalid FLAC format (" + std::to_string(rate) + " Hz, " + std::to_string(channels) + " channels, " +
             std::to_string(bits) + " bits)");
    info_.spec = AudioSpec{rate, channels};
    info_.bits = bits;
    have_format_ = true;
}

// --- libFLAC callbacks --------------------------------------------------------

FLAC__StreamDecoderReadStatus FlacDecoder::on_read(const FLAC__StreamDecoder*, FLAC__byte buf[], size_t* n,
                                                   void* self) {
    auto* d = static_cast<FlacDecoder*>(self);
    try {
        *n = d->src_->read(buf, *n);
        return *n ? FLAC__STREAM_DECODER_READ_STATUS_CONTINUE : FLAC__STREAM_DECODER_READ_STATUS_END_OF_STREAM;
    } catch (...) {
        d->io_error_ = std::current_exception();
        *n = 0;
        return FLAC__STREAM_DECODER_READ_STATUS_ABORT;
    }
}

FLAC__StreamDecoderSeekStatus FlacDecoder::on_seek(const FLAC__StreamDecoder*, FLAC__uint64 to, void* self) {
    auto& src = *static_cast<FlacDecoder*>(self)->src_;
    if (!src.seekable()) return FLAC__STREAM_DECODER_SEEK_STATUS_UNSUPPORTED;
    return src.seek(to) ? FLAC__STREAM_DECODER_SEEK_STATUS_OK : FLAC__STREAM_DECODER_SEEK_STATUS_ERROR;
}

FLAC__StreamDecoderTellStatus FlacDecoder::on_tell(const FLAC__StreamDecoder*, FLAC__uint64* at, void* self) {
    *at = static_cast<FlacDecoder*>(self)->src_->tell();
    return FLAC__STREAM_DECODER_TELL_STATUS_OK;
}

FLAC__StreamDecoderLengthStatus FlacDecoder::on_length(const FLAC__StreamDecoder*, FLAC__uint64* len, void* self) {
    const auto size = static_cast<FlacDecoder*>(self)->src_->size();
    if (!size) return FLAC__STREAM_DECODER_LENGTH_STATUS_UNSUPPORTED;
    *len = *size;
    return FLAC__STREAM_DECODER_LENGTH_STATUS_OK;
}

FLAC__bool FlacDecoder::on_eof(const FLAC__StreamDecoder*, void* self) {
    const auto& src = *static_cast<FlacDecoder*>(self)->src_;
    const auto size = src.size();
    return size && src.tell() >= *size;
}

FLAC__StreamDecoderWriteStatus FlacDecoder::on_write(const FLAC__StreamDecoder*, const FLAC__Frame* frame,
                                                     const FLAC__int32* const channels[], void* self) {
    return static_cast<FlacDecoder*>(self)->write_block(frame->header, channels);
}

void FlacDecoder::on_metadata(const FLAC__StreamDecoder*, const FLAC__StreamMetadata* md, void* self) {
    auto* d = static_cast<FlacDecoder*>(self);
    if (md->type == FLAC__METADATA_TYPE_VORBIS_COMMENT) {
        const auto& vc = md->data.vorbis_comment;
        for (FLAC__uint32 i = 0; i < vc.num_comments; ++i) {
            const auto& c = vc.comments[i];
            read_replaygain_comment({reinterpret_cast<const char*>(c.entry), c.length}, d->info_.gain);
        }
        return;
    }
    if (md->type != FLAC__METADATA_TYPE_STREAMINFO || d->have_format_) return;
    const auto& si = md->data.stream_info;
    // adopt_format throws on nonsense; park it like an I/O error so it does not cross libFLAC.
    try {
        d->adopt_format(si.sample_rate, si.channels, si.bits_per_sample);
        if (si.total_samples) d->info_.frames = si.total_samples;
    } catch (...) {
        d->io_error_ = std::current_exception();
    }
}

void FlacDecoder::on_error(const FLAC__StreamDecoder*, FLAC__StreamDecoderErrorStatus status, void* self) {
    auto* d = static_cast<FlacDecoder*>(self);
    if (status == FLAC__STREAM_DECODER_ERROR_STATUS_BAD_METADATA) d->bad_metadata_ = true;
    if (d->first_damage_.empty()) {
        d->first_damage_ = plain(FLAC__StreamDecoderErrorStatusString[status]) + " at frame " + std::to_string(d->position_);
    }
}

// -----------------------------------------------------------------------------

FLAC__StreamDecoderWriteStatus FlacDecoder::write_block(const FLAC__FrameHeader& h,
                                                        const FLAC__int32* const channels[]) {
    if (!have_format_) {
        try {
            adopt_format(h.sample_rate, h.channels, h.bits_per_sample);
        } catch (...) {
            io_error_ = std::current_exception();
            return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
        }
    }
    // Mixing formats would play garbage: stop at the first block that changes it.
    if (h.sample_rate != info_.spec.rate || h.channels != info_.spec.channels || h.bits_per_sample != info_.bits) {
        format_change_ = "the stream changes format at frame " + std::to_string(position_) + " (" +
                         std::to_string(info_.spec.rate) + " Hz " + std::to_string(info_.spec.channels) + " ch " +
                         std::to_string(info_.bits) + " bit, then " + std::to_string(h.sample_rate) + " Hz " +
                         std::to_string(h.channels) + " ch " + std::to_string(h.bits_per_sample) + " bit)";
        return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
    }
    const size_t ch = h.channels, n = h.blocksize, base = pcm_.size();
    pcm_.resize(base + n * ch);
    int32_t* out = pcm_.data() + base;
    for (size_t i = 0; i < n; ++i)
        for (size_t c = 0; c < ch; ++c) *out++ = channels[c][i];
    decoded_ += n;
    position_ += n;  // counted, not taken from headers: broken streams number blocks wrongly
    return FLAC__STREAM_DECODER_WRITE_STATUS_CONTINUE;
}

void FlacDecoder::rethrow_io_error() {
    if (io_error_) std::rethrow_exception(std::exchange(io_error_, nullptr));
}

void FlacDecoder::warn_damage_once() {
    if (warned_ || first_damage_.empty()) return;
    warned_ = true;
    log::warn(src_->name() + ": damaged FLAC data (libFLAC: " + first_damage_ + "); skipping what cannot be decoded");
}

// The end of the stream, normal or not. With audio already decoded a problem
// is a warning (the listener keeps what was there); otherwise open() refuses.
void FlacDecoder::finish(const std::string& why) {
    ended_ = true;
    if (why.empty()) return;
    if (decoded_ == 0) fail(why);
    log::warn(src_->name() + ": " + why + "; stopping there");
}

// What is wrong with reaching the end of the stream now, if anything.
std::string FlacDecoder::end_problem() const {
    if (decoded_ == 0) return "no decodable FLAC audio" + damage_note();
    // One warning per file: after a damage warning a short count is no news.
    if (info_.frames && position_ < *info_.frames && !warned_)
        return "the file ends at frame " + std::to_string(position_) + " of " + std::to_string(*info_.frames) +
               " (truncated?)";
    return {};
}

// Decodes until a block is buffered or the stream ends. Returns false at the end.
bool FlacDecoder::fill() {
    pcm_.clear();
    pos_ = 0;
    int stalled = 0;
    while (pcm_.empty() && !ended_) {
        const uint64_t before = src_->tell();
        const bool ok = FLAC__stream_decoder_process_single(dec_);
        rethrow_io_error();
        const auto state = FLAC__stream_decoder_get_state(dec_);
        if (!format_change_.empty()) {
            finish(std::exchange(format_change_, {}));
        } else if (!ok || state >= FLAC__STREAM_DECODER_OGG_ERROR) {
            finish("FLAC decoding failed (libFLAC: " + plain(FLAC__stream_decoder_get_resolved_state_string(dec_)) +
                   ")" + damage_note());
        } else if (state == FLAC__STREAM_DECODER_END_OF_STREAM) {
            finish(end_problem());
        } else if (pcm_.empty() && src_->tell() == before && ++stalled >= kMaxStalledCalls) {
            finish("the FLAC decoder stopped making progress");
        }
    }
    if (!pcm_.empty()) warn_damage_once();
    return !pcm_.empty();
}

template <class T, class Convert>
size_t FlacDecoder::deliver(std::span<T> out, Convert convert) {
    const size_t ch = info_.spec.channels;
    const size_t want = out.size() / ch * ch;
    size_t done = 0;
    while (done < want) {
        if (pos_ == pcm_.size() && !fill()) break;
        // pcm_ holds whole frames and want is whole frames, so n is too.
        const size_t n = std::min(want - done, pcm_.size() - pos_);
        std::transform(pcm_.begin() + static_cast<std::ptrdiff_t>(pos_),
                       pcm_.begin() + static_cast<std::ptrdiff_t>(pos_ + n), out.begin() + static_cast<std::ptrdiff_t>(done),
                       convert);
        pos_ += n;
        done += n;
    }
    return done / ch;
}

size_t FlacDecoder::read(std::span<float> out) {
    const float scale = 1.0f / static_cast<float>(uint64_t{1} << (info_.bits - 1));
    return deliver(out, [scale](int32_t v) { return static_cast<float>(v) * scale; });
}

size_t FlacDecoder::read_int(std::span<int32_t> out) {
    const unsigned shift = 32 - info_.bits;
    // Shift as unsigned: the bit pattern is what we want, and it keeps UBSan quiet.
    return deliver(out, [shift](int32_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v) << shift); });
}

void FlacDecoder::seek(uint64_t frame) {
    pcm_.clear();
    pos_ = 0;
    if (info_.frames && frame >= *info_.frames) {  // libFLAC refuses targets past the end
        ended_ = true;
        return;
    }
    // A decoder that stopped (aborted, failed seek) must be flushed before it seeks again.
    const auto state = FLAC__stream_decoder_get_state(dec_);
    if (state == FLAC__STREAM_DECODER_ABORTED || state == FLAC__STREAM_DECODER_SEEK_ERROR)
        FLAC__stream_decoder_flush(dec_);
    ended_ = false;
    format_change_.clear();
    position_ = frame;
    const bool ok = FLAC__stream_decoder_seek_absolute(dec_, frame);
    rethrow_io_error();
    if (!ok || !format_change_.empty()) {
        FLAC__stream_decoder_flush(dec_);
        pcm_.clear();
        ended_ = true;
        fail("cannot seek to frame " + std::to_string(frame) +
             (src_->seekable() ? " (libFLAC: " + plain(FLAC__stream_decoder_get_resolved_state_string(dec_)) + ")"
                               : " (the input is not seekable)"));
    }
}

}  // namespace

bool probe_flac(std::span<const uint8_t> head) {
    return has_magic(head, "fLaC", skip_id3v2(head));
}

std::unique_ptr<Decoder> open_flac(std::unique_ptr<ByteSource> src) {
    return std::make_unique<FlacDecoder>(std::move(src), false);
}

bool probe_ogg_flac(std::span<const uint8_t> head) {
    // The first packet of the first page starts after the 27-byte page header and its segment table.
    return has_magic(head, "OggS") && head.size() > 27 && has_magic(head, "\x7F" "FLAC", 27 + size_t{head[26]});
}

std::unique_ptr<Decoder> open_ogg_flac(std::unique_ptr<ByteSource> src) {
    return std::make_unique<FlacDecoder>(std::move(src), true);
}

}  // namespace simvx::formats
