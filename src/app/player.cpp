#include "app/player.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>
#include <thread>

#include "app/measure/bus_meters.hpp"
#include "assemble/prepare.hpp"
#include "app/measure/recorder.hpp"
#include "app/report/run_report.hpp"
#include "app/signals.hpp"
#include "app/ui/status_line.hpp"
#include "app/ui/terminal_keys.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/gain.hpp"

namespace simvx {
namespace {

constexpr auto kTick = std::chrono::milliseconds(50);  // key polling and status redraws
constexpr double kSeekStepSeconds = 5.0;
constexpr double kVolumeStepDb = 3.0;
constexpr double kPreFillSeconds = 0.5;
// After Ctrl-C or SIGTERM the fade (15 ms) reaches the output at its next
// request and plays out within the output's latency; the exit waits that
// long and a margin, never for the server to finish a block (a null sink's
// can last 2 s; a stopped server never asks for more), and never more than
// the cap: Ctrl-C ends a run within a second whatever the server does.
constexpr double kSignalDrainMargin = 0.06;
constexpr double kSignalDrainCap = 0.8;
// At the natural end, how long the output may take to play what it holds
// before the run gives up on a server that stopped answering.
constexpr auto kEndDrain = std::chrono::seconds(5);

class Player {
public:
    Player(const Options& o, const Scene& scene, std::unique_ptr<Engine> engine, Sink& sink, const LiveHooks& hooks)
        : o_(o), scene_(scene), engine_(std::move(engine)), sink_(sink), hooks_(hooks),
          // Keys come from standard input, or from the terminal when a live stream reads it.
          keys_(!hooks.stdin_taken &&
                std::none_of(scene.streams.begin(), scene.streams.end(), [](const StreamDesc& st) { return st.source == "-"; })),
          status_(hooks.status_line && hooks.meters) {
        current_.store(engine_.get());
        engine_->set_tap(hooks_.meters);
    }
    ~Player() {
        if (hooks_.releasing_engine) hooks_.releasing_engine();
    }

    int run() {
        engine_->wait_for_sources(static_cast<size_t>(engine_->spec().rate * kPreFillSeconds), 2.0);
        sink_.set_quiet_probe([this] {
            const Engine* e = current_.load(std::memory_order_acquire);
            return e->paused() && e->faded_out();
        });
        sink_.start([this](std::span<float> out) {
            const size_t n = current_.load(std::memory_order_acquire)->render(out);
            if (hooks_.recorder) hooks_.recorder->push(out.first(n * engine_channels_));
            pulls_.fetch_add(1, std::memory_order_release);
            return n;
        });
        int sig = 0;
        // Every wait for the output has an end: a signal, or the engine's
        // end, starts a deadline after which the sink stops waiting.
        std::optional<std::chrono::steady_clock::time_point> give_up;
        bool warned = false;
        while (!sink_.done()) {
            const auto key = keys_.wait(sig || give_up ? std::chrono::milliseconds(10) : kTick);
            if (key) handle(*key);
            const auto now = std::chrono::steady_clock::now();
            if (!sig && (sig = signals::received())) {
                stop();  // fades out; the sink plays the fade
                const double wait = std::min(sink_.latency_seconds() + kSignalDrainMargin, kSignalDrainCap);
                give_up = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(wait));
            }
            if (!give_up && current_.load(std::memory_order_acquire)->finished()) give_up = now + kEndDrain;
            if (give_up && now >= *give_up) {
                if (!sig && !warned) log::warn("the audio server did not play the end within 5 s; giving up on it");
                warned = true;
                sink_.cut_short();
            }
            draw();
            if (hooks_.tick) hooks_.tick(*engine_);
        }
        status_.clear();
        sink_.finish();  // the sink stops pulling before the engine goes away
        if (hooks_.finished) hooks_.finished(*engine_, sig != 0);
        const bool failed = report_sources(*engine_);
        report_sink(sink_);
        return sig ? signals::exit_code(sig) : failed ? static_cast<int>(ExitCode::bad_input) : 0;
    }

private:
    void stop() {
        engine_->set_paused(false);  // a paused engine would hold silence forever instead of ending
        engine_->request_stop();
    }

    void handle(Key key) {
        switch (key) {
            case Key::quit: stop(); break;
            case Key::pause: engine_->set_paused(!engine_->paused()); break;
            case Key::volume_up:
            case Key::volume_down:
                volume_db_ = std::clamp(volume_db_ + (key == Key::volume_up ? kVolumeStepDb : -kVolumeStepDb), -60.0, 12.0);
                engine_->set_listener_gain(db_to_gain(static_cast<float>(volume_db_)));
                break;
            case Key::seek_back: seek(-kSeekStepSeconds); break;
            case Key::seek_forward: seek(kSeekStepSeconds); break;
        }
    }

    // Seeking plain-file playback builds the engine again from the new point
    // (as --start-at does) and swaps it in between two pulls: the old one fades
    // out first and the new one fades in, so a seek never clicks.
    void seek(double delta) {
        // Live input cannot be read twice or skipped: say so once instead of
        // ignoring the key. (--watch and --control edit the engine under the player: no seeking there either.)
        if (!scene_.streams.empty() || hooks_.engine_fixed) {
            if (!told_no_seek_) {
                status_.clear();
                log::note(!scene_.streams.empty() ? "a scene with a live stream cannot seek: its input is read once"
                          : o_.watch              ? "--watch plays the scene as it is edited: no seeking"
                                                  : "--control edits the playing mix: seek with a request, {\"cmd\":\"seek\",\"by\":-5}");
                told_no_seek_ = true;
            }
            return;
        }
        const double rate = engine_->spec().rate;
        double target = std::max(0.0, static_cast<double>(engine_->position()) / rate + delta);
        if (engine_->length()) target = std::min(target, static_cast<double>(*engine_->length()) / rate);
        const bool was_paused = engine_->paused();
        engine_->set_paused(true);
        std::unique_ptr<Engine> next;
        try {
            Scene s = scene_;
            s.skip = target;
            PreparedScene p = prepare_scene(s, StreamDecoding::own_threads, hooks_.decoded);
            next = std::make_unique<Engine>(p.config, std::move(p.voices), std::move(p.plan));
        } catch (const std::exception& e) {
            log::warn(std::string("cannot seek: ") + e.what());
            engine_->set_paused(was_paused);
            return;
        }
        next->start_paused();
        next->set_tap(hooks_.meters);
        next->set_listener_gain(db_to_gain(static_cast<float>(volume_db_)));
        next->wait_for_sources(static_cast<size_t>(rate * kPreFillSeconds), 2.0);
        wait_faded_out();
        current_.store(next.get(), std::memory_order_release);
        wait_pulls(2);  // no pull is still inside the old engine
        engine_ = std::move(next);
        engine_->set_paused(was_paused);
    }

    // Waits until the old engine has rendered its fade-out (or the sink stopped pulling).
    void wait_faded_out() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        while (!engine_->faded_out() && !sink_.done() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }

    // Waits until the sink has pulled `n` more times, or a second has passed.
    void wait_pulls(uint64_t n) {
        const uint64_t until = pulls_.load(std::memory_order_acquire) + n;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        while (pulls_.load(std::memory_order_acquire) < until && !sink_.done() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }

    void draw() {
        if (!status_.enabled()) return;
        StatusInfo info;
        const double rate = engine_->spec().rate;
        info.position_s = static_cast<double>(engine_->position()) / rate;
        if (engine_->length()) info.length_s = static_cast<double>(*engine_->length()) / rate;
        const auto names = hooks_.meters->names();
        const auto peaks = hooks_.meters->take_recent_peaks();
        for (size_t i = 0; i < names.size() && i < peaks.size(); ++i) info.meters.push_back({names[i], peaks[i]});
        info.underruns = sink_.underruns() + engine_->underruns();
        info.paused = engine_->paused();
        info.reconnecting = sink_.reconnecting();
        info.volume_db = volume_db_;
        status_.draw(info);
    }

    const Options& o_;
    const Scene& scene_;
    std::unique_ptr<Engine> engine_;  // the one the sink pulls from (current_)
    Sink& sink_;
    const LiveHooks& hooks_;
    const uint32_t engine_channels_ = engine_->spec().channels;
    std::atomic<Engine*> current_{nullptr};
    std::atomic<uint64_t> pulls_{0};
    TerminalKeys keys_;
    StatusLine status_;
    double volume_db_ = 0;
    bool told_no_seek_ = false;
};

}  // namespace

int play_live(const Options& o, const Scene& scene, std::unique_ptr<Engine> engine, Sink& sink, const LiveHooks& hooks) {
    return Player(o, scene, std::move(engine), sink, hooks).run();
}

}  // namespace simvx
