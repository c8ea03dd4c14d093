// A voice source fed live by another program: PCM bytes on standard input, a
// FIFO or a file. A reader thread blocks on the input, reassembles frames
// (PcmFramer), converts them to the engine's format (DecodePipeline: downmix,
// rate) and fills a bounded ring; the render thread only pops.
//
// Nothing is dropped: when the ring holds buffer_frames, the reader stops
// reading and the pipe pushes back on the producer. When the producer is late
// during live playback, the source plays silence for the gap — the last
// sample fades to zero over a few milliseconds, and the audio fades back in
// when enough has been buffered again — and counts an underrun. An offline
// render waits instead (ready()), so its output never depends on timing.
// End of input ends the source once its buffered audio has played.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "core/spsc_ring.hpp"
#include "decode/pcm_framer.hpp"
#include "mix/voice_source.hpp"

namespace simvx {

struct PipeSetup {
    std::string source = "-";   // "-" = standard input, or a path
    PcmFormat format = PcmFormat::s16;
    // Not given by the user: a stream that starts with RIFF/RF64....WAVE is
    // read as WAV (espeak-ng --stdout, sox -t wav -). Given as raw: such a
    // stream is still read raw, with a warning.
    bool format_given = true;
    uint32_t rate = 48000;      // raw formats; WAV says its own
    uint32_t channels = 2;
    uint32_t engine_rate = 48000;
    size_t buffer_frames = 12000;  // engine frames buffered at most
};

class PipeSource final : public VoiceSource {
public:
    // Opens the input (throws InputError naming it when it cannot) and starts reading.
    explicit PipeSource(const PipeSetup& setup);
    ~PipeSource() override;
    PipeSource(const PipeSource&) = delete;
    PipeSource& operator=(const PipeSource&) = delete;

    // 1 or 2; known once the format is (a WAV header may still be on its way:
    // until then pull() writes silence for either layout).
    uint32_t channels() const noexcept override { return channels_.load(std::memory_order_acquire); }
    size_t pull(float* out, size_t frames) noexcept SIMVX_REALTIME override;
    bool ready(size_t frames) const noexcept SIMVX_REALTIME override;
    uint64_t underruns() const noexcept override { return underruns_.load(std::memory_order_relaxed); }
    std::string error() const override;

    // The reader has reached the end of the input (or failed): what is
    // buffered now is all there will be.
    bool input_ended() const noexcept { return finished_.load(std::memory_order_acquire); }
    // The most frames ready() ever waits for: an offline render pulls at most this much per wait.
    size_t max_wait_frames() const noexcept { return resume_frames_; }
    const std::string& name() const noexcept { return name_; }

private:
    void read_loop() noexcept;
    void read_all();
    bool push(std::span<const float> samples, uint32_t ch);
    void fill_gap(float* out, size_t from, size_t frames, uint32_t ch) noexcept;

    PipeSetup setup_;
    std::string name_;
    int fd_ = -1;
    bool own_fd_ = false;
    int wake_fd_ = -1;          // an eventfd: wakes the reader out of poll() to stop
    size_t buffer_frames_;
    size_t resume_frames_;      // buffered before playing (at the start and after a gap)
    SpscRing<float> ring_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};
    std::atomic<bool> waiting_{true};  // no audio out: not started yet, or in a gap
    std::atomic<uint32_t> channels_{2};
    std::atomic<uint64_t> underruns_{0};
    std::string error_;                // written by the reader before finished_

    // Render thread only.
    bool started_ = false;
    float last_[2] = {0.0f, 0.0f};     // the last frame played, faded out over a gap
    uint32_t fade_frames_;
    uint32_t fade_out_pos_;            // frames into the fade to silence
    uint32_t fade_in_pos_;             // frames into the fade back in
};

}  // namespace simvx
