// --null: the engine pulled by a simulated device, one period at a time, and
// the samples discarded. Everything above it runs exactly as with a sound
// card; the device's behaviour (a steady clock, none, jitter, stalls, a lost
// device) is chosen with a NullDevice, and what a real device would report
// is counted: an underrun when a period arrives after the device ran dry,
// a reconnect when a lost device comes back.
#pragma once
#include <atomic>
#include <chrono>
#include <random>

#include "sink/null_device.hpp"
#include "sink/pull_thread.hpp"

namespace simvx {

class NullSink final : public PullThreadSink {
public:
    explicit NullSink(double period_seconds, NullDevice device = {})
        : period_seconds_(period_seconds), device_(device) {}
    ~NullSink() override { abort(); }

    void open(const AudioSpec& spec) override;
    void finish() override { join(); }
    void abort() noexcept override { stop_thread(); }
    std::string describe() const override;
    uint64_t underruns() const override { return underruns_.load(std::memory_order_relaxed); }
    uint64_t reconnects() const override { return reconnects_.load(std::memory_order_relaxed); }
    bool reconnecting() const override { return reconnecting_.load(std::memory_order_relaxed); }

private:
    using Clock = std::chrono::steady_clock;
    void deliver(std::span<const float>) override {}
    void wait_for_next_period() override;
    void on_thread_start() override;  // real-time priority, like a device's thread
    void sleep_for(double seconds);   // in slices, so that abort() is never kept waiting long
    bool event_due();                 // a stall or loss falls in the period just delivered

    double period_seconds_;
    NullDevice device_;
    Clock::time_point next_{};     // when the period just pulled was due
    Clock::duration period_{};
    uint64_t frames_per_event_ = 0;  // stall / lost: frames delivered between two events
    uint64_t next_event_ = 0;        // frames delivered when the next one comes
    std::minstd_rand jitter_rng_{1};  // fixed seed: the same wake-up pattern every run
    std::atomic<uint64_t> underruns_{0};
    std::atomic<uint64_t> reconnects_{0};
    std::atomic<bool> reconnecting_{false};
};

}  // namespace simvx
