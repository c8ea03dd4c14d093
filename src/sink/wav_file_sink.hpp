// --render FILE: the engine rendered as fast as possible into a WAV file.
// The file is written beside the target under a temporary name and renamed
// only when complete, so a failed render never leaves half a file and never
// replaces an existing one. "-" writes to standard output.
#pragma once
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "sink/dither.hpp"
#include "sink/pull_thread.hpp"
#include "sink/wav_writer.hpp"

namespace simvx {

class WavFileSink final : public PullThreadSink {
public:
    // expected_frames: the render's length when known (lets a pipe carry exact sizes).
    // dither: TPDF-dither integer formats (f32 needs none).
    // container: raw writes the samples alone (--raw), same naming and renaming.
    WavFileSink(std::string target, SampleFormat format, std::optional<uint64_t> expected_frames, bool dither = false,
                Container container = Container::wav);
    ~WavFileSink() override;

    void open(const AudioSpec& spec) override;
    void finish() override;
    void abort() noexcept override;
    std::string describe() const override;
    uint64_t clipped() const { return writer_ ? writer_->clipped() : 0; }

private:
    void deliver(std::span<const float> frames) override;
    void discard_temp() noexcept;

    std::string target_;
    SampleFormat format_;
    Container container_;
    std::optional<uint64_t> expected_frames_;
    std::string temp_;      // empty when writing to stdout
    std::FILE* file_ = nullptr;
    std::unique_ptr<WavWriter> writer_;
    std::optional<TpdfDither> dither_;
    std::vector<float> dithered_;  // the period being written, with the dither added
};

}  // namespace simvx
