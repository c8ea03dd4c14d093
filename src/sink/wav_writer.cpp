#include "sink/wav_writer.hpp"

#include <cerrno>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "core/error.hpp"
#include "core/speakers.hpp"
#include "sink/quantize.hpp"
#include "sink/riff_info.hpp"

namespace simvx {
namespace {

constexpr uint32_t kUnknown = 0xFFFFFFFFu;
// RIFF header + [JUNK(28), later ds64] + fmt (18, or 40) + [fact (4)] + data header.
constexpr uint32_t kJunkBytes = 28;
// WAVEFORMATEX (cbSize 0) for mono and stereo: every render of those stays
// the bytes it was. More channels take WAVE_FORMAT_EXTENSIBLE, the only fmt
// that says which speaker each channel is for (without it readers guess, and
// ffmpeg guesses 5.1 as side channels).
constexpr uint32_t kFmtBytes = 18, kExtensibleFmtBytes = 40;
constexpr uint16_t kExtensibleTag = 0xFFFE;
// KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT after their first two bytes, which
// are the plain format tag (1 or 3).
constexpr uint8_t kSubFormatTail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                        0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
// The largest RIFF size field a plain RIFF file can state exactly.
constexpr uint64_t kRiffLimit = 0xFFFFFFFFull;

void le(std::vector<uint8_t>& b, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void tag(std::vector<uint8_t>& b, const char* t) { b.insert(b.end(), t, t + 4); }

}  // namespace

SampleFormat parse_sample_format(const std::string& name) {
    if (name == "s16") return SampleFormat::s16;
    if (name == "s24") return SampleFormat::s24;
    if (name == "f32") return SampleFormat::f32;
    throw UsageError("unknown render format '" + name + "': use s16, s24 or f32");
}

const char* sample_format_name(SampleFormat f) {
    switch (f) {
        case SampleFormat::s16: return "s16";
        case SampleFormat::s24: return "s24";
        case SampleFormat::f32: return "f32";
    }
    return "?";
}

WavWriter::WavWriter(std::FILE* file, std::string name, bool seekable, AudioSpec spec, SampleFormat format,
                     std::optional<uint64_t> expected_frames, Container container, const Tags& tags)
    : file_(file), name_(std::move(name)), seekable_(seekable), container_(container), spec_(spec), format_(format),
      bytes_per_sample_(format == SampleFormat::s16 ? 2 : format == SampleFormat::s24 ? 3 : 4),
      info_(container == Container::wav ? riff_info_chunk(tags) : std::vector<uint8_t>{}) {
    // Room for a ds64 only where it may be needed: a file whose length is not
    // known, or known to pass 4 GiB (with 1 KiB to spare for the header).
    const uint64_t frame_bytes = uint64_t{spec_.channels} * bytes_per_sample_;
    ds64_room_ = seekable_ && (!expected_frames || *expected_frames > (kRiffLimit - 1024 - info_.size()) / frame_bytes);
    if (container_ == Container::wav) write_header(seekable_ && expected_frames ? *expected_frames : kUnknown, false);
}

void WavWriter::put(const void* data, size_t bytes) {
    if (std::fwrite(data, 1, bytes, file_) != bytes) throw_write_error(name_, errno);
}

// `frames` = kUnknown writes the "length unknown" sizes used for pipes.
void WavWriter::write_header(uint64_t frames, bool final) {
    const uint64_t data_bytes = frames == kUnknown ? kUnknown : frames * spec_.channels * bytes_per_sample_;
    const bool is_float = format_ == SampleFormat::f32;
    const bool extensible = spec_.channels > 2;
    const uint32_t fmt_bytes = extensible ? kExtensibleFmtBytes : kFmtBytes;
    const uint64_t header_bytes =
        12 + (ds64_room_ ? 8 + kJunkBytes : 0) + (8 + fmt_bytes) + (is_float ? 12 : 0) + info_.size() + 8;
    // An odd-sized data chunk is followed by a pad byte (finalize writes it).
    const uint64_t riff_bytes = frames == kUnknown ? kUnknown : header_bytes - 8 + data_bytes + (data_bytes & 1);
    // Past 4 GiB: RF64 when there is room for its ds64; otherwise (a length
    // that was promised and then exceeded) the sizes say "unknown".
    const bool too_big = frames != kUnknown && riff_bytes > kRiffLimit;
    const bool rf64 = too_big && ds64_room_;
    const auto size32 = [&](uint64_t v) { return too_big ? uint64_t{kUnknown} : v; };
    std::vector<uint8_t> h;
    tag(h, rf64 ? "RF64" : "RIFF");
    le(h, size32(riff_bytes), 4);
    tag(h, "WAVE");
    if (rf64) {
        tag(h, "ds64");
        le(h, kJunkBytes, 4);
        le(h, riff_bytes, 8);
        le(h, data_bytes, 8);
        le(h, frames, 8);
        le(h, 0, 4);  // no table
    } else if (ds64_room_) {
        // Reserved so a render that grows past 4 GiB can become RF64 in place.
        tag(h, "JUNK");
        le(h, kJunkBytes, 4);
        h.insert(h.end(), kJunkBytes, 0);
    }
    const uint16_t format_tag = is_float ? 3 : 1;
    tag(h, "fmt ");
    le(h, fmt_bytes, 4);
    le(h, extensible ? kExtensibleTag : format_tag, 2);
    le(h, spec_.channels, 2);
    le(h, spec_.rate, 4);
    le(h, uint64_t{spec_.rate} * spec_.channels * bytes_per_sample_, 4);
    le(h, spec_.channels * bytes_per_sample_, 2);
    le(h, bytes_per_sample_ * 8, 2);
    if (extensible) {
        le(h, kExtensibleFmtBytes - kFmtBytes, 2);  // cbSize: 22
        le(h, bytes_per_sample_ * 8, 2);             // valid bits: all of them
        le(h, speaker::default_mask(spec_.channels), 4);
        le(h, format_tag, 2);
        h.insert(h.end(), std::begin(kSubFormatTail), std::end(kSubFormatTail));
    } else {
        le(h, 0, 2);  // cbSize
    }
    if (is_float) {
        tag(h, "fact");
        le(h, 4, 4);
        le(h, frames > 0xFFFFFFFFull ? kUnknown : frames, 4);
    }
    h.insert(h.end(), info_.begin(), info_.end());  // LIST/INFO: the tags, before the samples
    tag(h, "data");
    le(h, size32(data_bytes), 4);
    if (final && std::fseek(file_, 0, SEEK_SET) != 0)
        throw OutputError(name_ + ": cannot seek to rewrite the header: " + std::strerror(errno));
    put(h.data(), h.size());
}

void WavWriter::write(std::span<const float> samples) {
    const size_t n = samples.size();
    bytes_.resize(n * bytes_per_sample_);
    uint8_t* p = bytes_.data();
    switch (format_) {
        case SampleFormat::f32:
            std::memcpy(p, samples.data(), n * 4);  // x86/ARM: little-endian
            break;
        case SampleFormat::s16:
            clipped_ += quantize_s16(samples.data(), p, n);
            break;
        case SampleFormat::s24:
            clipped_ += quantize_s24(samples.data(), p, n);
            break;
    }
    put(bytes_.data(), bytes_.size());
    frames_ += n / spec_.channels;
}

void WavWriter::finalize() {
    if (container_ == Container::wav) {
        if ((frames_ * spec_.channels * bytes_per_sample_) & 1) put("", 1);
        if (seekable_) write_header(frames_, true);
    }
    if (std::fflush(file_) != 0) throw_write_error(name_, errno);
}

}  // namespace simvx
