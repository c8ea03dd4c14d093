#include "app/measure/bus_meters.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace simvx {

BusMeters::BusMeters(const RenderPlan& plan, const AudioSpec& output, Mode mode, bool loudness, BlockListener* listener,
                     std::string output_name)
    : mode_(mode), listener_(listener) {
    output_index_ = plan.buses[plan.output].index;
    std::vector<const RenderPlan::Bus*> by_index(plan.buses.size());
    for (const auto& b : plan.buses) by_index[b.index] = &b;
    auto add_row = [&](std::string name, uint32_t channels) {
        auto c = std::make_unique<Channel>();
        c->row = rows_.size();
        c->name = std::move(name);
        c->channels = channels;
        if (loudness) c->meter = std::make_unique<LoudnessMeter>(channels, output.rate);
        if (mode_ != Mode::synchronous)
            c->ring = std::make_unique<SpscRing<float>>(static_cast<size_t>(output.rate) * channels);
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
    if (mode_ == Mode::pipelined) thread_ = std::thread([this] { run_pipelined(); });
}

BusMeters::~BusMeters() {
    stop_.store(true);
    offered_.fetch_add(1);
    offered_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void BusMeters::block(const RenderPlan& plan, const float* out, size_t frames) noexcept {
    if (!frames) return;
    take(*rows_[0], out, frames);
    take_buses(plan, frames);
    offered();
}

void BusMeters::buses(const RenderPlan& plan, size_t frames) noexcept {
    if (!frames) return;
    take_buses(plan, frames);
    offered();
}

void BusMeters::output(const float* out, size_t frames) noexcept {
    if (!frames) return;
    take(*rows_[0], out, frames);
    offered();
}

void BusMeters::take(Channel& c, const float* x, size_t frames) noexcept {
    if (mode_ == Mode::synchronous) measure(c, x, frames);
    else offer(c, x, frames);
}

void BusMeters::take_buses(const RenderPlan& plan, size_t frames) noexcept {
    for (const auto& bus : plan.buses) {
        if (bus.index == output_index_ || bus.index >= row_of_bus_.size()) continue;  // a bus added by a reload
        take(*rows_[row_of_bus_[bus.index]], bus.buffer.data(), frames);
    }
}

void BusMeters::offered() noexcept {
    if (mode_ != Mode::pipelined) return;
    offered_.fetch_add(1, std::memory_order_release);
    offered_.notify_one();
}

// The render's thread: a whole block or nothing, so channels stay in step.
// Threaded (live): never waits; a full ring drops the block. Pipelined waits
// for room, which only an offline render's pull thread, never a live audio
// thread, is allowed to do.
void BusMeters::offer(Channel& c, const float* x, size_t frames) noexcept {
    const size_t n = frames * c.channels;
    while (c.ring->writable() < n) {
        if (mode_ == Mode::threaded) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        // Pipelined (offline): wait for the metering thread to make room.
        const uint32_t seen = popped_.load(std::memory_order_acquire);
        if (c.ring->writable() < n) popped_.wait(seen, std::memory_order_acquire);
    }
    c.ring->push(std::span<const float>(x, n));
}

void BusMeters::measure(Channel& c, const float* x, size_t frames) {
    // On the render's pull thread (synchronous), else on the metering thread.
    const size_t n = frames * c.channels;
    const SampleLevels levels = c.meter ? c.meter->add(x, frames) : sample_levels(x, n);
    if (listener_) listener_->row_block(c.row, x, frames);
    const float peak = levels.peak;
    const double energy = levels.energy;
    for (auto& r : c.recent) {
        float seen = r.peak.load(std::memory_order_relaxed);
        while (peak > seen && !r.peak.compare_exchange_weak(seen, peak, std::memory_order_relaxed)) {
        }
        r.energy.fetch_add(energy, std::memory_order_relaxed);
        r.samples.fetch_add(n, std::memory_order_relaxed);
    }
}

void BusMeters::drain() {
    for (auto& c : rows_) {
        const size_t chunk = scratch_.size() / c->channels * c->channels;
        for (size_t n; (n = c->ring->pop(std::span<float>(scratch_.data(), chunk))) > 0;) {
            if (mode_ == Mode::pipelined) {  // room for the render, before measuring what was popped
                popped_.fetch_add(1, std::memory_order_release);
                popped_.notify_one();
            }
            measure(*c, scratch_.data(), n / c->channels);
        }
    }
}

void BusMeters::run() {
    while (!stop_.load(std::memory_order_relaxed)) {
        drain();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// Pipelined mode: measures whatever arrived, then sleeps until the render
// offers more (or stops).
void BusMeters::run_pipelined() {
    for (;;) {
        const uint32_t seen = offered_.load(std::memory_order_acquire);
        drain();
        if (stop_.load(std::memory_order_acquire)) return;
        offered_.wait(seen, std::memory_order_acquire);
    }
}

std::vector<BusStats> BusMeters::finish() {
    if (thread_.joinable()) {
        stop_.store(true);
        offered_.fetch_add(1);
        offered_.notify_one();
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

std::vector<BusMeters::RecentLevel> BusMeters::take_recent(Reader reader) {
    std::vector<RecentLevel> levels;
    for (auto& c : rows_) {
        auto& r = c->recent[static_cast<size_t>(reader)];
        RecentLevel l;
        l.peak = r.peak.exchange(0.0f, std::memory_order_relaxed);
        const double energy = r.energy.exchange(0.0, std::memory_order_relaxed);
        const uint64_t samples = r.samples.exchange(0, std::memory_order_relaxed);
        l.rms = samples ? std::sqrt(energy / static_cast<double>(samples)) : 0.0;
        levels.push_back(l);
    }
    return levels;
}

uint64_t BusMeters::recent_frames(Reader reader) const {
    const Channel& out = *rows_[0];
    return out.recent[static_cast<size_t>(reader)].samples.load(std::memory_order_relaxed) / out.channels;
}

std::vector<float> BusMeters::take_recent_peaks() {
    std::vector<float> peaks;
    for (const auto& l : take_recent(Reader::display)) peaks.push_back(l.peak);
    return peaks;
}

}  // namespace simvx
