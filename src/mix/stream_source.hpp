// A voice source decoded from disk while it plays: a decoder thread reads the
// file, removes NaN/inf, downmixes, converts to the engine rate and fills a
// lock-free ring; the render thread only pops. Memory stays flat whatever the
// file's length, and decoding runs on another core than the mixing.
//
// When the ring runs dry during live playback the voice plays silence for the
// gap and counts an underrun (the render thread never waits). An offline
// render instead waits before rendering (Engine::wait_for_sources), so its
// output does not depend on timing. (An offline render normally decodes on
// its own thread instead: OfflineStreamSource.)
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/spsc_ring.hpp"
#include "decode/decoder.hpp"
#include "mix/stream_reader.hpp"
#include "mix/voice_source.hpp"

namespace simvx {

class StreamSource final : public VoiceSource {
public:
    // Takes an opened decoder; starts the decoder thread at once.
    StreamSource(std::unique_ptr<Decoder> decoder, std::string name, const StreamSetup& setup);
    ~StreamSource() override;

    uint32_t channels() const noexcept override { return channels_; }
    uint32_t channel_mask() const noexcept override { return channels_ > 2 ? decoder_->info().channel_mask : 0; }
    size_t pull(float* out, size_t frames) noexcept SIMVX_REALTIME override;
    // True when `frames` can be pulled without a gap (or the stream has ended).
    bool ready(size_t frames) const noexcept SIMVX_REALTIME override;
    uint64_t underruns() const noexcept override { return underruns_.load(std::memory_order_relaxed); }

    // The error that stopped the decoder thread, if any (control thread, after the end).
    std::string error() const override;

private:
    void decode_loop() noexcept;
    void produce(std::span<const float> frames);

    std::unique_ptr<Decoder> decoder_;
    std::string name_;
    StreamSetup setup_;
    uint32_t channels_ = 2;
    SpscRing<float> ring_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};   // the producer has pushed everything
    std::atomic<uint64_t> underruns_{0};
    std::string error_;                   // written by the decoder thread before finished_
};

}  // namespace simvx
