#include "app/measure/recorder.hpp"

#include <chrono>
#include <thread>

namespace simvx {

Recorder::Recorder(const std::string& path, const AudioSpec& spec)
    : channels_(spec.channels), ring_(static_cast<size_t>(spec.rate) * spec.channels * 2), file_(path, Encoding{.format = SampleFormat::f32}, std::nullopt) {
    file_.open(spec);
    file_.start([this](std::span<float> out) { return pull(out); });
}

Recorder::~Recorder() {
    ended_.store(true);
    file_.abort();
}

void Recorder::push(std::span<const float> samples) noexcept {
    if (ring_.writable() < samples.size()) {  // whole blocks or nothing: channels stay in step
        dropped_.fetch_add(samples.size() / channels_, std::memory_order_relaxed);
        return;
    }
    ring_.push(samples);
}

// The file sink's thread: a full period, or at the end whatever is left (fewer frames = the end).
size_t Recorder::pull(std::span<float> out) {
    size_t got = 0;
    while (got < out.size()) {
        got += ring_.pop(out.subspan(got));
        if (got == out.size()) break;
        if (ended_.load(std::memory_order_acquire)) {
            got += ring_.pop(out.subspan(got));
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return got / channels_;
}

void Recorder::finish() {
    ended_.store(true, std::memory_order_release);
    file_.finish();
}

}  // namespace simvx
