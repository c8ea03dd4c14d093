// Bytes from a pipe → whole frames of float samples. A producer may write any
// number of bytes at a time (one byte, half a frame, a header split in two),
// so the framer keeps what it cannot use yet and picks up where it left off.
//
// Raw formats are little-endian PCM whose rate and channels the user gives;
// `wav` reads them from a RIFF header on the stream itself. A pipe cannot be
// rewound, so the header is parsed as its bytes arrive, and the length fields
// that a producer writing to a pipe cannot know (0 or 0xFFFFFFFF) mean
// "until the end of the input".
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/named.hpp"
#include "core/sample_vector.hpp"

namespace simvx {

enum class PcmFormat { s16, s24, s32, f32, wav };
inline constexpr std::array<Named<PcmFormat>, 5> kPcmFormatNames{{{"s16", PcmFormat::s16},
                                                                 {"s24", PcmFormat::s24},
                                                                 {"s32", PcmFormat::s32},
                                                                 {"f32", PcmFormat::f32},
                                                                 {"wav", PcmFormat::wav}}};

// "s16" → PcmFormat::s16; nullopt for anything else.
std::optional<PcmFormat> parse_pcm_format(std::string_view name);
const char* pcm_format_name(PcmFormat format);

class PcmFramer {
public:
    // `rate` and `channels` describe raw formats; a WAV header overrides them.
    // `name` names the input in error messages ("stream -").
    PcmFramer(PcmFormat format, uint32_t rate, uint32_t channels, std::string name);

    // Consumes `bytes` and appends every frame they complete to `out`
    // (interleaved floats, full scale ±1). Throws InputError on a WAV header
    // that cannot be played.
    void feed(std::span<const uint8_t> bytes, SampleVector& out);

    // Whether rate(), channels() and bits() are known (always for raw formats;
    // for WAV once the data chunk begins).
    bool ready() const noexcept { return in_data_; }
    uint32_t rate() const noexcept { return rate_; }
    uint32_t channels() const noexcept { return channels_; }
    uint32_t bits() const noexcept { return float_ ? 0 : bits_; }  // 0 for float samples

    // At the end of the input: the bytes of an incomplete last frame, which
    // are dropped. Throws InputError when a WAV header never completed.
    size_t finish() const;

private:
    void parse_header(std::span<const uint8_t>& bytes);
    void parse_fmt();
    void convert(const uint8_t* p, size_t frames, SampleVector& out) const;

    PcmFormat format_;
    std::string name_;
    uint32_t rate_, channels_, bits_ = 16;
    bool float_ = false;
    bool in_data_ = false;
    size_t frame_bytes_ = 4;
    std::optional<uint64_t> data_left_;  // bytes of the data chunk still to come; none = until the end
    std::vector<uint8_t> pending_;       // an incomplete frame, or header bytes not parsed yet

    // WAV header walk.
    enum class Step { riff, chunk_header, chunk_body, skip } step_ = Step::riff;
    uint32_t chunk_size_ = 0;
    uint64_t skip_left_ = 0;
    bool have_fmt_ = false;
};

}  // namespace simvx
