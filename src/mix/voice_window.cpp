#include "mix/voice_window.hpp"

#include <algorithm>

namespace simvx {

VoiceWindow::VoiceWindow(std::span<const uint64_t> starts) {
    order_.reserve(starts.size());
    for (size_t i = 0; i < starts.size(); ++i) order_.push_back({starts[i], static_cast<uint32_t>(i)});
    std::stable_sort(order_.begin(), order_.end(), [](const Start& a, const Start& b) { return a.start < b.start; });
    in_.reserve(starts.size());
}

void VoiceWindow::admit(uint64_t until) noexcept {
    for (; next_ < order_.size() && order_[next_].start < until; ++next_) {
        const uint32_t v = order_[next_].voice;
        // Most come in index order too (a sound's triggers are numbered in
        // time): an append. Insertion has room: capacity is every voice.
        in_.insert(in_.empty() || in_.back() < v ? in_.end() : std::upper_bound(in_.begin(), in_.end(), v), v);
    }
}

}  // namespace simvx
