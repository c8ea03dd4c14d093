// --record FILE: what live playback (PulseAudio or --null) sends to the
// output, also written to a 32-bit float WAV file. The render thread only
// copies each block into a lock-free ring; a WAV file sink (temporary name,
// renamed when complete) drains it on its own thread.
#pragma once
#include <atomic>
#include <span>
#include <string>

#include "core/audio_spec.hpp"
#include "core/spsc_ring.hpp"
#include "sink/file_sink.hpp"

namespace simvx {

class Recorder {
public:
    Recorder(const std::string& path, const AudioSpec& spec);  // throws OutputError
    ~Recorder();

    // Render thread: the output samples (interleaved). Real-time safe; what
    // does not fit in the ring (two seconds) is dropped and counted.
    void push(std::span<const float> samples) noexcept;
    // Control thread, after playback ended: writes what is queued and completes the file.
    void finish();
    uint64_t dropped_frames() const noexcept { return dropped_.load(std::memory_order_relaxed); }

private:
    size_t pull(std::span<float> out);

    uint32_t channels_;
    SpscRing<float> ring_;
    FileSink file_;
    std::atomic<bool> ended_{false};
    std::atomic<uint64_t> dropped_{0};
};

}  // namespace simvx
