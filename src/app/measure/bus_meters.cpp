#include "app/measure/bus_meters.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

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
        add_row(by_index[i]->name, plan.channels);
    }
    // Stereo rows with loudness two by two, in row order; the others alone.
    Channel* unpaired = nullptr;
    const auto add_unit = [&](Channel* first, Channel* second) {
        units_.push_back(std::make_unique<Unit>());
        units_.back()->first = first;
        units_.back()->second = second;
    };
    for (const auto& c : rows_) {
        if (!c->meter || c->channels != 2) add_unit(c.get(), nullptr);
        else if (unpaired) add_unit(std::exchange(unpaired, nullptr), c.get());
        else unpaired = c.get();
    }
    if (unpaired) add_unit(unpaired, nullptr);
    if (mode_ == Mode::threaded) threads_.emplace_back([this] { run(); });
    announce_every_ = std::max<size_t>(output.rate / 4, 1);
    if (mode_ == Mode::pipelined) {
        // One per core (the render's own thread shares one), no more than there are units.
        const size_t cores = std::max(1u, std::thread::hardware_concurrency());
        for (size_t i = 0; i < std::min(cores, units_.size()); ++i) threads_.emplace_back([this] { run_pipelined(); });
    }
}

BusMeters::~BusMeters() { stop_threads(); }

void BusMeters::stop_threads() {
    stop_.store(true);
    offered_.fetch_add(1);
    offered_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
}

void BusMeters::block(const RenderPlan& plan, const float* out, size_t frames) noexcept {
    if (!frames) return;
    take(*rows_[0], out, frames);
    take_buses(plan, frames);
    offered(frames);
}

void BusMeters::buses(const RenderPlan& plan, size_t frames) noexcept {
    if (!frames) return;
    take_buses(plan, frames);
    offered(frames);
}

void BusMeters::output(const float* out, size_t frames) noexcept {
    if (!frames) return;
    take(*rows_[0], out, frames);
    offered(frames);
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

// Pipelined: the metering threads are woken every quarter of a ring's worth
// of frames, not at every block (each wake-up is a system call or several,
// on both sides), and whenever the render is about to wait for room.
void BusMeters::offered(size_t frames) noexcept {
    if (mode_ != Mode::pipelined) return;
    unannounced_ += frames;
    if (unannounced_ >= announce_every_) announce();
}

void BusMeters::announce() noexcept {
    unannounced_ = 0;
    offered_.fetch_add(1, std::memory_order_release);
    offered_.notify_all();
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
        // Pipelined (offline): wait for the metering threads to make room.
        // They are told there is work, and told to say when they made room
        // (render_waiting_, with popped_: sequentially consistent both
        // ways, so either they see the flag or this sees what they popped).
        announce();
        render_waiting_.store(true);
        const uint32_t seen = popped_.load();
        if (c.ring->writable() < n) popped_.wait(seen);
        render_waiting_.store(false, std::memory_order_relaxed);
    }
    c.ring->push(std::span<const float>(x, n));
}

// On the render's pull thread (synchronous), else on a metering thread.
void BusMeters::measure(Channel& c, const float* x, size_t frames) {
    const size_t n = frames * c.channels;
    const bool with_energy = energy_wanted();
    const SampleLevels levels = c.meter       ? c.meter->add(x, frames, with_energy)
                                : with_energy ? sample_levels(x, n)
                                              : sample_peak_and_clips(x, n);
    measured(c, x, frames, levels);
}

// Two rows' blocks of the same length, their loudness measured side by side.
void BusMeters::measure_pair(Channel& a, const float* xa, Channel& b, const float* xb, size_t frames) {
    const auto [la, lb] = LoudnessMeter::add_pair(*a.meter, xa, *b.meter, xb, frames, energy_wanted());
    measured(a, xa, frames, la);
    measured(b, xb, frames, lb);
}

// The energy only once live control reads it (its meters events' RMS): a
// third of what the plain levels cost.
bool BusMeters::energy_wanted() const noexcept { return energy_read_.load(std::memory_order_relaxed); }

void BusMeters::measured(Channel& c, const float* x, size_t frames, const SampleLevels& levels) {
    if (listener_) listener_->row_block(c.row, x, frames);
    const float peak = levels.peak;
    const double energy = levels.energy;
    for (auto& r : c.recent) {
        float seen = r.peak.load(std::memory_order_relaxed);
        while (peak > seen && !r.peak.compare_exchange_weak(seen, peak, std::memory_order_relaxed)) {
        }
        r.energy.fetch_add(energy, std::memory_order_relaxed);
        r.samples.fetch_add(frames * c.channels, std::memory_order_relaxed);
    }
}

// Measured where the frames lie in the ring (no copy): the ring's storage
// holds whole frames unless its size is not a multiple of the channel count
// (3, 5, 6 or 7 channels), where one frame can straddle the wrap: that one
// is copied out.
BusMeters::Pending BusMeters::next(Channel& c, float* scratch, size_t most) noexcept {
    const auto piece = c.ring->peek(most * c.channels);
    if (piece.size() >= c.channels) return {piece.data(), piece.size() / c.channels, true};
    if (c.ring->readable() < c.channels) return {};
    c.ring->pop(std::span<float>(scratch, c.channels));
    return {scratch, 1, false};
}

void BusMeters::done(Channel& c, const Pending& p, size_t frames) noexcept {
    if (p.in_place) c.ring->consume(frames * c.channels);
    popped();
}

void BusMeters::popped() noexcept {
    if (mode_ != Mode::pipelined) return;
    popped_.fetch_add(1);
    if (render_waiting_.load()) popped_.notify_one();
}

void BusMeters::drain_row(Channel& c, float* scratch) {
    for (Pending p; (p = next(c, scratch, kMeasureFrames)).frames > 0;) {
        measure(c, p.x, p.frames);
        done(c, p, p.frames);
    }
}

// As many frames of both rows as both hold. What one holds beyond the
// other's waits for the other, unless this is the last look or the ring is
// half full (the render may be waiting for room in it: the output runs
// behind the buses by the output limiter's lookahead).
void BusMeters::drain_pair(Unit& u, Scratch& scratch, bool last) {
    Channel& a = *u.first;
    Channel& b = *u.second;
    for (;;) {
        const Pending pa = next(a, scratch.first.data(), kMeasureFrames);
        if (!pa.frames) break;
        const Pending pb = next(b, scratch.second.data(), pa.frames);
        if (!pb.frames) {
            if (!pa.in_place) {  // already out of its ring
                measure(a, pa.x, pa.frames);
                done(a, pa, pa.frames);
            }
            break;
        }
        const size_t n = pb.frames;  // no more than pa's
        measure_pair(a, pa.x, b, pb.x, n);
        done(a, pa, n);
        done(b, pb, n);
    }
    for (Channel* c : {&a, &b})
        if (last || c->ring->readable() * 2 >= c->ring->capacity()) drain_row(*c, scratch.first.data());
}

// Every unit no other thread is measuring, until its rings are empty. A unit
// another thread holds is left to it: that thread looks again whenever more
// was offered since it last looked (run_pipelined), so nothing waits unseen.
void BusMeters::drain(Scratch& scratch, bool last) {
    for (const auto& u : units_) {
        if (u->claimed.exchange(true, std::memory_order_acquire)) continue;
        if (u->second) drain_pair(*u, scratch, last);
        else drain_row(*u->first, scratch.first.data());
        u->claimed.store(false, std::memory_order_release);
    }
}

BusMeters::Scratch BusMeters::scratch() const {
    uint32_t channels = 1;
    for (const auto& c : rows_) channels = std::max(channels, c->channels);
    return Scratch(channels);
}

void BusMeters::run() {
    Scratch scratch = this->scratch();
    while (!stop_.load(std::memory_order_relaxed)) {
        drain(scratch);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// Pipelined mode: measures whatever arrived, then sleeps until the render
// offers more (or stops).
void BusMeters::run_pipelined() {
    Scratch scratch = this->scratch();
    for (;;) {
        const uint32_t seen = offered_.load(std::memory_order_acquire);
        drain(scratch);
        if (stop_.load(std::memory_order_acquire)) return;
        offered_.wait(seen, std::memory_order_acquire);
    }
}

std::vector<BusStats> BusMeters::finish() {
    if (!threads_.empty()) {
        stop_threads();
        Scratch scratch = this->scratch();
        drain(scratch, true);  // what arrived after the threads' last look, and what waited for its pair
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
    if (reader == Reader::control) energy_read_.store(true, std::memory_order_relaxed);
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
