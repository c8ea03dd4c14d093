// Playback through a PulseAudio server (or PipeWire's PulseAudio service) on
// libpulse's asynchronous API: the server's write requests pull from the
// engine on libpulse's own thread, and the stream is drained at the end so
// the last milliseconds are heard. When the server goes away mid-play, the
// sink reconnects for a few seconds and carries on where the engine is.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "sink/sink.hpp"

struct pa_stream;
struct pa_time_event;
struct pa_mainloop_api;
struct timeval;

namespace simvx {

class PulseConnection;

class PulseSink final : public Sink {
public:
    struct Config {
        uint32_t latency_ms = 20;    // target latency (tlength)
        std::string device;          // sink name; empty = the server's default
        double connect_timeout_s = 5.0;
        double reconnect_s = 3.0;    // how long a lost server may take to come back
    };

    explicit PulseSink(Config config);
    ~PulseSink() override;

    // Connects and creates the stream; throws Error(no_device) when no server
    // answers or the device does not exist (the message lists those that do).
    void open(const AudioSpec& spec) override;
    void start(PullFn pull) override;
    void finish() override;
    void abort() noexcept override;
    void cut_short() noexcept override;
    double latency_seconds() const override { return latency_s_; }
    uint64_t frames_written() const override { return written_.load(std::memory_order_relaxed); }
    std::string describe() const override { return description_; }
    uint64_t underruns() const override { return underruns_.load(std::memory_order_relaxed); }
    uint64_t reconnects() const override { return reconnects_.load(std::memory_order_relaxed); }
    bool reconnecting() const override { return reconnecting_.load(std::memory_order_relaxed); }

private:
    static void on_context_state(void* self);
    static void on_stream_state(pa_stream* s, void* self);
    static void on_write(pa_stream* s, size_t nbytes, void* self);
    static void on_underflow(pa_stream* s, void* self);
    static void on_drained(pa_stream* s, int success, void* self);
    static void on_retry(pa_mainloop_api* api, pa_time_event* e, const struct timeval* tv, void* self);
    bool create_stream(bool corked);
    void drop_stream() noexcept;
    void server_lost();
    void schedule_retry();
    void fail(const std::string& why);
    void teardown() noexcept;

    Config config_;
    AudioSpec spec_;
    PullFn pull_;
    std::unique_ptr<PulseConnection> connection_;
    pa_stream* stream_ = nullptr;
    pa_time_event* retry_ = nullptr;
    // Main loop thread only (or with its lock held):
    bool started_ = false;       // start() has run: a lost server is worth reconnecting to
    bool ended_ = false;         // the engine reported its end
    std::chrono::steady_clock::time_point give_up_{};
    std::string error_;
    std::string description_;
    double latency_s_ = 0;  // the target latency the server granted
    std::atomic<uint64_t> written_{0};
    std::atomic<uint64_t> underruns_{0};
    std::atomic<uint64_t> reconnects_{0};
    std::atomic<bool> reconnecting_{false};  // written on the main loop thread, read by the status line
};

}  // namespace simvx
