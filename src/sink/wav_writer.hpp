// Writes a WAV stream: header, quantized samples, and on finalize() the real
// sizes (RIFF, or RF64 past 4 GiB). Used by the file sink; knows nothing of
// temporary files or threads.
#pragma once
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/audio_spec.hpp"

namespace simvx {

enum class SampleFormat { s16, s24, f32 };
SampleFormat parse_sample_format(const std::string& name);  // throws UsageError
const char* sample_format_name(SampleFormat f);

class WavWriter {
public:
    // `seekable`: the header can be patched at the end. Otherwise the sizes
    // come from `expected_frames` (or are left at 0xFFFFFFFF, "unknown").
    WavWriter(std::FILE* file, std::string name, bool seekable, AudioSpec spec, SampleFormat format,
              std::optional<uint64_t> expected_frames);

    void write(std::span<const float> samples);  // throws OutputError
    void finalize();                             // throws OutputError
    uint64_t frames() const { return frames_; }
    uint64_t clipped() const { return clipped_; }  // samples clamped to full scale

private:
    void write_header(uint64_t frames, bool final);
    void put(const void* data, size_t bytes);

    std::FILE* file_;
    std::string name_;
    bool seekable_;
    AudioSpec spec_;
    SampleFormat format_;
    uint32_t bytes_per_sample_;
    uint64_t frames_ = 0;
    uint64_t clipped_ = 0;
    std::vector<uint8_t> bytes_;
};

}  // namespace simvx
