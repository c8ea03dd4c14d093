#include "decode/pcm_framer.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"

namespace simvx {
namespace {

constexpr uint32_t kSizeUnknown = 0xFFFFFFFF;
constexpr uint32_t kMaxFmtBytes = 1024;  // larger "fmt " chunks are not WAV headers anyone writes

uint32_t u16(const uint8_t* p) { return uint32_t{p[0]} | uint32_t{p[1]} << 8; }
uint32_t u32(const uint8_t* p) { return u16(p) | u16(p + 2) << 16; }
int32_t s24(const uint8_t* p) { return static_cast<int32_t>(u16(p) << 8 | uint32_t{p[2]} << 24) >> 8; }

// Moves up to `want` bytes from the front of `bytes` to the end of `into`.
void take(std::span<const uint8_t>& bytes, std::vector<uint8_t>& into, size_t want) {
    const size_t n = std::min(want, bytes.size());
    into.insert(into.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    bytes = bytes.subspan(n);
}

}  // namespace

std::optional<PcmFormat> parse_pcm_format(std::string_view name) {
    return value_named(std::span<const Named<PcmFormat>>(kPcmFormatNames), name);
}

const char* pcm_format_name(PcmFormat format) {
    // The table's names are string literals: data() is their NUL-terminated start.
    return name_of(std::span<const Named<PcmFormat>>(kPcmFormatNames), format).data();
}

PcmFramer::PcmFramer(PcmFormat format, uint32_t rate, uint32_t channels, std::string name)
    : format_(format), name_(std::move(name)), rate_(rate), channels_(channels) {
    switch (format) {
        case PcmFormat::s16: bits_ = 16; break;
        case PcmFormat::s24: bits_ = 24; break;
        case PcmFormat::s32: bits_ = 32; break;
        case PcmFormat::f32: bits_ = 32, float_ = true; break;
        case PcmFormat::wav: break;
    }
    in_data_ = format != PcmFormat::wav;
    frame_bytes_ = channels_ * bits_ / 8;
}

void PcmFramer::feed(std::span<const uint8_t> bytes, SampleVector& out) {
    if (!in_data_) {
        parse_header(bytes);
        if (!in_data_) return;
    }
    if (data_left_) {  // a WAV data chunk of known length: what follows it is not audio
        bytes = bytes.first(static_cast<size_t>(std::min<uint64_t>(bytes.size(), *data_left_)));
        *data_left_ -= bytes.size();
    }
    if (!pending_.empty()) {
        take(bytes, pending_, frame_bytes_ - pending_.size());
        if (pending_.size() < frame_bytes_) return;
        convert(pending_.data(), 1, out);
        pending_.clear();
    }
    const size_t frames = bytes.size() / frame_bytes_;
    convert(bytes.data(), frames, out);
    pending_.assign(bytes.begin() + static_cast<std::ptrdiff_t>(frames * frame_bytes_), bytes.end());
}

// The RIFF header, chunk by chunk, as far as the bytes go: pending_ collects a
// piece (the RIFF preamble, a chunk header, the fmt chunk) until it is whole.
void PcmFramer::parse_header(std::span<const uint8_t>& bytes) {
    while (!in_data_ && !bytes.empty()) {
        switch (step_) {
            case Step::riff:
                take(bytes, pending_, 12 - pending_.size());
                if (pending_.size() < 12) return;
                if ((std::memcmp(pending_.data(), "RIFF", 4) != 0 && std::memcmp(pending_.data(), "RF64", 4) != 0) ||
                    std::memcmp(pending_.data() + 8, "WAVE", 4) != 0)
                    throw InputError(name_ + ": not a WAV stream (it does not begin with RIFF....WAVE); give "
                                             "--stream-format s16|s24|s32|f32 for raw PCM");
                pending_.clear();
                step_ = Step::chunk_header;
                break;
            case Step::chunk_header: {
                take(bytes, pending_, 8 - pending_.size());
                if (pending_.size() < 8) return;
                const uint32_t size = u32(pending_.data() + 4);
                const bool is_fmt = std::memcmp(pending_.data(), "fmt ", 4) == 0;
                const bool is_data = std::memcmp(pending_.data(), "data", 4) == 0;
                pending_.clear();
                if (is_data) {
                    if (!have_fmt_) throw InputError(name_ + ": WAV stream has its data chunk before the fmt chunk");
                    // A producer writing to a pipe cannot know the length: 0 and 0xFFFFFFFF mean "until the end".
                    if (size != 0 && size != kSizeUnknown) data_left_ = size;
                    in_data_ = true;
                } else if (is_fmt) {
                    if (size < 16 || size > kMaxFmtBytes)
                        throw InputError(name_ + ": WAV stream has a fmt chunk of " + std::to_string(size) +
                                         " bytes (expected 16 to 40)");
                    chunk_size_ = size + (size & 1);
                    step_ = Step::chunk_body;
                } else {
                    skip_left_ = uint64_t{size} + (size & 1);
                    step_ = Step::skip;
                }
                break;
            }
            case Step::chunk_body:
                take(bytes, pending_, chunk_size_ - pending_.size());
                if (pending_.size() < chunk_size_) return;
                parse_fmt();
                pending_.clear();
                step_ = Step::chunk_header;
                break;
            case Step::skip: {
                const size_t n = static_cast<size_t>(std::min<uint64_t>(skip_left_, bytes.size()));
                bytes = bytes.subspan(n);
                skip_left_ -= n;
                if (skip_left_ == 0) step_ = Step::chunk_header;
                break;
            }
        }
    }
}

void PcmFramer::parse_fmt() {
    const uint8_t* p = pending_.data();
    uint32_t tag = u16(p);
    const uint32_t channels = u16(p + 2), rate = u32(p + 4), block_align = u16(p + 12), bits = u16(p + 14);
    if (tag == 0xFFFE && pending_.size() >= 40) tag = u16(p + 24);  // the sub-format GUID starts with the tag
    const bool pcm = tag == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
    const bool flt = tag == 3 && bits == 32;
    const std::string what = name_ + ": WAV stream ";
    if (!pcm && !flt)
        throw InputError(what + "holds format tag " + std::to_string(tag) + " with " + std::to_string(bits) +
                         "-bit samples; streams take PCM 8/16/24/32-bit or 32-bit float");
    if (channels < 1 || channels > 8)
        throw InputError(what + "has " + std::to_string(channels) + " channels; streams take 1 to 8");
    if (rate < 8000 || rate > 192000)
        throw InputError(what + "has a rate of " + std::to_string(rate) + " Hz; streams take 8000 to 192000 Hz");
    if (block_align != channels * bits / 8)
        throw InputError(what + "has a block size of " + std::to_string(block_align) + " bytes for " +
                         std::to_string(channels) + " channels of " + std::to_string(bits) + " bits");
    rate_ = rate;
    channels_ = channels;
    bits_ = bits;
    float_ = flt;
    frame_bytes_ = block_align;
    have_fmt_ = true;
}

void PcmFramer::convert(const uint8_t* p, size_t frames, SampleVector& out) const {
    const size_t n = frames * channels_;
    if (n == 0) return;  // (an empty span may have no data pointer at all)
    const size_t at = out.size();
    out.resize(at + n);
    float* dst = out.data() + at;
    if (float_) {
        std::memcpy(dst, p, n * sizeof(float));  // little-endian host (x86-64, aarch64)
        return;
    }
    switch (bits_) {
        case 8:
            for (size_t i = 0; i < n; ++i) dst[i] = (static_cast<float>(p[i]) - 128.0f) * (1.0f / 128.0f);
            break;
        case 16:
            for (size_t i = 0; i < n; ++i)
                dst[i] = static_cast<float>(static_cast<int16_t>(u16(p + 2 * i))) * (1.0f / 32768.0f);
            break;
        case 24:
            for (size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(s24(p + 3 * i)) * (1.0f / 8388608.0f);
            break;
        default:
            for (size_t i = 0; i < n; ++i)
                dst[i] = static_cast<float>(static_cast<int32_t>(u32(p + 4 * i))) * (1.0f / 2147483648.0f);
            break;
    }
}

size_t PcmFramer::finish() const {
    if (!in_data_)
        throw InputError(name_ + ": the input ended before its WAV header was complete (no data chunk)");
    return pending_.size();
}

}  // namespace simvx
