// The thread shared by the sinks that drive themselves (file and null): pull
// a period from the engine, hand it to deliver(), wait for the next period
// (or not, offline), until the engine ends, the sink is aborted, or deliver fails.
#pragma once
#include <atomic>
#include <exception>
#include <span>
#include <thread>
#include <vector>

#include "sink/sink.hpp"

namespace simvx {

class PullThreadSink : public Sink {
public:
    ~PullThreadSink() override;
    void start(PullFn pull) override;
    uint64_t frames_written() const override { return written_.load(std::memory_order_relaxed); }

protected:
    // Called from open(): the format and the frames pulled at a time.
    void configure(const AudioSpec& spec, size_t period_frames);
    // Waits for the thread; rethrows what deliver() threw.
    void join();
    void stop_thread() noexcept;
    // True once stop_thread() has been asked: a sink that waits long on its
    // thread checks it, so that stopping is never kept waiting.
    bool stopping() const { return stop_.load(std::memory_order_relaxed); }
    const AudioSpec& spec() const { return spec_; }

    // The output's part: consume interleaved frames (may throw).
    virtual void deliver(std::span<const float> frames) = 0;
    // Pacing before the next pull; the default is none (as fast as possible).
    virtual void wait_for_next_period() {}
    // Called on the thread before the first pull (a real-time sink raises its priority).
    virtual void on_thread_start() {}

private:
    void loop();

    AudioSpec spec_;
    size_t period_ = 1024;
    std::vector<float> buffer_;
    PullFn pull_;
    std::thread thread_;
    std::exception_ptr failure_;
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> written_{0};
};

}  // namespace simvx
