// One interface for every audio format. A decoder is opened from a ByteSource
// by the registry (decode/registry.hpp), which picks the format from the bytes,
// never from the file name.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/audio_spec.hpp"
#include "core/speakers.hpp"
#include "decode/byte_source.hpp"
#include "decode/gain_tags.hpp"

namespace simvx {

struct DecoderInfo {
    std::string format;               // for messages: "WAV (PCM s16)", "FLAC", "Ogg Vorbis", "MPEG-1 Layer III"
    AudioSpec spec;                   // native rate and channel count
    uint32_t channel_mask = 0;        // speaker bits (core/speakers.hpp) in delivery order; 0 = default_mask(channels)
    uint32_t bits = 0;                // bits per sample of integer PCM; 0 for float or lossy
    bool lossless = false;            // decoded samples are exactly the encoded ones
    bool uncompressed = false;        // samples stored as they are (WAV): reading costs about a copy
    std::optional<uint64_t> frames;   // total length when the container says it
    GainTags gain;                    // ReplayGain/R128 tags, applied only with --replaygain
};

class Decoder {
public:
    virtual ~Decoder() = default;

    virtual const DecoderInfo& info() const = 0;

    // Decodes up to out.size() / channels frames as interleaved floats (full
    // scale = ±1.0, not clamped; NaN/inf are passed on, the loader removes them).
    // Returns the frames written; 0 means the end. Throws DecodeError (naming
    // the source) when the stream breaks and nothing more can be decoded.
    virtual size_t read(std::span<float> out) = 0;

    // Integer formats (info().bits > 0) also decode exactly: each sample
    // left-justified to 32 bits (s16 value v becomes v << 16). This is what
    // bit-exact checks and future 32-bit outputs use. Same contract as read().
    virtual bool can_read_int() const { return false; }
    virtual size_t read_int(std::span<int32_t> out);

    // Moves to an absolute frame. Throws DecodeError when the source cannot seek.
    virtual void seek(uint64_t frame) = 0;
};

}  // namespace simvx
