#include "sink/null_sink.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include "core/thread_priority.hpp"

namespace simvx {

void NullSink::open(const AudioSpec& spec) {
    const auto frames = static_cast<size_t>(std::max(1.0, std::round(period_seconds_ * spec.rate)));
    configure(spec, frames);
    period_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(static_cast<double>(frames) / spec.rate));
    frames_per_event_ = static_cast<uint64_t>(std::max(1.0, std::round(device_.every_s * spec.rate)));
    next_event_ = frames_per_event_;
}

void NullSink::on_thread_start() {
    if (device_.mode != NullDevice::Mode::untimed) raise_audio_thread_priority();
    next_ = Clock::now();
}

void NullSink::sleep_for(double seconds) {
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    while (!stopping()) {
        const auto now = Clock::now();
        if (now >= until) return;
        std::this_thread::sleep_for(std::min<Clock::duration>(until - now, std::chrono::milliseconds(10)));
    }
}

bool NullSink::event_due() {
    if (device_.mode != NullDevice::Mode::stall && device_.mode != NullDevice::Mode::lost) return false;
    if (frames_written() < next_event_) return false;
    next_event_ += frames_per_event_;
    return true;
}

// The device holds two periods: the one playing and the one just delivered.
// A period that arrives more than a period after it was due finds the device
// already dry: an underrun, and the clock starts again from now (a device
// plays silence meanwhile; it never bursts to catch up).
void NullSink::wait_for_next_period() {
    if (device_.mode == NullDevice::Mode::untimed) return;
    const auto now = Clock::now();
    if (now > next_ + period_) {
        if (!quiet()) underruns_.fetch_add(1, std::memory_order_relaxed);
        next_ = now;
    } else {
        next_ += period_;
    }
    if (event_due()) {
        if (device_.mode == NullDevice::Mode::stall) {
            // The thread is held: the next period arrives late, and the device runs dry.
            sleep_for(device_.for_s);
        } else {
            // The device is away: nothing is pulled, and the engine waits where it is.
            reconnecting_.store(true, std::memory_order_relaxed);
            sleep_for(device_.for_s);
            reconnects_.fetch_add(1, std::memory_order_relaxed);
            reconnecting_.store(false, std::memory_order_relaxed);
            next_ = Clock::now();
            return;
        }
    }
    auto wake = next_;
    if (device_.mode == NullDevice::Mode::jitter) {
        std::uniform_real_distribution<double> offset(-device_.jitter, device_.jitter);
        wake += std::chrono::duration_cast<Clock::duration>(offset(jitter_rng_) * period_);
    }
    std::this_thread::sleep_until(wake);
}

std::string NullSink::describe() const {
    std::string s = "null output, " + std::to_string(static_cast<int>(std::lround(period_seconds_ * 1000))) + " ms periods";
    if (const std::string mode = device_.describe(); !mode.empty()) s += ", " + mode;
    return s;
}

}  // namespace simvx
