#include "mix/source_filler.hpp"

#include <utility>

namespace simvx {

SourceFiller::~SourceFiller() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void SourceFiller::work() noexcept {
    for (size_t i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < sources_.size();) {
        try {
            sources_[i]->fill(frames_);
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!failure_) failure_ = std::current_exception();
        }
    }
}

void SourceFiller::helper_loop() {
    uint64_t seen = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        helper_busy_ = true;
        lock.unlock();
        work();
        lock.lock();
        helper_busy_ = false;
        done_.notify_one();
    }
}

void SourceFiller::fill(std::span<VoiceSource* const> sources, size_t frames) {
    if (sources.size() < 2) {
        for (VoiceSource* s : sources) s->fill(frames);
        return;
    }
    if (!thread_.joinable()) thread_ = std::thread([this] { helper_loop(); });
    {
        // The helper reads sources_ only while busy, and a late one may still be in an old batch.
        std::unique_lock lock(mutex_);
        done_.wait(lock, [&] { return !helper_busy_; });
        sources_ = sources;
        frames_ = frames;
        next_.store(0, std::memory_order_relaxed);
        failure_ = nullptr;
        ++generation_;
    }
    wake_.notify_one();
    work();
    std::unique_lock lock(mutex_);
    // The helper is waited for only if it is at work; one that wakes later
    // finds nothing left (or a later batch, which it joins like any other).
    done_.wait(lock, [&] { return !helper_busy_; });
    sources_ = {};
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

}  // namespace simvx
