// Writes a WAV stream: header, quantized samples, and on finalize() the real
// sizes (RIFF, or RF64 past 4 GiB). More than two channels are written as
// WAVE_FORMAT_EXTENSIBLE with the layout's speaker mask (core/speakers.hpp).
// Used by the file sink; knows nothing of temporary files or threads.
#pragma once
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/audio_spec.hpp"
#include "core/tags.hpp"
#include "sink/audio_writer.hpp"

namespace simvx {

enum class SampleFormat { s16, s24, f32 };
// What wraps the samples: a WAV header, or nothing (raw PCM: little-endian,
// interleaved, for programs that are told the format another way).
enum class Container { wav, raw };
SampleFormat parse_sample_format(const std::string& name);  // throws UsageError
const char* sample_format_name(SampleFormat f);

class WavWriter final : public AudioWriter {
public:
    // `seekable` (a regular file): the header gets the real sizes at the end;
    // a 28-byte JUNK chunk is reserved for a ds64 only when the data may pass
    // 4 GiB (`expected_frames` unknown or that large), so ordinary renders are
    // plain RIFF that every tool reads without a warning. Not seekable (a
    // pipe): the sizes are the streaming placeholders (0xFFFFFFFF, as ffmpeg
    // writes), which readers take as "up to the end of the stream": a render
    // cut short by a signal never carries a header that claims more.
    // Container::raw writes the samples alone: no header, no pad byte.
    // `tags` with a RIFF INFO field go into a LIST chunk before the samples
    // (sink/riff_info.hpp; the others are left out: the front end refuses them).
    WavWriter(std::FILE* file, std::string name, bool seekable, AudioSpec spec, SampleFormat format,
              std::optional<uint64_t> expected_frames, Container container = Container::wav, const Tags& tags = {});

    void write(std::span<const float> samples) override;  // throws OutputError
    void finalize() override;                             // throws OutputError
    uint64_t frames() const { return frames_; }
    uint64_t clipped() const override { return clipped_; }  // samples clamped to full scale

private:
    void write_header(uint64_t frames, bool final);
    void put(const void* data, size_t bytes);

    std::FILE* file_;
    std::string name_;
    bool seekable_;
    bool ds64_room_;  // the header has a JUNK chunk that can become ds64
    Container container_;
    AudioSpec spec_;
    SampleFormat format_;
    uint32_t bytes_per_sample_;
    uint64_t frames_ = 0;
    uint64_t clipped_ = 0;
    std::vector<uint8_t> bytes_;
    std::vector<uint8_t> info_;  // the LIST/INFO chunk, or empty
};

}  // namespace simvx
