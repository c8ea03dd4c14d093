#include "app/measure/bus_meters.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace simvx {

BusMeters::BusMeters(const RenderPlan& plan, const AudioSpec& output, Mode mode, bool loudness, std::string output_name)
    : mode_(mode) {
    output_index_ = plan.buses[plan.output].index;
    std::vector<const RenderPlan::Bus*> by_index(plan.buses.size());
    for (const auto& b : plan.buses) by_index[b.index] = &b;
    auto add_row = [&](std::string name, uint32_t channels) {
        auto c = std::make_unique<Channel>();
        c->name = std::move(name);
        c->channels = channels;
        if (loudness) c->meter = std::make_unique<LoudnessMeter>(channels, output.rate);
        if (mode_ == Mode::threaded) c->ring = std::make_unique<SpscRing<float>>(static_cast<size_t>(output.rate) * channels);
        rows_.push_back(std::move(c));
    };
    add_row(std::move(output_name), output.channels);
    row_of_bus_.assign(by_index.size(), 0);
    for (size_t i = 0; i < by_index.size(); ++i) {
        if (i == output_index_) continue;
        row_of_bus_[i] = rows_.size();
        add_row(by_index[i]->name, 2);
    }
    scratch_.resize(8192);
    if (mode_ == Mode::threaded) thread_ = std::thread([this] { run(); });
}

BusMeters::~BusMeters() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
}

void BusMeters::block(const RenderPlan& plan, const float* out, size_t frames) noexcept {
    if (!frames) return;
    auto take = [&](Channel& c, const float* x) {
        if (mode_ == Mode::threaded) offer(c, x, frames);
        else measure(c, x, frames);
    };
    take(*rows_[0], out);
    for (const auto& bus : plan.buses) {
        if (bus.index == output_index_ || bus.index >= row_of_bus_.size()) continue;  // a bus added by a reload
        take(*rows_[row_of_bus_[bus.index]], bus.buffer.data());
    }
}

// Render thread, threaded mode: a whole block or nothing, so channels stay in step.
void BusMeters::offer(Channel& c, const float* x, size_t frames) noexcept {
    const size_t n = frames * c.channels;
    if (c.ring->writable() < n) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    c.ring->push(std::span<const float>(x, n));
}

void BusMeters::measure(Channel& c, const float* x, size_t frames) {
    // Offline renders run here on the pull thread, live playback on the metering thread.
    if (c.meter) c.meter->add(x, frames);
    float peak = 0;
    for (size_t i = 0; i < frames * c.channels; ++i) peak = std::max(peak, std::fabs(x[i]));
    float seen = c.recent_peak.load(std::memory_order_relaxed);
    while (peak > seen && !c.recent_peak.compare_exchange_weak(seen, peak, std::memory_order_relaxed)) {
    }
}

void BusMeters::drain() {
    for (auto& c : rows_) {
        const size_t chunk = scratch_.size() / c->channels * c->channels;
        for (size_t n; (n = c->ring->pop(std::span<float>(scratch_.data(), chunk))) > 0;)
            measure(*c, scratch_.data(), n / c->channels);
    }
}

void BusMeters::run() {
    while (!stop_.load(std::memory_order_relaxed)) {
        drain();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::vector<BusStats> BusMeters::finish() {
    if (thread_.joinable()) {
        stop_.store(true);
        thread_.join();
        drain();  // what arrived after the thread's last look
    }
    std::vector<BusStats> out;
    for (const auto& c : rows_)
        if (c->meter) out.push_back({c->name, c->meter->stats()});
    return out;
}

std::vector<std::string> BusMeters::names() const {
    std::vector<std::string> n;
    for (const auto& c : rows_) n.push_back(c->name);
    return n;
}

std::vector<float> BusMeters::take_recent_peaks() {
    std::vector<float> peaks;
    for (auto& c : rows_) peaks.push_back(c->recent_peak.exchange(0.0f, std::memory_order_relaxed));
    return peaks;
}

}  // namespace simvx
