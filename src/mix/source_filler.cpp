#include "mix/source_filler.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace simvx {
namespace {

// Batches come one per block, a fraction of a millisecond apart: waiting for
// the next one (or for the helper's last source) spinning for a moment saves
// a sleep and a wake-up through the kernel each time, which cost the
// rendering thread more than the small sources themselves. The caller then
// sleeps on its condition as before (at once, if `done` became true).
template <typename Done>
void spin_until(Done done) {
    constexpr auto kSpin = std::chrono::microseconds(50);
    const auto until = std::chrono::steady_clock::now() + kSpin;
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (done()) return;
#if defined(__x86_64__) || defined(__i386__)
            _mm_pause();
#endif
        }
        if (std::chrono::steady_clock::now() > until) return;
    }
}

// Waking the helper costs about what converting a few blocks of uncompressed
// samples does: fewer sources than this, all of them such, are not worth it.
constexpr size_t kWorthWaking = 4;

bool worth_waking(std::span<VoiceSource* const> sources) {
    return sources.size() >= kWorthWaking ||
           !std::all_of(sources.begin(), sources.end(), [](const VoiceSource* s) { return s->cheap_decoding(); });
}

}  // namespace

SourceFiller::~SourceFiller() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_one();
    thread_.join();  // after the batch it may be working on
}

void SourceFiller::work() noexcept {
    for (size_t i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < sources_.size();) {
        try {
            if (job_ == Job::fill) sources_[i]->fill(frames_);
            else sources_[i]->prefetch(frames_);
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
        lock.unlock();
        spin_until([&] { return quit_.load(std::memory_order_relaxed) || generation_.load(std::memory_order_acquire) != seen; });
        lock.lock();
        wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
        if (generation_ != seen) {
            seen = generation_;
            helper_busy_ = true;
            lock.unlock();
            work();
            lock.lock();
            helper_busy_ = false;
            done_.notify_one();
        }
        if (quit_) return;
    }
}

void SourceFiller::start(std::span<VoiceSource* const> sources, size_t frames, Job job) {
    finish();
    if (!thread_.joinable()) thread_ = std::thread([this] { helper_loop(); });
    {
        // The helper reads the batch only while busy, and a late one may still be in the last.
        std::unique_lock lock(mutex_);
        done_.wait(lock, [&] { return !helper_busy_; });
        sources_.assign(sources.begin(), sources.end());
        frames_ = frames;
        job_ = job;
        next_.store(0, std::memory_order_relaxed);
        failure_ = nullptr;
        ++generation_;
    }
    running_ = true;
    wake_.notify_one();
}

void SourceFiller::finish() {
    if (!running_) return;
    running_ = false;
    work();
    spin_until([&] { return !helper_busy_.load(std::memory_order_acquire); });
    std::unique_lock lock(mutex_);
    // The helper is waited for only if it is at work; one that wakes later
    // finds nothing left (or a later batch, which it joins like any other).
    done_.wait(lock, [&] { return !helper_busy_; });
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void SourceFiller::fill(std::span<VoiceSource* const> sources, size_t frames) {
    finish();
    // Usually the prefetch decoded everything: taking it over is cheap, and
    // waking the helper for that cost more than doing it here.
    decoding_.clear();
    for (VoiceSource* s : sources) {
        if (s->fill_decodes(frames)) decoding_.push_back(s);
        else s->fill(frames);
    }
    if (decoding_.size() < 2 || !worth_waking(decoding_)) {
        for (VoiceSource* s : decoding_) s->fill(frames);
        return;
    }
    start(decoding_, frames, Job::fill);
    finish();
}

void SourceFiller::start_prefetch(std::span<VoiceSource* const> sources, size_t frames) {
    finish();
    if (sources.empty() || !worth_waking(sources)) return;  // left to the next fill(), on this thread
    start(sources, frames, Job::prefetch);
}

}  // namespace simvx
