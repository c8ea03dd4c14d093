#include "sink/null_sink.hpp"

#include <cmath>
#include <thread>

#include "core/thread_priority.hpp"

namespace simvx {

void NullSink::open(const AudioSpec& spec) {
    const auto frames = static_cast<size_t>(std::max(1.0, std::round(period_seconds_ * spec.rate)));
    configure(spec, frames);
    period_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(static_cast<double>(frames) / spec.rate));
}

// Absolute deadlines, so the pace does not drift with the time spent rendering.
void NullSink::wait_for_next_period() {
    const auto now = std::chrono::steady_clock::now();
    if (next_ == std::chrono::steady_clock::time_point{}) next_ = now;
    next_ += period_;
    if (next_ < now - 10 * period_) next_ = now;  // far behind (machine starved): do not burst to catch up
    std::this_thread::sleep_until(next_);
}

std::string NullSink::describe() const {
    return "null output, " + std::to_string(static_cast<int>(std::lround(period_seconds_ * 1000))) + " ms periods";
}

void NullSink::on_thread_start() { raise_audio_thread_priority(); }

}  // namespace simvx
