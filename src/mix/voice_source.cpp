#include "mix/voice_source.hpp"

#include <algorithm>
#include <cstring>

namespace simvx {

BufferSource::BufferSource(SharedBuffer buffer, uint64_t from, bool loop, uint64_t loop_start, uint64_t loop_end)
    : buffer_(std::move(buffer)), pos_(from), loop_(loop), loop_start_(loop_start), loop_end_(loop_end) {
    const uint64_t len = buffer_->frames();
    if (loop_end_ == 0 || loop_end_ > len) loop_end_ = len;
    if (loop_start_ >= loop_end_) loop_ = false;  // the loader rejects this; stay safe anyway
}

size_t BufferSource::pull(float* out, size_t frames) noexcept {
    const uint32_t ch = buffer_->channels;
    const float* data = buffer_->samples.data();
    size_t done = 0;
    while (done < frames) {
        const uint64_t end = loop_ ? loop_end_ : buffer_->frames();
        if (pos_ >= end) {
            if (!loop_) break;
            pos_ = loop_start_;
        }
        const size_t n = static_cast<size_t>(std::min<uint64_t>(frames - done, end - pos_));
        std::memcpy(out + done * ch, data + pos_ * ch, n * ch * sizeof(float));
        pos_ += n;
        done += n;
    }
    return done;
}

const float* BufferSource::lend(size_t frames) noexcept {
    const uint64_t end = loop_ ? loop_end_ : buffer_->frames();
    if (pos_ >= end || end - pos_ < frames) return nullptr;  // at a wrap or the end: pull() handles those
    const float* p = buffer_->samples.data() + pos_ * buffer_->channels;
    pos_ += frames;
    return p;
}

}  // namespace simvx
