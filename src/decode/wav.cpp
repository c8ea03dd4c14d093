// WAV decoder: RIFF/WAVE, RF64/BW64 (64-bit sizes from the ds64 chunk) and
// RIFX (big-endian RIFF). Linear PCM in 1-, 2-, 3-, 4- and 8-byte containers
// and IEEE float 32/64, plain or WAVE_FORMAT_EXTENSIBLE.
//
// Every header field is untrusted: sizes only ever bound reads, never size an
// allocation, and the chunk walk advances at least 8 bytes per step, so it ends.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/speakers.hpp"
#include "decode/formats.hpp"

namespace simvx::formats {
namespace {

constexpr uint16_t kTagPcm = 0x0001;
constexpr uint16_t kTagFloat = 0x0003;
constexpr uint16_t kTagExtensible = 0xFFFE;
constexpr uint32_t kMaxRate = 768000;
constexpr uint32_t kSizeUnknown = 0xFFFFFFFF;  // "until the end" / "see ds64"
constexpr size_t kBlockBytes = 64 * 1024;      // raw bytes read per step
constexpr size_t kFmtBytesUsed = 40;           // WAVE_FORMAT_EXTENSIBLE is the longest we read

enum class Container { riff, rifx, rf64 };

bool has_id(const uint8_t* p, const char* id) { return std::memcmp(p, id, 4) == 0; }

// Little- or big-endian field access (RIFX stores every number big-endian).
struct Endian {
    bool big = false;
    uint32_t u16(const uint8_t* p) const {
        return big ? (uint32_t{p[0]} << 8 | p[1]) : (uint32_t{p[1]} << 8 | p[0]);
    }
    uint32_t u32(const uint8_t* p) const {
        return big ? (u16(p) << 16 | u16(p + 2)) : (u16(p + 2) << 16 | u16(p));
    }
    uint64_t u64(const uint8_t* p) const {
        return big ? (uint64_t{u32(p)} << 32 | u32(p + 4)) : (uint64_t{u32(p + 4)} << 32 | u32(p));
    }
};

std::string hex16(uint32_t v) {
    char s[8];
    std::snprintf(s, sizeof s, "0x%04X", v & 0xFFFF);
    return s;
}

// Names of the non-PCM codecs people actually meet inside WAV files.
const char* tag_name(uint32_t tag) {
    switch (tag) {
        case 0x0000: return "unknown";
        case 0x0002: return "MS ADPCM";
        case 0x0006: return "A-law";
        case 0x0007: return "\xC2\xB5-law";
        case 0x0011: return "IMA ADPCM";
        case 0x0022: return "TrueSpeech";
        case 0x0031: return "GSM 6.10";
        case 0x0040: return "G.721 ADPCM";
        case 0x0050: return "MPEG audio";
        case 0x0055: return "MPEG Layer III";
        case 0x0092: return "AC-3 over S/PDIF";
        case 0x00FF: return "AAC";
        case 0x0160: case 0x0161: case 0x0162: case 0x0163: return "Windows Media Audio";
        case 0x1610: return "AAC (ADTS)";
        case 0x2000: return "AC-3";
        case 0x2001: return "DTS";
        case 0xF1AC: return "FLAC";
        default: return "an unknown codec";
    }
}

// A codec the native reader does not decode (ADPCM, mu-law, GSM...): the
// registry hands such a file to the FFmpeg fallback instead.
struct ForeignCodec : DecodeError {
    using DecodeError::DecodeError;
};

[[noreturn]] void unsupported_tag(const std::string& name, uint32_t tag, bool via_extensible) {
    std::string what = via_extensible ? "WAVE_FORMAT_EXTENSIBLE subformat " : "WAV format tag ";
    throw ForeignCodec(name + ": " + what + hex16(tag) + " (" + tag_name(tag) + ") is not supported");
}

// How the samples are stored, as derived from the fmt chunk.
struct SampleFormat {
    bool is_float = false;
    uint32_t channels = 0;
    uint32_t rate = 0;
    uint32_t container = 0;   // bytes per sample: 1, 2, 3, 4 or 8
    uint32_t valid_bits = 0;  // significant bits of integer samples (the top ones of the container)
    uint32_t block_align = 0; // bytes per frame
    uint32_t channel_mask = 0;
};

// The extensible subformat GUID is {tag}-0000-0010-8000-00AA00389B71.
bool is_ksdataformat_guid(const uint8_t* guid) {
    static constexpr uint8_t tail[12] = {0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    return std::memcmp(guid + 4, tail, sizeof tail) == 0;
}

// Keeps a channel mask only when it describes exactly the channels present;
// otherwise the default layout for the channel count applies.
uint32_t usable_mask(uint32_t mask, uint32_t channels) {
    constexpr uint32_t kKnownSpeakers = 0x3FFFF;
    if (mask & ~kKnownSpeakers) return 0;
    return std::popcount(mask) == static_cast<int>(channels) ? mask : 0;
}

// Container size and valid bits. Writers disagree on what wBitsPerSample and
// nBlockAlign mean for padded samples (24 bits in 4 bytes), and some leave
// nBlockAlign wrong or zero, so the block alignment is trusted only when it is
// a whole, plausible container per channel.
void derive_layout(SampleFormat& f, uint32_t header_bits, uint32_t block_align, uint32_t ext_valid_bits,
                   const std::string& name) {
    uint32_t bits = header_bits;
    if (bits == 0 && block_align % f.channels == 0) bits = block_align / f.channels * 8;  // 14-byte WAVEFORMAT
    if (bits == 0) throw DecodeError(name + ": WAV fmt chunk gives no sample size");
    if (f.is_float) {
        if (bits != 32 && bits != 64)
            throw DecodeError(name + ": WAV float samples of " + std::to_string(bits) + " bits are not supported");
        f.container = bits / 8;
    } else {
        const uint32_t min_container = (bits + 7) / 8;
        const uint32_t per_channel = block_align / f.channels;
        const bool align_plausible = block_align % f.channels == 0 && per_channel >= min_container && per_channel <= 8;
        f.container = align_plausible ? per_channel : min_container;
        const uint32_t valid = ext_valid_bits ? ext_valid_bits : bits;
        f.valid_bits = std::min(valid, f.container * 8);
        if (f.container > 4 && f.container != 8)
            throw DecodeError(name + ": WAV integer samples of " + std::to_string(bits) + " bits in " +
                              std::to_string(f.container) + "-byte containers are not supported");
    }
    f.block_align = f.container * f.channels;
}

// Interprets the fmt chunk (its first kFmtBytesUsed bytes at most).
SampleFormat parse_fmt(std::span<const uint8_t> b, Endian e, const std::string& name) {
    if (b.size() < 14)
        throw DecodeError(name + ": WAV fmt chunk is " + std::to_string(b.size()) + " bytes, too short to describe audio");
    uint32_t tag = e.u16(&b[0]);
    SampleFormat f;
    f.channels = e.u16(&b[2]);
    f.rate = e.u32(&b[4]);
    const uint32_t block_align = e.u16(&b[12]);
    const uint32_t bits = b.size() >= 16 ? e.u16(&b[14]) : 0;
    uint32_t valid_bits = 0;
    const bool extensible = tag == kTagExtensible;
    if (extensible) {
        if (e.big) throw DecodeError(name + ": big-endian (RIFX) WAVE_FORMAT_EXTENSIBLE files are not supported");
        if (b.size() < 40)
            throw DecodeError(name + ": WAVE_FORMAT_EXTENSIBLE fmt chunk is " + std::to_string(b.size()) +
                              " bytes, too short (needs 40)");
        valid_bits = e.u16(&b[18]);
        f.channel_mask = e.u32(&b[20]);
        tag = e.u32(&b[24]);
        if (!is_ksdataformat_guid(&b[24]))
            throw DecodeError(name + ": WAVE_FORMAT_EXTENSIBLE with a non-standard subformat GUID is not supported");
    }
    if (tag != kTagPcm && tag != kTagFloat) unsupported_tag(name, tag, extensible);
    f.is_float = tag == kTagFloat;
    if (f.channels == 0) throw DecodeError(name + ": WAV fmt chunk says 0 channels");
    if (f.channels > speaker::kMaxChannels)
        throw DecodeError(name + ": WAV file has " + std::to_string(f.channels) + " channels; simvxplay plays at most " +
                          std::to_string(speaker::kMaxChannels));
    if (f.rate == 0 || f.rate > kMaxRate)
        throw DecodeError(name + ": WAV sample rate " + std::to_string(f.rate) + " Hz is out of range (1.." +
                          std::to_string(kMaxRate) + ")");
    f.channel_mask = usable_mask(f.channel_mask, f.channels);
    derive_layout(f, bits, block_align, valid_bits, name);
    return f;
}

// Everything the chunk walk learns.
struct Layout {
    Container kind = Container::riff;
    SampleFormat fmt;
    uint64_t data_offset = 0;
    std::optional<uint64_t> data_bytes;  // nullopt: until the end of the input
    bool warned_short = false;
};

// Walks the chunks up to the data chunk and leaves the source positioned at it.
class HeaderReader {
public:
    explicit HeaderReader(ByteSource& src) : src_(src), name_(src.name()) {}

    Layout read() {
        read_riff_header();
        while (!(fmt_ && data_offset_)) {
            uint8_t h[8];
            if (src_.read(h, 8) < 8) break;
            if (!chunk(h, e_.u32(h + 4))) break;
        }
        if (!fmt_) throw DecodeError(name_ + ": WAV file has no fmt chunk (no audio format)");
        if (!data_offset_) throw DecodeError(name_ + ": WAV file has no data chunk (no audio)");
        if (src_.tell() != *data_offset_ && !src_.seek(*data_offset_))
            throw DecodeError(name_ + ": cannot seek back to the WAV data chunk");
        Layout l;
        l.kind = kind_;
        l.fmt = *fmt_;
        l.data_offset = *data_offset_;
        l.data_bytes = data_bytes_;
        clamp_to_file(l);
        return l;
    }

    // Only as far as the fmt chunk (which throws ForeignCodec for a codec
    // other than PCM): nothing about the data is checked or warned about.
    void read_format() {
        read_riff_header();
        while (!fmt_) {
            uint8_t h[8];
            if (src_.read(h, 8) < 8) break;
            if (!chunk(h, e_.u32(h + 4))) break;
        }
    }

private:
    void read_riff_header() {
        uint8_t h[12];
        if (src_.read(h, 12) < 12 || !has_id(h + 8, "WAVE")) throw DecodeError(name_ + ": not a RIFF WAVE file");
        if (has_id(h, "RIFX")) {
            kind_ = Container::rifx;
            e_.big = true;
        } else if (has_id(h, "RF64") || has_id(h, "BW64")) {
            kind_ = Container::rf64;
        }
        riff_size_ = e_.u32(h + 4);
    }

    // Handles one chunk whose 8-byte header was just read; false ends the walk.
    bool chunk(const uint8_t* h, uint32_t size) {
        const uint64_t padded = uint64_t{size} + (size & 1);
        if (has_id(h, "fmt ")) return read_fmt(size, padded);
        if (has_id(h, "ds64") && kind_ == Container::rf64) return read_ds64(size, padded);
        if (has_id(h, "data")) return found_data(size);
        return skip(padded);
    }

    bool read_fmt(uint32_t size, uint64_t padded) {
        std::array<uint8_t, kFmtBytesUsed> b{};
        const size_t want = std::min<size_t>(size, b.size());
        const size_t got = src_.read(b.data(), want);
        if (got < want) throw DecodeError(name_ + ": WAV fmt chunk is cut short by the end of the file");
        if (!fmt_) fmt_ = parse_fmt(std::span(b.data(), got), e_, name_);
        return skip(padded - got);
    }

    bool read_ds64(uint32_t size, uint64_t padded) {
        uint8_t b[24];
        const size_t want = std::min<size_t>(size, sizeof b);
        const size_t got = src_.read(b, want);
        if (got >= 16) ds64_data_size_ = e_.u64(b + 8);
        return skip(padded - got);
    }

    // A data chunk: remembered; the walk goes on past it only to find a later fmt.
    bool found_data(uint32_t size) {
        if (data_offset_) return skip(uint64_t{size} + (size & 1));  // a second data chunk: the first one wins
        data_offset_ = src_.tell();
        data_bytes_ = declared_data_size(size);
        if (fmt_) return false;
        if (!src_.seekable())
            throw DecodeError(name_ + ": the WAV data chunk comes before the fmt chunk, which needs a seekable file");
        if (!data_bytes_) return false;  // runs to the end: no fmt can follow
        return skip(*data_bytes_ + (*data_bytes_ & 1));
    }

    // The data size, or nullopt when the writer could not know it (a pipe):
    // 0xFFFFFFFF without ds64, or 0 in a file whose RIFF size is unset too.
    std::optional<uint64_t> declared_data_size(uint32_t size) const {
        if (size == kSizeUnknown) {
            if (ds64_data_size_) return *ds64_data_size_;
            return std::nullopt;
        }
        if (size == 0 && (riff_size_ == 0 || riff_size_ == kSizeUnknown)) return std::nullopt;
        return size;
    }

    // Skips n bytes; false when that runs past the end of the input.
    bool skip(uint64_t n) {
        if (n == 0) return true;
        const auto total = src_.size();
        if (src_.seekable() && total) {
            const uint64_t pos = src_.tell();
            if (n > *total - std::min(pos, *total)) return false;
            return src_.seek(pos + n);
        }
        std::array<uint8_t, 4096> sink;
        while (n > 0) {
            const size_t step = static_cast<size_t>(std::min<uint64_t>(n, sink.size()));
            if (src_.read(sink.data(), step) < step) return false;
            n -= step;
        }
        return true;
    }

    // When the file size is known, a data chunk longer than the file is cut
    // to what is there, and one of unknown length runs to the end.
    void clamp_to_file(Layout& l) const {
        const auto total = src_.size();
        if (!total) return;
        const uint64_t avail = *total - std::min(*total, l.data_offset);
        if (!l.data_bytes) {
            l.data_bytes = avail;
        } else if (*l.data_bytes > avail) {
            log::warn(name_ + ": data chunk says " + std::to_string(*l.data_bytes) + " bytes but the file ends after " +
                      std::to_string(avail) + "; playing what is there");
            l.data_bytes = avail;
            l.warned_short = true;
        }
    }

    ByteSource& src_;
    const std::string& name_;
    Container kind_ = Container::riff;
    Endian e_;
    uint32_t riff_size_ = 0;
    std::optional<uint64_t> ds64_data_size_;
    std::optional<SampleFormat> fmt_;
    std::optional<uint64_t> data_offset_;
    std::optional<uint64_t> data_bytes_;
};

// ---- sample conversion ------------------------------------------------------

// Loads one integer sample of Bytes bytes, left-justified in 32 bits (the
// top 32 bits for 8-byte samples). 8-bit WAV is unsigned, the rest signed.
template <unsigned Bytes, bool Big>
inline uint32_t load_lj(const uint8_t* p) {
    auto byte = [p](unsigned i) { return uint32_t{p[Big ? Bytes - 1 - i : i]}; };  // i = significance, 0 = lowest
    if constexpr (Bytes == 1) return (byte(0) ^ 0x80u) << 24;
    if constexpr (Bytes == 2) return byte(0) << 16 | byte(1) << 24;
    if constexpr (Bytes == 3) return byte(0) << 8 | byte(1) << 16 | byte(2) << 24;
    if constexpr (Bytes == 4) return byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
    if constexpr (Bytes == 8) return byte(4) | byte(5) << 8 | byte(6) << 16 | byte(7) << 24;
}

template <bool Big>
inline uint64_t load_u64(const uint8_t* p) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i) v |= uint64_t{p[Big ? 7 - i : i]} << (8 * i);
    return v;
}

// Converters take n samples from raw bytes; mask keeps the valid bits.
using IntConverter = void (*)(const uint8_t*, int32_t*, size_t, uint64_t mask);
using FloatConverter = void (*)(const uint8_t*, float*, size_t, uint64_t mask);

template <unsigned Bytes, bool Big>
void int_to_int(const uint8_t* src, int32_t* dst, size_t n, uint64_t mask) {
    const uint32_t m = static_cast<uint32_t>(mask >> 32);
    for (size_t i = 0; i < n; ++i) dst[i] = static_cast<int32_t>(load_lj<Bytes, Big>(src + i * Bytes) & m);
}

template <unsigned Bytes, bool Big>
void int_to_float(const uint8_t* src, float* dst, size_t n, uint64_t mask) {
    constexpr float kScale = 1.0f / 2147483648.0f;
    if constexpr (Bytes == 8) {
        // Keep all 64 bits until the final rounding to float.
        for (size_t i = 0; i < n; ++i) {
            const auto v = static_cast<int64_t>(load_u64<Big>(src + i * 8) & mask);
            dst[i] = static_cast<float>(static_cast<double>(v) * 0x1p-63);
        }
    } else {
        const uint32_t m = static_cast<uint32_t>(mask >> 32);
        if constexpr (Bytes == 2 && !Big) {
            // The common case, written so the compiler vectorizes it: plain
            // little-endian 16-bit samples with all 16 bits valid.
            if (m == 0xFFFF0000u) {
                for (size_t i = 0; i < n; ++i) {
                    int16_t v;
                    std::memcpy(&v, src + 2 * i, 2);
                    dst[i] = static_cast<float>(v) * (1.0f / 32768.0f);
                }
                return;
            }
        }
        for (size_t i = 0; i < n; ++i)
            dst[i] = static_cast<float>(static_cast<int32_t>(load_lj<Bytes, Big>(src + i * Bytes) & m)) * kScale;
    }
}

template <unsigned Bytes, bool Big>
void float_to_float(const uint8_t* src, float* dst, size_t n, uint64_t) {
    for (size_t i = 0; i < n; ++i) {
        if constexpr (Bytes == 4) {
            dst[i] = std::bit_cast<float>(load_lj<4, Big>(src + i * 4));
        } else {
            dst[i] = static_cast<float>(std::bit_cast<double>(load_u64<Big>(src + i * 8)));
        }
    }
}

struct Converters {
    FloatConverter to_float = nullptr;
    IntConverter to_int = nullptr;  // null for float samples: they have no exact integer form
};

template <unsigned Bytes, bool Big>
Converters int_converters() {
    return {int_to_float<Bytes, Big>, int_to_int<Bytes, Big>};
}

template <bool Big>
Converters converters_for(const SampleFormat& f) {
    if (f.is_float) return {f.container == 8 ? float_to_float<8, Big> : float_to_float<4, Big>, nullptr};
    switch (f.container) {
        case 1: return int_converters<1, Big>();
        case 2: return int_converters<2, Big>();
        case 3: return int_converters<3, Big>();
        case 4: return int_converters<4, Big>();
        default: return int_converters<8, Big>();
    }
}

// The top valid_bits of a 64-bit left-justified sample.
uint64_t valid_mask(uint32_t valid_bits) {
    return valid_bits >= 64 ? ~uint64_t{0} : ~(~uint64_t{0} >> valid_bits);
}

std::string describe(const Layout& l) {
    const SampleFormat& f = l.fmt;
    std::string s = l.kind == Container::rf64 ? "RF64 (" : l.kind == Container::rifx ? "WAV big-endian (" : "WAV (";
    if (f.is_float) return s + "float " + std::to_string(f.container * 8) + ")";
    s += "PCM ";
    s += f.container == 1 ? 'u' : 's';
    s += std::to_string(f.valid_bits);
    if (f.valid_bits != f.container * 8) s += " in " + std::to_string(f.container * 8);
    return s + ")";
}

// ---- the decoder ------------------------------------------------------------

class WavDecoder final : public Decoder {
public:
    WavDecoder(std::unique_ptr<ByteSource> src, const Layout& layout)
        : src_(std::move(src)), layout_(layout), raw_(kBlockBytes), warned_short_(layout.warned_short) {
        const SampleFormat& f = layout.fmt;
        info_.format = describe(layout);
        info_.spec = {f.rate, f.channels};
        info_.channel_mask = f.channel_mask;
        info_.bits = f.is_float ? 0 : f.valid_bits;
        info_.lossless = true;
        info_.uncompressed = true;
        if (layout.data_bytes) info_.frames = *layout.data_bytes / f.block_align;
        mask_ = valid_mask(f.valid_bits);
        const Converters c = layout.kind == Container::rifx ? converters_for<true>(f) : converters_for<false>(f);
        to_float_ = c.to_float;
        to_int_ = c.to_int;
    }

    const DecoderInfo& info() const override { return info_; }

    size_t read(std::span<float> out) override {
        return decode(out, [this](const uint8_t* s, float* d, size_t n) { to_float_(s, d, n, mask_); });
    }

    bool can_read_int() const override { return to_int_ != nullptr; }

    size_t read_int(std::span<int32_t> out) override {
        if (!to_int_) return Decoder::read_int(out);
        return decode(out, [this](const uint8_t* s, int32_t* d, size_t n) { to_int_(s, d, n, mask_); });
    }

    void seek(uint64_t frame) override {
        if (info_.frames) frame = std::min(frame, *info_.frames);
        const uint64_t block = layout_.fmt.block_align;
        if (!src_->seekable() || !src_->seek(layout_.data_offset + frame * block))
            throw DecodeError(src_->name() + ": cannot seek in this input");
        frame_ = frame;
        ended_ = false;
    }

private:
    // Fills `out` with whole frames, block by block, until it is full or the data ends.
    template <typename T, typename Convert>
    size_t decode(std::span<T> out, Convert convert) {
        const size_t ch = layout_.fmt.channels;
        const size_t want = out.size() / ch;
        size_t done = 0;
        while (done < want) {
            const size_t n = read_raw(want - done);
            if (n == 0) break;
            convert(raw_.data(), out.data() + done * ch, n * ch);
            done += n;
        }
        return done;
    }

    // Reads up to max_frames whole frames of raw bytes into raw_.
    size_t read_raw(size_t max_frames) {
        if (ended_) return 0;
        const size_t block = layout_.fmt.block_align;
        uint64_t frames = std::min<uint64_t>(max_frames, raw_.size() / block);
        if (layout_.data_bytes) {
            const uint64_t total = *layout_.data_bytes / block;
            frames = std::min(frames, total - std::min(frame_, total));
        }
        if (frames == 0) {
            ended_ = true;
            return 0;
        }
        const size_t want = static_cast<size_t>(frames) * block;
        const size_t got = src_->read(raw_.data(), want);
        if (got < want) {
            ended_ = true;  // a short read is the end of the input; a partial last frame is dropped
            warn_short(frame_ * block + got);
        }
        frame_ += got / block;
        return got / block;
    }

    // A data chunk longer than the input, found while streaming (size unknown at open).
    void warn_short(uint64_t present) {
        if (warned_short_ || !layout_.data_bytes) return;
        warned_short_ = true;
        log::warn(src_->name() + ": data chunk says " + std::to_string(*layout_.data_bytes) +
                  " bytes but the file ends after " + std::to_string(present) + "; playing what is there");
    }

    std::unique_ptr<ByteSource> src_;
    Layout layout_;
    DecoderInfo info_;
    std::vector<uint8_t> raw_;
    FloatConverter to_float_ = nullptr;
    IntConverter to_int_ = nullptr;
    uint64_t mask_ = 0;
    uint64_t frame_ = 0;  // next frame to read
    bool ended_ = false;
    bool warned_short_ = false;
};

}  // namespace

bool probe_wav(std::span<const uint8_t> head) {
    if (head.size() < 12 || !has_id(head.data() + 8, "WAVE")) return false;
    const uint8_t* p = head.data();
    return has_id(p, "RIFF") || has_id(p, "RIFX") || has_id(p, "RF64") || has_id(p, "BW64");
}

std::optional<std::string> wav_foreign_codec(std::span<const uint8_t> head, const std::string& name) {
    auto src = ByteSource::from_memory({head.begin(), head.end()}, name);
    try {
        HeaderReader(*src).read_format();
    } catch (const ForeignCodec& e) {
        return e.what();
    } catch (const InputError&) {
    }
    return std::nullopt;
}

std::unique_ptr<Decoder> open_wav(std::unique_ptr<ByteSource> src) {
    const Layout layout = HeaderReader(*src).read();
    return std::make_unique<WavDecoder>(std::move(src), layout);
}

}  // namespace simvx::formats
