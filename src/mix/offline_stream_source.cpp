#include "mix/offline_stream_source.hpp"

#include <algorithm>
#include <cstring>

#include "core/log.hpp"

namespace simvx {

OfflineStreamSource::OfflineStreamSource(std::unique_ptr<Decoder> decoder, std::string name, const StreamSetup& setup)
    : decoder_(std::move(decoder)), name_(std::move(name)), reader_(*decoder_, setup), channels_(reader_.channels()) {}

void OfflineStreamSource::fill(size_t frames) {
    if (ended_ || buffered() >= frames) return;
    // The played part goes; what is left is at most a chunk, so the move is cheap.
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(read_));
    read_ = 0;
    try {
        while (!ended_ && buffered() < frames) ended_ = !reader_.next(buffer_);
    } catch (const std::exception& e) {
        error_ = e.what();
        ended_ = true;
    }
    if (ended_ && reader_.non_finite())
        log::warn(name_ + ": " + std::to_string(reader_.non_finite()) + " NaN or infinite samples replaced by silence");
}

size_t OfflineStreamSource::pull(float* out, size_t frames) noexcept {
    const size_t got = std::min(frames, buffered());
    std::memcpy(out, buffer_.data() + read_, got * channels_ * sizeof(float));
    read_ += got * channels_;
    if (got == frames || ended_) return got;
    // Only when pulled without fill(): silence for the gap, counted, as a live stream would.
    std::memset(out + got * channels_, 0, (frames - got) * channels_ * sizeof(float));
    ++underruns_;
    return frames;
}

bool OfflineStreamSource::ready(size_t frames) const noexcept { return ended_ || buffered() >= frames; }

}  // namespace simvx
