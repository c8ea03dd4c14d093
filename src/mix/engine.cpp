#include "mix/engine.hpp"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/denormal_guard.hpp"

namespace simvx {
std::optional<uint64_t> scene_length(const EngineConfig& config, const std::vector<VoiceSetup>& voices) {
    if (config.duration_frames) return config.duration_frames;
    uint64_t end = 0;
    for (const VoiceSetup& v : voices) {
        if (!v.end_frame) return std::nullopt;
        end = std::max(end, *v.end_frame);
    }
    return end;
}

Engine::Engine(EngineConfig config, std::vector<VoiceSetup> voices)
    : config_(config),
      master_(config.master_mute ? 0.0f : config.master_gain,
              static_cast<uint32_t>(config.output.rate / 100)),  // 10 ms gain ramps
      stop_fade_(1.0f, static_cast<uint32_t>(std::max(1.0, config.stop_fade_seconds * config.output.rate))) {
    length_ = scene_length(config_, voices);
    voices_.reserve(voices.size());
    for (auto& v : voices) voices_.emplace_back(std::move(v));
    bus_.assign(static_cast<size_t>(config_.max_block) * 2, 0.0f);
    scratch_.assign(static_cast<size_t>(config_.max_block) * 2, 0.0f);
    end_ = length_;
    position_.store(config_.start_frame);
    if (end_ && *end_ <= config_.start_frame) finished_.store(true);
}

bool Engine::wait_for_sources(size_t frames, double timeout_s) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    const uint64_t until = position() + frames;
    for (const Voice& v : voices_) {
        if (v.state() == Voice::State::stopped || v.setup().start_frame >= until) continue;
        while (!v.setup().source->ready(frames)) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
    }
    return true;
}

std::vector<std::string> Engine::source_errors() const {
    std::vector<std::string> errors;
    for (const Voice& v : voices_)
        if (auto e = v.setup().source->error(); !e.empty()) errors.push_back(std::move(e));
    return errors;
}

uint64_t Engine::underruns() const noexcept {
    uint64_t n = 0;
    for (const Voice& v : voices_) n += v.setup().source->underruns();
    return n;
}

size_t Engine::render(std::span<float> out) noexcept {
    DenormalGuard guard;
    const uint32_t ch = config_.output.channels;
    const size_t want = out.size() / ch;
    size_t done = 0;
    while (done < want && !finished_.load(std::memory_order_relaxed)) {
        if (!stopping_ && stop_requested_.load(std::memory_order_relaxed)) {
            stopping_ = true;
            stop_fade_.set_target(0.0f);
            const uint64_t fade_end = position_.load(std::memory_order_relaxed) +
                                     static_cast<uint64_t>(config_.stop_fade_seconds * config_.output.rate) + 1;
            end_ = end_ ? std::min(*end_, fade_end) : fade_end;
        }
        size_t n = std::min<size_t>(want - done, config_.max_block);
        const uint64_t pos = position_.load(std::memory_order_relaxed);
        if (end_) n = static_cast<size_t>(std::min<uint64_t>(n, *end_ - pos));
        n = render_block(out.data() + done * ch, n);
        done += n;
        position_.store(pos + n, std::memory_order_relaxed);
        if (end_ && pos + n >= *end_) finished_.store(true, std::memory_order_release);
    }
    return done;
}

size_t Engine::render_block(float* out, size_t frames) noexcept {
    const uint64_t pos = position_.load(std::memory_order_relaxed);
    std::fill_n(bus_.begin(), frames * 2, 0.0f);
    for (Voice& v : voices_) v.mix(bus_.data(), pos, frames, scratch_.data());

    // Master: volume (ramped), then the stop fade. Unity gain multiplies by
    // exactly 1, which keeps the identity render bit-exact.
    float* b = bus_.data();
    if (master_.ramping() || master_.value() != 1.0f || stop_fade_.ramping() || stop_fade_.value() != 1.0f) {
        for (size_t i = 0; i < frames; ++i) {
            const float g = master_.next() * stop_fade_.next();
            b[2 * i] *= g;
            b[2 * i + 1] *= g;
        }
    }
    uint64_t over = 0;
    if (config_.output.channels == 2) {
        for (size_t i = 0; i < frames * 2; ++i) {
            out[i] = b[i];
            over += std::fabs(b[i]) > 1.0f;
        }
    } else {
        // A mono output averages the two sides (a centred mono sound stays unchanged).
        for (size_t i = 0; i < frames; ++i) {
            out[i] = (b[2 * i] + b[2 * i + 1]) * 0.5f;
            over += std::fabs(out[i]) > 1.0f;
        }
    }
    if (over) over_.fetch_add(over, std::memory_order_relaxed);
    return frames;
}

}  // namespace simvx
