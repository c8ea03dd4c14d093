// Runs VoiceSource::fill() or prefetch() for many sources on two cores: the
// calling thread and one helper thread, each taking the next source from a
// shared counter. Used between blocks of an offline render, whose streams
// decode on the rendering thread (OfflineStreamSource): with dozens of stems
// the decoding is as costly as the mixing, and this machine class has a
// second core. A prefetch runs on the helper alone while the caller renders;
// the caller joins in when it comes back for the result. If the helper is
// slow to wake (a busy machine), the caller simply does the sources itself;
// it only ever waits for the one source the helper holds. Every source is
// handled by exactly one thread, so the output does not depend on which.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "mix/voice_source.hpp"

namespace simvx {

class SourceFiller {
public:
    SourceFiller() = default;
    ~SourceFiller();
    SourceFiller(const SourceFiller&) = delete;
    SourceFiller& operator=(const SourceFiller&) = delete;

    // Fills each source with `frames`; returns when all are done. Rethrows
    // what a fill() threw. Finishes a prefetch under way first.
    void fill(std::span<VoiceSource* const> sources, size_t frames);
    // Starts prefetch(frames) of each source on the helper and returns at once.
    void start_prefetch(std::span<VoiceSource* const> sources, size_t frames);
    // Helps the prefetch under way (if any) to its end; rethrows what it threw.
    void finish();

private:
    enum class Job { fill, prefetch };
    void start(std::span<VoiceSource* const> sources, size_t frames, Job job);
    void helper_loop();
    void work() noexcept;  // takes sources until none is left

    std::mutex mutex_;
    std::condition_variable wake_, done_;
    std::thread thread_;
    // Written under mutex_; atomic so that a waiting thread can spin on them
    // briefly before sleeping (see spin_until).
    std::atomic<bool> quit_{false};
    std::atomic<uint64_t> generation_{0};  // a new batch
    std::atomic<bool> helper_busy_{false};  // the helper is inside work()
    bool running_ = false;        // a batch was started and not finished (caller's thread)
    std::vector<VoiceSource*> sources_;  // the batch; read by the helper only while busy
    size_t frames_ = 0;
    Job job_ = Job::fill;
    std::atomic<size_t> next_{0};
    std::exception_ptr failure_;  // first failure (guarded by mutex_)
    std::vector<VoiceSource*> decoding_;  // fill(): the sources with decoding to do (caller's thread)
};

}  // namespace simvx
