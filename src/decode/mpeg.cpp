// MPEG audio layers I-III through libmpg123, reading from a ByteSource.
//
// Output is float at the stream's own rate and channel count, gapless (the
// encoder delay and padding that a LAME/Info tag announces are removed, as
// `mpg123 -w` does). A stream that switches sample rate or channel count
// half-way stops there with a warning instead of changing under the mixer. Frames are decoded one at a time into `pcm_`,
// which also lets us notice bytes mpg123 skipped to resynchronise (damage).
#include <mpg123.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "decode/formats.hpp"
#include "decode/id3_rva2.hpp"

namespace simvx::formats {
namespace {

// --- Sniffing ------------------------------------------------------------------

// Offset just past the ID3v2 tag at `at` (`at` itself when there is none).
// The size is syncsafe (7 bits per byte); a footer adds 10 bytes.
size_t skip_one_id3v2(std::span<const uint8_t> head, size_t at) {
    if (head.size() < at + 10 || std::memcmp(head.data() + at, "ID3", 3) != 0) return at;
    const uint8_t* h = head.data() + at;
    if ((h[6] | h[7] | h[8] | h[9]) & 0x80) return at;
    const size_t body = (size_t{h[6]} << 21) | (size_t{h[7]} << 14) | (size_t{h[8]} << 7) | h[9];
    const bool footer = (h[5] & 0x10) != 0;
    return at + 10 + body + (footer ? 10 : 0);
}

// The fields of a 4-byte MPEG audio frame header that sniffing needs (ISO 11172-3 / 13818-3).
struct FrameHeader {
    int layer = 0;          // 1..3
    size_t length = 0;      // bytes including the header; 0 for free format
    uint32_t stream = 0;    // what stays the same from frame to frame of one stream

    bool free_format() const { return length == 0; }
    size_t slot() const { return layer == 1 ? 4 : 1; }  // what padding adds
};

std::optional<FrameHeader> parse_header(std::span<const uint8_t> b, size_t at) {
    if (at + 4 > b.size()) return std::nullopt;
    const uint32_t h = (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) | b[at + 3];
    if ((h >> 21) != 0x7FF) return std::nullopt;  // 11 sync bits
    const uint32_t ver_bits = (h >> 19) & 3, layer_bits = (h >> 17) & 3;
    const uint32_t br_index = (h >> 12) & 15, rate_index = (h >> 10) & 3, padding = (h >> 9) & 1;
    const uint32_t mode = (h >> 6) & 3, emphasis = h & 3;
    if (ver_bits == 1 || layer_bits == 0 || br_index == 15 || rate_index == 3 || emphasis == 2) return std::nullopt;

    static constexpr std::array<std::array<uint16_t, 15>, 5> kKbps = {{
        {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},  // MPEG-1 layer I
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},     // MPEG-1 layer II
        {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},      // MPEG-1 layer III
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},     // MPEG-2/2.5 layer I
        {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},          // MPEG-2/2.5 layers II, III
    }};
    static constexpr std::array<uint32_t, 3> kMpeg1Rates = {44100, 48000, 32000};

    FrameHeader f;
    const int version = ver_bits == 3 ? 0 : ver_bits == 2 ? 1 : 2;  // MPEG-1, 2, 2.5
    f.layer = 4 - static_cast<int>(layer_bits);
    const uint32_t rate = kMpeg1Rates[rate_index] >> version;
    const size_t table = version == 0 ? static_cast<size_t>(f.layer - 1) : f.layer == 1 ? 3 : 4;
    const size_t bps = size_t{kKbps[table][br_index]} * 1000;
    if (bps) {
        if (f.layer == 1)
            f.length = (12 * bps / rate + padding) * 4;
        else
            f.length = (f.layer == 3 && version != 0 ? 72 : 144) * bps / rate + padding;
    }
    // Sync, version, layer and sample rate; whether it is mono; whether it is
    // free format. Bit rate (VBR), padding and stereo/joint stereo may change.
    f.stream = (h & 0xFFFE0C00u) | (mode == 3 ? 0x40u : 0u) | (bps == 0 ? 1u : 0u);
    return f;
}

// Free-format frames do not say their length: the first two headers of the
// stream give it, and the later frames keep it (give or take the padding).
constexpr size_t kMaxFreeFormatFrame = 8192;
constexpr size_t kMinFreeFormatFrame = 24;  // header and the smallest side info

// Trailing tags that may follow the last frame.
bool at_trailing_tag(std::span<const uint8_t> b, size_t at) {
    auto is = [&](std::string_view tag) {
        return b.size() >= at + tag.size() && std::memcmp(b.data() + at, tag.data(), tag.size()) == 0;
    };
    return is("TAG") || is("APETAGEX") || is("ID3") || is("LYRICS");
}

// The frames that follow each other from `at`, each where the one before says
// it ends, all of one stream (up to `enough`). `ended` says the chain ran into
// the end of the whole input or a trailing tag rather than into other bytes.
struct Chain {
    int frames = 0;
    bool ended = false;
};

Chain follow_chain(std::span<const uint8_t> b, size_t at, bool whole_input, int enough) {
    Chain c;
    const auto first = parse_header(b, at);
    if (!first) return c;
    c.frames = 1;
    size_t free_length = 0;
    if (first->free_format()) {
        const size_t end = std::min(b.size(), at + kMaxFreeFormatFrame);
        for (size_t next = at + kMinFreeFormatFrame; next + 4 <= end && !free_length; ++next) {
            const auto h = parse_header(b, next);
            if (h && h->stream == first->stream) free_length = next - at;
        }
        if (!free_length) {
            c.ended = whole_input && end == b.size();
            return c;
        }
    }
    size_t pos = at;
    while (c.frames < enough) {
        const auto here = parse_header(b, pos);
        // Free format: the next frame is as long as the first, or one padding slot shorter or longer.
        const size_t lengths[3] = {here->free_format() ? free_length : here->length, free_length - here->slot(),
                                   free_length + here->slot()};
        const size_t tries = here->free_format() ? 3 : 1;
        std::optional<size_t> next;
        for (size_t i = 0; i < tries && !next; ++i) {
            const size_t cand = pos + lengths[i];
            if ((whole_input && cand >= b.size()) || at_trailing_tag(b, cand)) {
                c.ended = true;
                return c;
            }
            const auto h = parse_header(b, cand);
            if (h && h->stream == first->stream) next = cand;
        }
        if (!next) return c;
        pos = *next;
        ++c.frames;
    }
    return c;
}

// How much evidence makes a stream (see probe_mpeg).
constexpr size_t kNearStart = 256;     // junk this short before the first frame is "at the start"
constexpr int kFramesNearStart = 2;
constexpr int kFramesAfterJunk = 4;
constexpr int kFramesAfterJunkToEnd = 3;

// --- Decoder ---------------------------------------------------------------------

// The output is always this encoding; the rate and channels are the stream's.
constexpr int kEncoding = MPG123_ENC_FLOAT_32;
// mpg123 gives up resynchronising after this many bytes of garbage (its own
// default, kept explicit: `mpg123 -w`, the reference for the corpus, uses it).
constexpr long kResyncLimit = 1024;
// Decode calls in a row that neither output audio nor read input before we call it stuck.
constexpr int kMaxStalledCalls = 64;

void init_library_once() {
    static std::once_flag once;
    std::call_once(once, [] { mpg123_init(); });
}

class MpegDecoder final : public Decoder {
public:
    explicit MpegDecoder(std::unique_ptr<ByteSource> src);

    const DecoderInfo& info() const override { return info_; }
    size_t read(std::span<float> out) override;
    void seek(uint64_t frame) override;

private:
    // libmpg123's reader callbacks (POSIX read/lseek shaped). Exceptions must
    // not cross its C code, so they are parked in io_error_.
    static mpg123_ssize_t on_read(void* self, void* buf, size_t n);
    static off_t on_seek(void* self, off_t offset, int whence);

    void configure();
    void open_stream();
    bool adopt_format();
    void measure_length();
    void read_gain_tags();
    void format_changed();
    bool fill();
    void take_frame(const unsigned char* audio, size_t bytes);
    void note_skipped_bytes();
    void finish(const std::string& why);
    void rethrow_io_error();
    std::string last_error() const { return mpg123_strerror(mh_); }
    [[noreturn]] void fail(const std::string& what) const { throw DecodeError(src_->name() + ": " + what); }

    // Owned so that a constructor that throws still frees it.
    struct HandleDeleter {
        void operator()(mpg123_handle* h) const { mpg123_delete(h); }
    };

    std::unique_ptr<ByteSource> src_;
    std::unique_ptr<mpg123_handle, HandleDeleter> owned_;
    mpg123_handle* mh_ = nullptr;  // owned_.get(), for brevity in libmpg123 calls
    DecoderInfo info_;
    std::vector<float> pcm_;         // the current MPEG frame, interleaved
    size_t pos_ = 0;                 // next sample of pcm_ to deliver
    bool ended_ = false;
    uint64_t decoded_ = 0;           // frames decoded since open (tells a warning from an error)
    off_t expected_pos_ = -1;        // where the next frame starts if nothing is skipped; -1 unknown
    bool warned_ = false;
    std::exception_ptr io_error_;
};

MpegDecoder::MpegDecoder(std::unique_ptr<ByteSource> src) : src_(std::move(src)) {
    init_library_once();
    int err = MPG123_OK;
    owned_.reset(mpg123_new(nullptr, &err));
    mh_ = owned_.get();
    if (!mh_) fail(std::string("cannot start the MPEG decoder: ") + mpg123_plain_strerror(err));
    configure();
    open_stream();
    measure_length();
    // Decode the first frame now so a file with no decodable audio is refused at open.
    if (!fill()) fail("no MPEG audio frames found");
    read_gain_tags();
}

// ReplayGain as ID3v2 TXXX frames (REPLAYGAIN_TRACK_GAIN and the like, as
// foobar2000, mp3gain's ID3 mode and ffmpeg write them), else as RVA2 frames
// (decode/id3_rva2.hpp). mpg123 parsed the tag while finding the first frame
// and kept its bytes (MPG123_STORE_RAW_ID3); it never applies it
// (MPG123_RVA_OFF).
// A TXXX gain wins over an RVA2 one of the same kind: TXXX is ReplayGain's
// own form, measured against its stated reference (-18 LUFS), and the one
// taggers rewrite today; RVA2 names no reference level, and a file tagged
// both ways by tools years apart most likely has the older value there.
void MpegDecoder::read_gain_tags() {
    if (!(mpg123_meta_check(mh_) & MPG123_ID3)) return;
    GainTags txxx, rva2;
    mpg123_id3v1* v1 = nullptr;
    mpg123_id3v2* v2 = nullptr;
    if (mpg123_id3(mh_, &v1, &v2) == MPG123_OK && v2) {
        const auto text = [](const mpg123_string& s) {
            return s.p && s.fill ? std::string_view(s.p, s.fill - 1) : std::string_view();  // fill counts the NUL
        };
        for (size_t i = 0; i < v2->extras; ++i)
            read_replaygain_field(text(v2->extra[i].description), text(v2->extra[i].text), txxx);
    }
    unsigned char *raw_v1 = nullptr, *raw_v2 = nullptr;
    size_t v1_size = 0, v2_size = 0;
    if (mpg123_id3_raw(mh_, &raw_v1, &v1_size, &raw_v2, &v2_size) == MPG123_OK && raw_v2)
        read_id3v2_rva2(std::span<const uint8_t>(raw_v2, v2_size), rva2);
    GainTags& g = info_.gain;
    const GainTags& track = txxx.track_gain_db ? txxx : rva2;
    const GainTags& album = txxx.album_gain_db ? txxx : rva2;
    g.track_gain_db = track.track_gain_db;
    g.track_peak = track.track_peak;
    g.album_gain_db = album.album_gain_db;
    g.album_peak = album.album_peak;
}

// MPEG audio has no reliable length field (a Xing/LAME tag is optional, and
// the bit rate may vary), so a seekable input is scanned once, frame header
// to frame header without decoding, for the exact sample count (gapless: less
// the encoder delay and padding a LAME tag declares). With a length, a long
// file can stream from disk instead of being decoded into memory.
void MpegDecoder::measure_length() {
    if (!src_->seekable()) return;
    const int rc = mpg123_scan(mh_);
    rethrow_io_error();
    if (rc != MPG123_OK) return;
    const off_t samples = mpg123_length(mh_);
    // Back to the first sample, as if nothing had been read (the scan moved the reader).
    if (mpg123_seek(mh_, 0, SEEK_SET) != 0) fail("cannot return to the start after measuring the length: " + last_error());
    rethrow_io_error();
    if (samples > 0) info_.frames = static_cast<uint64_t>(samples);
}

void MpegDecoder::configure() {
    // Quiet: problems reach the user through log::warn, not libmpg123's stderr.
    // No resampling: every native rate is allowed, so a change of rate or
    // channels shows as MPG123_NEW_FORMAT, where we stop (format_changed).
    mpg123_param(mh_, MPG123_ADD_FLAGS, MPG123_QUIET | MPG123_GAPLESS | MPG123_STORE_RAW_ID3, 0);
    mpg123_param(mh_, MPG123_REMOVE_FLAGS, MPG123_AUTO_RESAMPLE, 0);
    mpg123_param(mh_, MPG123_RESYNC_LIMIT, kResyncLimit, 0);
    mpg123_param(mh_, MPG123_RVA, MPG123_RVA_OFF, 0);  // ReplayGain is ours to apply (--replaygain)
    mpg123_format_none(mh_);
    const long* rates = nullptr;
    size_t count = 0;
    mpg123_rates(&rates, &count);
    for (size_t i = 0; i < count; ++i) mpg123_format(mh_, rates[i], MPG123_MONO | MPG123_STEREO, kEncoding);
    if (mpg123_replace_reader_handle(mh_, on_read, on_seek, nullptr) != MPG123_OK)
        fail("cannot attach the input to the MPEG decoder: " + last_error());
}

void MpegDecoder::open_stream() {
    if (mpg123_open_handle(mh_, this) != MPG123_OK) {
        rethrow_io_error();
        fail("cannot open MPEG stream: " + last_error());
    }
    if (!adopt_format()) fail("no MPEG audio frames found");
}

// Takes the output format mpg123 chose for the current frame (its native rate
// and channels). False when there is none.
bool MpegDecoder::adopt_format() {
    long rate = 0;
    int channels = 0, encoding = 0;
    const int rc = mpg123_getformat(mh_, &rate, &channels, &encoding);
    rethrow_io_error();
    if (rc != MPG123_OK || rate <= 0 || channels < 1 || channels > 2) return false;
    info_.spec = AudioSpec{static_cast<uint32_t>(rate), static_cast<uint32_t>(channels)};

    mpg123_frameinfo2 fi{};
    mpg123_info2(mh_, &fi);
    static constexpr const char* kVersions[] = {"MPEG-1", "MPEG-2", "MPEG-2.5"};
    static constexpr const char* kLayers[] = {"I", "II", "III"};
    const bool known = fi.version >= 0 && fi.version <= 2 && fi.layer >= 1 && fi.layer <= 3;
    info_.format = known ? std::string(kVersions[fi.version]) + " Layer " + kLayers[fi.layer - 1] : "MPEG audio";
    return true;
}

// A new output format once audio has been delivered would change the stream
// under the mixer: stop there. Before that, it just corrects what open() saw.
void MpegDecoder::format_changed() {
    const AudioSpec before = info_.spec;
    if (decoded_ == 0) {
        if (!adopt_format()) finish("no MPEG audio frames found");
        return;
    }
    long rate = 0;
    int channels = 0, encoding = 0;
    mpg123_getformat(mh_, &rate, &channels, &encoding);
    if (rate == before.rate && channels == static_cast<int>(before.channels)) return;
    finish("the MPEG stream changes format after " + std::to_string(decoded_) + " frames (" +
           std::to_string(before.rate) + " Hz " + std::to_string(before.channels) + " ch, then " + std::to_string(rate) +
           " Hz " + std::to_string(channels) + " ch)");
}

// --- libmpg123 reader callbacks ----------------------------------------------------

mpg123_ssize_t MpegDecoder::on_read(void* self, void* buf, size_t n) {
    auto* d = static_cast<MpegDecoder*>(self);
    try {
        return static_cast<mpg123_ssize_t>(d->src_->read(buf, n));
    } catch (...) {
        d->io_error_ = std::current_exception();
        return -1;
    }
}

off_t MpegDecoder::on_seek(void* self, off_t offset, int whence) {
    auto& src = *static_cast<MpegDecoder*>(self)->src_;
    if (!src.seekable()) return -1;
    off_t base = 0;
    if (whence == SEEK_CUR) {
        base = static_cast<off_t>(src.tell());
    } else if (whence == SEEK_END) {
        if (!src.size()) return -1;
        base = static_cast<off_t>(*src.size());
    } else if (whence != SEEK_SET) {
        return -1;
    }
    const off_t target = base + offset;
    if (target < 0 || !src.seek(static_cast<uint64_t>(target))) return -1;
    return target;
}

// -----------------------------------------------------------------------------------

void MpegDecoder::rethrow_io_error() {
    if (io_error_) std::rethrow_exception(std::exchange(io_error_, nullptr));
}

// The end of the stream, normal or not. With audio already decoded a problem
// is a warning (the listener keeps what was there); otherwise open() refuses.
void MpegDecoder::finish(const std::string& why) {
    ended_ = true;
    if (why.empty()) return;
    if (decoded_ == 0) fail(why);
    log::warn(src_->name() + ": " + why + "; stopping there");
}

// mpg123 resynchronises silently over damage; a frame that does not start
// where the previous one ended shows that it did. One warning per file.
void MpegDecoder::note_skipped_bytes() {
    mpg123_frameinfo2 fi{};
    const off_t at = mpg123_framepos(mh_);
    if (mpg123_info2(mh_, &fi) != MPG123_OK || at < 0) {
        expected_pos_ = -1;
        return;
    }
    if (expected_pos_ >= 0 && at > expected_pos_ && !warned_) {
        warned_ = true;
        log::warn(src_->name() + ": damaged MPEG audio: skipped " + std::to_string(at - expected_pos_) +
                  " bytes at offset " + std::to_string(expected_pos_) + " to find the next frame");
    }
    expected_pos_ = at + fi.framesize;
}

void MpegDecoder::take_frame(const unsigned char* audio, size_t bytes) {
    const size_t samples = bytes / sizeof(float);
    pcm_.resize(samples);
    if (samples) std::memcpy(pcm_.data(), audio, samples * sizeof(float));
    decoded_ += samples / info_.spec.channels;
}

// Decodes MPEG frames until one yields audio or the stream ends. Returns false at the end.
bool MpegDecoder::fill() {
    pcm_.clear();
    pos_ = 0;
    int stalled = 0;
    while (pcm_.empty() && !ended_) {
        const uint64_t before = src_->tell();
        off_t num = 0;
        unsigned char* audio = nullptr;
        size_t bytes = 0;
        const int rc = mpg123_decode_frame(mh_, &num, &audio, &bytes);
        rethrow_io_error();
        if (rc == MPG123_OK) {
            note_skipped_bytes();
            take_frame(audio, bytes);
        } else if (rc == MPG123_NEW_FORMAT) {
            format_changed();
        } else if (rc == MPG123_DONE) {
            finish({});
        } else {
            finish("MPEG decoding failed: " + last_error());
        }
        if (pcm_.empty() && src_->tell() == before && ++stalled >= kMaxStalledCalls)
            finish("the MPEG decoder stopped making progress");
    }
    return !pcm_.empty();
}

size_t MpegDecoder::read(std::span<float> out) {
    const size_t ch = info_.spec.channels;
    const size_t want = out.size() / ch * ch;
    size_t done = 0;
    while (done < want) {
        if (pos_ == pcm_.size() && !fill()) break;
        const size_t n = std::min(want - done, pcm_.size() - pos_);
        std::copy_n(pcm_.begin() + static_cast<std::ptrdiff_t>(pos_), n, out.begin() + static_cast<std::ptrdiff_t>(done));
        pos_ += n;
        done += n;
    }
    return done / ch;
}

void MpegDecoder::seek(uint64_t frame) {
    pcm_.clear();
    pos_ = 0;
    expected_pos_ = -1;
    const off_t at = mpg123_seek(mh_, static_cast<off_t>(frame), SEEK_SET);
    rethrow_io_error();
    if (at < 0)
        fail("cannot seek to frame " + std::to_string(frame) +
             (src_->seekable() ? ": " + last_error() : std::string(" (the input is not seekable)")));
    ended_ = false;
}

}  // namespace

size_t id3v2_end(std::span<const uint8_t> head) {
    size_t at = 0;
    // Some files carry several tags in a row; each may be followed by the next.
    for (size_t next = skip_one_id3v2(head, 0); next != at; next = skip_one_id3v2(head, at)) at = next;
    return at;
}

// Chance sync words are everywhere in binary data (0xFFFF is -1; 0xFFFE and
// 0xFFFF are also Layer I headers), so one header proves nothing: a stream is
// several frames in a row, each header where the previous frame's length says,
// all of one version, layer, sample rate and channel mode (as ffmpeg's and
// libmagic's probes demand). Real files start with a frame after their ID3v2
// tags, or after a little junk (a stray tag footer, padding); two frames in a
// row there are enough, which keeps damaged and cut test streams playable.
// Further in, where executables and tables hold chance headers, it takes four
// (three when they run into the end of the file), and Layer I and free format,
// whose headers such data imitates best, are not looked for at all.
bool probe_mpeg(std::span<const uint8_t> head) {
    const size_t start = id3v2_end(head);
    // A tag longer than the head hides what follows: the registry probes past it.
    if (start >= head.size()) return false;
    const bool whole_input = head.size() < kProbeBytes;
    for (size_t at = start; at + 4 <= head.size(); ++at) {
        if (head[at] != 0xFF) continue;
        const auto h = parse_header(head, at);
        if (!h) continue;
        const size_t junk = at - start;
        if (junk <= kNearStart) {
            const Chain c = follow_chain(head, at, whole_input, kFramesNearStart);
            // A whole input of one frame (a cut or tiny file) counts when it starts right there.
            if (c.frames >= kFramesNearStart || (c.ended && junk == 0)) return true;
            continue;
        }
        if (h->layer == 1 || h->free_format()) continue;
        const Chain c = follow_chain(head, at, whole_input, kFramesAfterJunk);
        if (c.frames >= kFramesAfterJunk || (c.ended && c.frames >= kFramesAfterJunkToEnd)) return true;
    }
    return false;
}

std::unique_ptr<Decoder> open_mpeg(std::unique_ptr<ByteSource> src) {
    return std::make_unique<MpegDecoder>(std::move(src));
}

}  // namespace simvx::formats
