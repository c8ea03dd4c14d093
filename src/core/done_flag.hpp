// A one-way "finished" flag that another thread can wait on with a timeout.
// set() takes a lock, so it is for sink and control threads, never render code.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace simvx {

class DoneFlag {
public:
    void set() {
        {
            std::lock_guard lock(mutex_);
            done_.store(true, std::memory_order_release);
        }
        cv_.notify_all();
    }
    bool is_set() const { return done_.load(std::memory_order_acquire); }
    // True when set within `timeout`.
    bool wait_for(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [this] { return done_.load(std::memory_order_acquire); });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::atomic<bool> done_{false};
};

}  // namespace simvx
