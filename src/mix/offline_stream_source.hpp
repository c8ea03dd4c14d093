// A streamed voice source for offline renders: decoded on the rendering
// thread itself, a few thousand frames ahead, just before the engine needs
// them (Engine::wait_for_sources calls fill()). An offline render has no
// real-time deadline to protect, so a decoder thread per stream would only
// add wake-ups, a ring copy and waiting; with dozens of long stems those cost
// more than the decoding. The next block can be decoded ahead (prefetch) on
// another core while this one renders. Memory stays flat (one chunk ahead) and the samples
// are those of StreamSource: both read through the same StreamReader.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decode/decoder.hpp"
#include "mix/stream_reader.hpp"
#include "mix/voice_source.hpp"

namespace simvx {

class OfflineStreamSource final : public VoiceSource {
public:
    OfflineStreamSource(std::unique_ptr<Decoder> decoder, std::string name, const StreamSetup& setup);

    uint32_t channels() const noexcept override { return channels_; }
    uint32_t channel_mask() const noexcept override { return channels_ > 2 ? decoder_->info().channel_mask : 0; }
    size_t pull(float* out, size_t frames) noexcept SIMVX_REALTIME override;
    const float* lend(size_t frames) noexcept SIMVX_REALTIME override;
    bool ready(size_t frames) const noexcept SIMVX_REALTIME override;
    bool fillable() const noexcept override { return true; }
    void fill(size_t frames) override;
    bool fill_decodes(size_t frames) const noexcept override {
        return !ahead_ended_ && buffered() + ahead_.size() / channels_ < frames;
    }
    void prefetch(size_t frames) override;
    bool cheap_decoding() const noexcept override { return reader_.cheap(); }
    uint64_t underruns() const noexcept override { return underruns_; }
    std::string error() const override { return error_; }
    // Frames decoded and not yet pulled (the caller's thread).
    size_t buffered() const noexcept { return (buffer_.size() - read_) / channels_; }

private:

    std::unique_ptr<Decoder> decoder_;
    std::string name_;
    StreamReader reader_;
    uint32_t channels_;
    // Decodes onto the end of `into` until it holds `frames` frames or the stream ends.
    void decode(SampleVector& into, size_t frames, bool& ended, std::string& error);

    // What the render thread pulls from (and fill() makes ready).
    SampleVector buffer_;  // decoded frames; those before read_ are played
    size_t read_ = 0;            // samples
    bool ended_ = false;
    uint64_t underruns_ = 0;
    std::string error_;
    size_t ahead_want_ = 0;  // frames the next block lacks, set by fill() for prefetch()
    // What prefetch() decoded ahead, taken over by the next fill().
    SampleVector ahead_;
    bool ahead_ended_ = false;
    std::string ahead_error_;
};

}  // namespace simvx
