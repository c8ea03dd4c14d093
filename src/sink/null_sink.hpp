// --null: the engine pulled in real time by a clock, one period at a time,
// and the samples discarded. A device simulator for tests and benchmarks:
// everything above it runs exactly as with a sound card.
#pragma once
#include <chrono>

#include "sink/pull_thread.hpp"

namespace simvx {

class NullSink final : public PullThreadSink {
public:
    explicit NullSink(double period_seconds) : period_seconds_(period_seconds) {}
    ~NullSink() override { abort(); }

    void open(const AudioSpec& spec) override;
    void finish() override { join(); }
    void abort() noexcept override { stop_thread(); }
    std::string describe() const override;

private:
    void deliver(std::span<const float>) override {}
    void wait_for_next_period() override;
    void on_thread_start() override;  // real-time priority, like a device's thread

    double period_seconds_;
    std::chrono::steady_clock::time_point next_{};
    std::chrono::steady_clock::duration period_{};
};

}  // namespace simvx
