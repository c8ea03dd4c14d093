// --stats for every bus and the output, fed by the engine's BusTap.
//
// Three ways to run the meters:
// - synchronous: on the thread that renders (tests, and offline renders
//   whose meters are only the cheap peaks of --json);
// - pipelined: offline renders with --stats or --plot. Each block is copied
//   into a ring per bus and metering threads measure it on the other cores
//   while the render goes on (true peak and loudness cost about as much as
//   the mix itself): one per core, each unit (a row, or two stereo rows
//   whose K-weighting shares the four lanes of an AVX register) taken by one
//   thread at a time, so the units spread over whatever time the render
//   leaves; measured where they lie in the ring, not copied out; a full ring
//   makes the render wait, never drops a block;
// - threaded: live playback, which must keep the audio thread free of
//   allocation, locks, waits and I/O. The metering thread polls the rings; a
//   block that finds its ring full is dropped and counted (the ring holds a
//   second of audio, so that means a stalled machine).
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/measure/block_listener.hpp"
#include "app/measure/loudness_meter.hpp"
#include "core/audio_spec.hpp"
#include "core/spsc_ring.hpp"
#include "mix/bus_tap.hpp"
#include "mix/render_plan.hpp"

namespace simvx {

struct BusStats {
    std::string name;
    LoudnessStats stats;
};

class BusMeters final : public BusTap {
public:
    enum class Mode { synchronous, pipelined, threaded };
    // The buses by their index in the plan; the output is reported as `output_name`.
    // Without `loudness` only the peaks are followed (--json's status lines):
    // true peak and loudness cost far more than a status line needs.
    // `listener` (--plot) gets every row's blocks where they are measured.
    BusMeters(const RenderPlan& plan, const AudioSpec& output, Mode mode, bool loudness,
              BlockListener* listener = nullptr, std::string output_name = "Master");
    ~BusMeters() override;

    void block(const RenderPlan& plan, const float* out, size_t frames) noexcept SIMVX_REALTIME override;
    void buses(const RenderPlan& plan, size_t frames) noexcept SIMVX_REALTIME override;
    void output(const float* out, size_t frames) noexcept SIMVX_REALTIME override;

    // After the engine stopped: measures what is still queued, stops the
    // thread. The output first, then the other buses in scene order. Needs `loudness`.
    std::vector<BusStats> finish();
    // Who reads the recent levels: each reader sees every block once.
    enum class Reader { display, control };  // the status line or --json's; live control's meters events
    static constexpr size_t kReaders = 2;
    struct RecentLevel {
        float peak = 0;    // largest |sample|
        double rms = 0;    // over every sample of every channel
    };
    // Each row's level since this reader's last call, in the rows' order
    // (the output first, then the buses in scene order). The RMS is measured
    // from the control reader's first call on (0 for the display reader until then).
    std::vector<RecentLevel> take_recent(Reader reader);
    // Frames of the output measured since this reader's last take_recent.
    uint64_t recent_frames(Reader reader) const;
    // The peaks alone, for the display.
    std::vector<float> take_recent_peaks();
    // The rows' names: the output first, then the buses in scene order.
    std::vector<std::string> names() const;
    uint64_t dropped_blocks() const noexcept { return dropped_.load(std::memory_order_relaxed); }

private:
    struct Channel {
        size_t row;
        std::string name;
        uint32_t channels;
        std::unique_ptr<LoudnessMeter> meter;  // null without `loudness`
        std::unique_ptr<SpscRing<float>> ring;  // threaded and pipelined modes
        struct Recent {
            std::atomic<float> peak{0};
            std::atomic<double> energy{0};   // sum of squares
            std::atomic<uint64_t> samples{0};
        };
        Recent recent[kReaders];
    };
    void measure(Channel& c, const float* x, size_t frames);
    void measure_pair(Channel& a, const float* xa, Channel& b, const float* xb, size_t frames);
    void measured(Channel& c, const float* x, size_t frames, const SampleLevels& levels);  // the recent levels, the listener
    bool energy_wanted() const noexcept;
    // What a row's ring holds next, up to `most` frames: where they lie when
    // whole frames do before the storage wraps, else copied into `scratch`
    // (a frame across the wrap). Read, then released with done().
    struct Pending {
        const float* x = nullptr;
        size_t frames = 0;
        bool in_place = false;
    };
    Pending next(Channel& c, float* scratch, size_t most) noexcept;
    void done(Channel& c, const Pending& p, size_t frames) noexcept;  // frees `frames` of them (all, if copied)
    void popped() noexcept;                                           // room for the render
    void offer(Channel& c, const float* x, size_t frames) noexcept;
    void take(Channel& c, const float* x, size_t frames) noexcept;  // measured here, or offered
    void take_buses(const RenderPlan& plan, size_t frames) noexcept;
    void offered(size_t frames) noexcept;  // pipelined: wakes the metering threads now and then
    void announce() noexcept;              // pipelined: wakes them now
    // What one thread takes at a time: a row, or two stereo rows with
    // loudness (their K-weighting shares one pass, LoudnessMeter::add_pair).
    // Paired once, when the meters are made: a pair always goes together.
    struct Unit {
        Channel* first;
        Channel* second = nullptr;
        std::atomic<bool> claimed{false};  // a thread is measuring it (its rings' one consumer)
    };
    static constexpr size_t kMeasureFrames = 4096;  // measured at a time, at most
    // Where a thread copies a frame that straddles a ring's wrap (a unit's two rows').
    struct Scratch {
        std::vector<float> first, second;
        explicit Scratch(uint32_t channels) : first(channels), second(channels) {}
    };
    Scratch scratch() const;
    void drain(Scratch& scratch, bool last = false);
    void drain_row(Channel& c, float* scratch);
    void drain_pair(Unit& u, Scratch& scratch, bool last);
    void run();
    void run_pipelined();
    void stop_threads();

    Mode mode_;
    BlockListener* listener_;
    size_t output_index_;                    // the plan index of the output bus (not tapped as a bus)
    std::vector<std::unique_ptr<Channel>> rows_;  // [0] = output, then bus index order (output bus skipped)
    std::vector<size_t> row_of_bus_;          // plan index → row (0 for the output bus: unused)
    std::vector<std::unique_ptr<Unit>> units_;  // every row in one
    std::vector<std::thread> threads_;
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> dropped_{0};
    std::atomic<bool> energy_read_{false};  // the control reader has asked: the blocks' energy is measured
    // Pipelined mode: blocks offered and popped so far, which the render and
    // the metering threads wait on (32 bits: the width futexes wait on).
    std::atomic<uint32_t> offered_{0};
    std::atomic<uint32_t> popped_{0};
    std::atomic<bool> render_waiting_{false};  // the render waits on popped_
    size_t unannounced_ = 0;    // frames offered since the metering threads were last woken (the render's)
    size_t announce_every_ = 1;
};

}  // namespace simvx
