#include "sink/pull_thread.hpp"

namespace simvx {

PullThreadSink::~PullThreadSink() { stop_thread(); }

void PullThreadSink::configure(const AudioSpec& spec, size_t period_frames) {
    spec_ = spec;
    period_ = period_frames ? period_frames : 1;
    buffer_.assign(period_ * spec.channels, 0.0f);
}

void PullThreadSink::start(PullFn pull) {
    pull_ = std::move(pull);
    thread_ = std::thread([this] { loop(); });
}

void PullThreadSink::loop() {
    try {
        on_thread_start();
        while (!stop_.load(std::memory_order_relaxed)) {
            const size_t n = pull_(buffer_);
            if (n) deliver(std::span<const float>(buffer_.data(), n * spec_.channels));
            written_.fetch_add(n, std::memory_order_relaxed);
            if (n < period_) break;
            wait_for_next_period();
        }
    } catch (...) {
        failure_ = std::current_exception();
    }
    done_.set();
}

void PullThreadSink::join() {
    if (thread_.joinable()) thread_.join();
    if (failure_) std::rethrow_exception(failure_);
}

void PullThreadSink::stop_thread() noexcept {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
}

}  // namespace simvx
