// The formats simvxplay decodes: one .cpp each, registered in registry.cpp.
// probe() looks at the first bytes of the input (up to kProbeBytes) and says
// whether the format's decoder should take it; open() builds the decoder.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "decode/decoder.hpp"

namespace simvx::formats {

inline constexpr size_t kProbeBytes = 64 * 1024;

bool probe_wav(std::span<const uint8_t> head);        // RIFF/RF64 .. WAVE
// When the WAV's fmt chunk (within the head) names a codec other than
// integer or float PCM, what the native reader says of it ("NAME: WAV format
// tag 0x0002 (MS ADPCM) is not supported"): the file goes to the FFmpeg fallback.
std::optional<std::string> wav_foreign_codec(std::span<const uint8_t> head, const std::string& name);
std::unique_ptr<Decoder> open_wav(std::unique_ptr<ByteSource> src);

bool probe_flac(std::span<const uint8_t> head);       // native FLAC ("fLaC", or an ID3v2 tag then "fLaC")
std::unique_ptr<Decoder> open_flac(std::unique_ptr<ByteSource> src);

bool probe_ogg_flac(std::span<const uint8_t> head);   // Ogg page whose first packet is "\x7FFLAC"
std::unique_ptr<Decoder> open_ogg_flac(std::unique_ptr<ByteSource> src);

bool probe_vorbis(std::span<const uint8_t> head);     // Ogg page whose first packet is "\x01vorbis"
std::unique_ptr<Decoder> open_vorbis(std::unique_ptr<ByteSource> src);

bool probe_opus(std::span<const uint8_t> head);       // Ogg page whose first packet is "OpusHead"
std::unique_ptr<Decoder> open_opus(std::unique_ptr<ByteSource> src);

bool probe_mpeg(std::span<const uint8_t> head);       // MPEG audio layer 1-3, optionally after ID3v2
// Where the ID3v2 tags at the start of the input end (0 when there are none);
// past head.size() when a tag is longer than the head (cover art).
size_t id3v2_end(std::span<const uint8_t> head);
std::unique_ptr<Decoder> open_mpeg(std::unique_ptr<ByteSource> src);

// The fallback for formats no native decoder covers (decode/ffmpeg.cpp): a
// container on its list of audio formats that FFmpeg's probe is sure of.
bool probe_ffmpeg(std::span<const uint8_t> head);
std::unique_ptr<Decoder> open_ffmpeg(std::unique_ptr<ByteSource> src, std::span<const uint8_t> head);

}  // namespace simvx::formats
