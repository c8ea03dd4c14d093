#include "mix/offline_stream_source.hpp"

#include <algorithm>
#include <cstring>

#include "core/log.hpp"

namespace simvx {

OfflineStreamSource::OfflineStreamSource(std::unique_ptr<Decoder> decoder, std::string name, const StreamSetup& setup)
    : decoder_(std::move(decoder)), name_(std::move(name)), reader_(*decoder_, setup), channels_(reader_.channels()) {}

void OfflineStreamSource::decode(SampleVector& into, size_t frames, bool& ended, std::string& error) {
    try {
        while (!ended && into.size() / channels_ < frames) ended = !reader_.next(into);
    } catch (const std::exception& e) {
        error = e.what();
        ended = true;
    }
    if (ended && reader_.non_finite())
        log::warn(name_ + ": " + std::to_string(reader_.non_finite()) + " NaN or infinite samples replaced by silence");
}

void OfflineStreamSource::fill(size_t frames) {
    // The played part goes; what is left is at most a block or two, so the move is cheap.
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(read_));
    read_ = 0;
    if (!ahead_.empty() || ahead_ended_) {
        // Take over what was decoded ahead: usually everything was played, and the buffers just swap.
        if (buffer_.empty()) buffer_.swap(ahead_);
        else buffer_.insert(buffer_.end(), ahead_.begin(), ahead_.end());
        ahead_.clear();
        ended_ = ahead_ended_;
        error_ = ahead_error_;
    }
    if (!ended_ && buffered() < frames) decode(buffer_, frames, ended_, error_);
    ahead_ended_ = ended_;
    ahead_error_ = error_;
    // What the next block will lack once this one has played: a decoder step
    // can give several blocks at once (an 8 kHz file at 48 kHz, six), and
    // decoding ahead regardless would grow the buffer without bound.
    const size_t left = buffered() > frames ? buffered() - frames : 0;
    ahead_want_ = left < frames ? frames - left : 0;
}

// On the helper thread while the block renders: reads only what fill() left for it.
void OfflineStreamSource::prefetch(size_t) {
    if (!ahead_ended_ && ahead_want_) decode(ahead_, ahead_want_, ahead_ended_, ahead_error_);
}

size_t OfflineStreamSource::pull(float* out, size_t frames) noexcept {
    const size_t got = std::min(frames, buffered());
    if (got) std::memcpy(out, buffer_.data() + read_, got * channels_ * sizeof(float));
    read_ += got * channels_;
    if (got == frames || ended_) return got;
    // Only when pulled without fill(): silence for the gap, counted, as a live stream would.
    std::memset(out + got * channels_, 0, (frames - got) * channels_ * sizeof(float));
    ++underruns_;
    return frames;
}

const float* OfflineStreamSource::lend(size_t frames) noexcept {
    if (buffered() < frames) return nullptr;
    const float* p = buffer_.data() + read_;
    read_ += frames * channels_;
    return p;
}

bool OfflineStreamSource::ready(size_t frames) const noexcept { return ended_ || buffered() >= frames; }

}  // namespace simvx
