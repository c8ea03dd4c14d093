// Runs VoiceSource::fill() for many sources on two cores: the calling thread
// and one helper thread, each taking the next source from a shared counter.
// Used between blocks of an offline render, whose streams decode on the
// rendering thread (OfflineStreamSource): with dozens of stems the decoding
// is as costly as the mixing, and this machine class has a second core. If
// the helper is slow to wake (a busy machine), the caller simply does the
// sources itself; it only ever waits for the one source the helper holds.
// Every source is filled by exactly one thread, so the output does not
// depend on which.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <exception>
#include <mutex>
#include <span>
#include <thread>

#include "mix/voice_source.hpp"

namespace simvx {

class SourceFiller {
public:
    SourceFiller() = default;
    ~SourceFiller();
    SourceFiller(const SourceFiller&) = delete;
    SourceFiller& operator=(const SourceFiller&) = delete;

    // Fills each source with `frames`; returns when all are done. Rethrows
    // what a fill() threw. The helper thread starts on the first call with
    // more than one source.
    void fill(std::span<VoiceSource* const> sources, size_t frames);

private:
    void helper_loop();
    void work() noexcept;  // takes sources until none is left

    std::mutex mutex_;
    std::condition_variable wake_, done_;
    std::thread thread_;
    bool quit_ = false;
    uint64_t generation_ = 0;     // a new batch (guarded by mutex_)
    bool helper_busy_ = false;    // the helper is inside work() (guarded by mutex_)
    std::span<VoiceSource* const> sources_;
    size_t frames_ = 0;
    std::atomic<size_t> next_{0};
    std::exception_ptr failure_;  // first failure (guarded by mutex_)
};

}  // namespace simvx
