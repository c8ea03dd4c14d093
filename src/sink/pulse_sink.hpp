// Playback through a PulseAudio server (or PipeWire's PulseAudio service) on
// libpulse's asynchronous API: the server's write requests pull from the
// engine on libpulse's own thread, and the stream is drained at the end so
// the last milliseconds are heard.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

#include "sink/sink.hpp"

struct pa_threaded_mainloop;
struct pa_context;
struct pa_stream;

namespace simvx {

class PulseSink final : public Sink {
public:
    struct Config {
        uint32_t latency_ms = 20;    // target latency (tlength)
        std::string device;          // sink name; empty = the server's default
        double connect_timeout_s = 5.0;
    };

    explicit PulseSink(Config config);
    ~PulseSink() override;

    // Connects and creates the stream; throws Error(no_device) when no server answers.
    void open(const AudioSpec& spec) override;
    void start(PullFn pull) override;
    void finish() override;
    void abort() noexcept override;
    uint64_t frames_written() const override { return written_.load(std::memory_order_relaxed); }
    std::string describe() const override { return description_; }

private:
    static void on_context_state(pa_context* c, void* self);
    static void on_stream_state(pa_stream* s, void* self);
    static void on_write(pa_stream* s, size_t nbytes, void* self);
    static void on_drained(pa_stream* s, int success, void* self);
    void fail(const std::string& why);
    void wait_until_ready(bool stream);
    void teardown() noexcept;

    Config config_;
    AudioSpec spec_;
    PullFn pull_;
    pa_threaded_mainloop* loop_ = nullptr;
    pa_context* context_ = nullptr;
    pa_stream* stream_ = nullptr;
    bool ended_ = false;   // mainloop thread only: the engine reported its end
    std::string error_;    // guarded by the mainloop lock
    std::string description_;
    std::atomic<uint64_t> written_{0};
};

}  // namespace simvx
