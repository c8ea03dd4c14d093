// Where a voice's samples come from: a sound in memory (BufferSource), a
// file streamed by a thread of its own or by the render thread, a live pipe,
// a resampler in front of any of these (pitch).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "core/realtime.hpp"
#include "mix/sample_buffer.hpp"

namespace simvx {

class VoiceSource {
public:
    virtual ~VoiceSource() = default;
    virtual uint32_t channels() const noexcept = 0;  // 1 or 2; up to 8 kept for surround buses
    // Their speakers (core/speakers.hpp) when more than 2; 0 = the usual layout.
    virtual uint32_t channel_mask() const noexcept { return 0; }
    // Writes up to `frames` interleaved frames; fewer means the source ended.
    // Called on the render thread: never allocates, locks, logs or blocks.
    virtual size_t pull(float* out, size_t frames) noexcept SIMVX_REALTIME = 0;
    // The next `frames` frames where they already lie, when the source holds
    // them all in one piece (advancing as pull() does); nullptr otherwise, and
    // then pull() them. The voice mixes straight from here: one copy less.
    // Valid until the next call on the source. Render thread, as pull().
    virtual const float* lend(size_t /*frames*/) noexcept SIMVX_REALTIME { return nullptr; }
    // Streamed sources: whether `frames` are buffered (or the end is), for an
    // offline render that waits instead of letting a gap through; and the gaps
    // that live playback had to fill with silence.
    virtual bool ready(size_t /*frames*/) const noexcept SIMVX_REALTIME { return true; }
    // Not on the render thread: a source that decodes on the caller's thread
    // (OfflineStreamSource, fillable) makes `frames` ready here. The others
    // decode on their own threads, or hold everything already.
    virtual bool fillable() const noexcept { return false; }
    virtual void fill(size_t /*frames*/) {}
    // Whether fill(frames) has decoding to do, rather than only taking over
    // what prefetch() decoded: the cheap ones are not worth waking a thread for.
    virtual bool fill_decodes(size_t /*frames*/) const noexcept { return fillable(); }
    // Fillable sources: decode `frames` more ahead, on any one thread, while
    // the render thread pulls what fill() made ready (the two touch separate
    // state); the next fill() takes them over.
    virtual void prefetch(size_t /*frames*/) {}
    // Whether decoding (fill() or prefetch()) costs about a copy: uncompressed
    // samples, no rate conversion. A few such are cheaper decoded on the
    // rendering thread than by a helper woken for them (SourceFiller).
    virtual bool cheap_decoding() const noexcept { return false; }
    virtual uint64_t underruns() const noexcept { return 0; }
    // Why a streamed source ended early (a decode error), once it has ended.
    virtual std::string error() const { return {}; }
};

// Plays a SampleBuffer from `from` to its end, or, when looping, from `from`
// to loop_end and then round loop_start..loop_end forever. The wrap is sample
// exact, so a loop cut at zero crossings or a whole number of periods is seamless.
class BufferSource final : public VoiceSource {
public:
    BufferSource(SharedBuffer buffer, uint64_t from, bool loop, uint64_t loop_start, uint64_t loop_end);
    uint32_t channels() const noexcept override { return buffer_->channels; }
    uint32_t channel_mask() const noexcept override { return buffer_->channel_mask; }
    size_t pull(float* out, size_t frames) noexcept SIMVX_REALTIME override;
    const float* lend(size_t frames) noexcept SIMVX_REALTIME override;

private:
    SharedBuffer buffer_;
    uint64_t pos_;
    bool loop_;
    uint64_t loop_start_, loop_end_;
};

}  // namespace simvx
