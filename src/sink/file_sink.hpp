// --render FILE: the engine rendered as fast as possible into a file, through
// a writer for its codec (WAV, FLAC, Opus, Vorbis, MP3: sink/encode/). The
// file is written beside the target under a temporary name and renamed only
// when complete, so a failed render never leaves half a file and never
// replaces an existing one. "-" writes to standard output.
// Late tags (--stats' loudness) are written into the finished temporary file
// in place, before the rename: a file is never seen without them. Standard
// output and other non-regular targets get none.
#pragma once
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sink/dither.hpp"
#include "sink/pull_thread.hpp"
#include "sink/audio_writer.hpp"
#include "sink/encoding.hpp"

namespace simvx {

class FileSink final : public PullThreadSink {
public:
    // expected_frames: the render's length when known (lets a pipe carry exact sizes).
    // dither: TPDF-dither integer formats (WAV and FLAC s16/s24; f32 and the lossy codecs need none).
    // late_tags: asked for once the audio is written, for a regular file (OutputSettings::late_tags).
    FileSink(std::string target, Encoding encoding, std::optional<uint64_t> expected_frames, bool dither = false,
             std::function<Tags()> late_tags = {});
    ~FileSink() override;

    void open(const AudioSpec& spec) override;
    void finish() override;
    void abort() noexcept override;
    std::string describe() const override;
    uint64_t clipped() const { return writer_ ? writer_->clipped() : 0; }

private:
    void deliver(std::span<const float> frames) override;
    void discard_temp() noexcept;

    std::string target_;
    Encoding encoding_;
    std::optional<uint64_t> expected_frames_;
    std::string temp_;      // empty when writing to stdout
    std::FILE* file_ = nullptr;
    std::unique_ptr<AudioWriter> writer_;
    std::optional<TpdfDither> dither_;
    std::vector<float> dithered_;  // the period being written, with the dither added
    std::function<Tags()> late_tags_;  // emptied at open() when the target cannot take them
};

}  // namespace simvx
