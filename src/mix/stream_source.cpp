#include "mix/stream_source.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"

namespace simvx {
StreamSource::StreamSource(std::unique_ptr<Decoder> decoder, std::string name, const StreamSetup& setup)
    : decoder_(std::move(decoder)),
      name_(std::move(name)),
      setup_(setup),
      channels_(decoded_channels(decoder_->info().spec.channels, setup.keep_channels)),
      ring_(setup.ring_frames * channels_) {
    thread_ = std::thread([this] { decode_loop(); });
}

StreamSource::~StreamSource() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
}

// Pushes converted frames into the ring, waiting (on this decoder thread,
// never the render thread) while it is full. Once full, it waits until half
// the ring is free before topping it up: a few large pushes instead of a
// wake-up for every block the render takes (with dozens of streams, the
// wake-ups would cost more than the decoding), and still far ahead of the
// render, which has half a ring left to play meanwhile.
void StreamSource::produce(std::span<const float> frames) {
    const size_t half = ring_.capacity() / 2;
    while (!frames.empty() && !stop_.load(std::memory_order_relaxed)) {
        frames = frames.subspan(ring_.push(frames));
        if (frames.empty()) break;
        // Back off from 100 µs to 2 ms: prompt for one fast stream, few wake-ups for many.
        auto pause = std::chrono::microseconds(100);
        while (ring_.writable() < std::min(frames.size(), half) && !stop_.load(std::memory_order_relaxed)) {
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::microseconds(2000));
        }
    }
}

void StreamSource::decode_loop() noexcept {
    try {
        StreamReader reader(*decoder_, setup_);
        SampleVector out;
        for (bool more = true; more && !stop_.load(std::memory_order_relaxed);) {
            out.clear();
            more = reader.next(out);
            produce(out);
        }
        if (reader.non_finite())
            log::warn(name_ + ": " + std::to_string(reader.non_finite()) + " NaN or infinite samples replaced by silence");
    } catch (const std::exception& e) {
        error_ = e.what();
    }
    finished_.store(true, std::memory_order_release);
}

size_t StreamSource::pull(float* out, size_t frames) noexcept {
    const bool finished = finished_.load(std::memory_order_acquire);  // read before popping: no frame can be missed
    const size_t got = ring_.pop(std::span<float>(out, frames * channels_)) / channels_;
    if (got == frames || finished) return got;
    // Live playback and the decoder is late: silence for the gap, counted.
    std::memset(out + got * channels_, 0, (frames - got) * channels_ * sizeof(float));
    underruns_.fetch_add(1, std::memory_order_relaxed);
    return frames;
}

bool StreamSource::ready(size_t frames) const noexcept {
    const size_t want = std::min(frames, ring_.capacity() / channels_ / 2) * channels_;
    return finished_.load(std::memory_order_acquire) || ring_.readable() >= want;
}

std::string StreamSource::error() const {
    return finished_.load(std::memory_order_acquire) ? error_ : std::string();
}

}  // namespace simvx
