#include "sink/pulse_sink.hpp"

#include <cstring>

#include "core/error.hpp"
#include "core/thread_priority.hpp"
#include "sink/pulse_api.hpp"
#include "sink/pulse_channel_map.hpp"
#include "sink/pulse_connection.hpp"
#include "sink/pulse_devices.hpp"

namespace simvx {
namespace {

constexpr pa_usec_t kRetryInterval = 200 * PA_USEC_PER_MSEC;

}  // namespace

PulseSink::PulseSink(Config config) : config_(std::move(config)) {}

PulseSink::~PulseSink() { teardown(); }

void PulseSink::fail(const std::string& why) {
    if (error_.empty()) error_ = why;
    done_.set();
    connection_->signal();
}

void PulseSink::on_context_state(void* p) {
    auto* self = static_cast<PulseSink*>(p);
    const pa_context_state_t state = self->connection_->state();
    if (state == PA_CONTEXT_READY && self->reconnecting_) {
        if (!self->create_stream(false)) self->server_lost();
    } else if (!PA_CONTEXT_IS_GOOD(state)) {
        // Before playback starts, open() reports it; while playing, try to get back.
        if (self->started_ && !self->ended_) self->server_lost();
        else self->fail("PulseAudio: " + self->connection_->last_error());
    }
}

void PulseSink::on_stream_state(pa_stream* s, void* p) {
    auto* self = static_cast<PulseSink*>(p);
    const pa_stream_state_t state = pulse::lib().pa_stream_get_state(s);
    if (state == PA_STREAM_READY && self->reconnecting_) {
        self->reconnecting_.store(false, std::memory_order_relaxed);
        self->reconnects_.fetch_add(1, std::memory_order_relaxed);
    } else if (!PA_STREAM_IS_GOOD(state) && self->connection_->state() == PA_CONTEXT_READY) {
        // The context is fine, so the sink itself went away (or refused the stream).
        self->fail("PulseAudio stream: " + self->connection_->last_error());
    }
    self->connection_->signal();
}

// The render callback: libpulse asks for nbytes; the engine fills libpulse's
// own buffer directly. When the engine ends, the stream is drained.
void PulseSink::on_write(pa_stream* s, size_t nbytes, void* p) {
    auto* self = static_cast<PulseSink*>(p);
    if (self->ended_ || !self->pull_) return;
    const size_t frame_bytes = sizeof(float) * self->spec_.channels;
    while (nbytes >= frame_bytes && !self->ended_) {
        void* data = nullptr;
        size_t len = nbytes;
        if (pulse::lib().pa_stream_begin_write(s, &data, &len) < 0 || !data) return;
        len -= len % frame_bytes;
        const size_t want = len / frame_bytes;
        const size_t got = self->pull_(std::span<float>(static_cast<float*>(data), want * self->spec_.channels));
        if (got) pulse::lib().pa_stream_write(s, data, got * frame_bytes, nullptr, 0, PA_SEEK_RELATIVE);
        else pulse::lib().pa_stream_cancel_write(s);
        self->written_.fetch_add(got, std::memory_order_relaxed);
        nbytes -= std::min(nbytes, len);
        if (got < want) {
            self->ended_ = true;
            // Start playback even if less than the pre-buffer arrived (a short
            // clip), then wait until everything written has been played.
            pulse::lib().pa_operation_unref(pulse::lib().pa_stream_trigger(s, nullptr, nullptr));
            pulse::lib().pa_operation_unref(pulse::lib().pa_stream_drain(s, on_drained, self));
        }
    }
}

// The server ran out of audio: the machine could not render in time.
void PulseSink::on_underflow(pa_stream*, void* p) {
    auto* self = static_cast<PulseSink*>(p);
    if (self->started_ && !self->ended_ && !self->quiet()) self->underruns_.fetch_add(1, std::memory_order_relaxed);
}

void PulseSink::on_drained(pa_stream*, int, void* p) {
    auto* self = static_cast<PulseSink*>(p);
    self->done_.set();
    self->connection_->signal();
}

bool PulseSink::create_stream(bool corked) {
    pa_sample_spec ss{PA_SAMPLE_FLOAT32LE, spec_.rate, static_cast<uint8_t>(spec_.channels)};
    const pa_channel_map map = pulse_channel_map(spec_.channels);
    stream_ = pulse::lib().pa_stream_new(connection_->context(), "simvxplay", &ss, &map);
    if (!stream_) return false;
    pulse::lib().pa_stream_set_state_callback(stream_, on_stream_state, this);
    pulse::lib().pa_stream_set_write_callback(stream_, on_write, this);
    pulse::lib().pa_stream_set_underflow_callback(stream_, on_underflow, this);
    // Without ADJUST_LATENCY the server keeps about 2 s of audio queued.
    pa_buffer_attr attr;
    attr.maxlength = static_cast<uint32_t>(-1);
    attr.tlength = static_cast<uint32_t>(pulse::lib().pa_usec_to_bytes(uint64_t{config_.latency_ms} * 1000, &ss));
    attr.prebuf = static_cast<uint32_t>(-1);
    attr.minreq = static_cast<uint32_t>(-1);
    attr.fragsize = static_cast<uint32_t>(-1);
    auto flags = static_cast<pa_stream_flags_t>(PA_STREAM_ADJUST_LATENCY | PA_STREAM_AUTO_TIMING_UPDATE |
                                                PA_STREAM_INTERPOLATE_TIMING);
    if (corked) flags = static_cast<pa_stream_flags_t>(flags | PA_STREAM_START_CORKED);
    const char* device = config_.device.empty() ? nullptr : config_.device.c_str();
    return pulse::lib().pa_stream_connect_playback(stream_, device, &attr, flags, nullptr, nullptr) >= 0;
}

void PulseSink::drop_stream() noexcept {
    if (!stream_) return;
    pulse::lib().pa_stream_set_write_callback(stream_, nullptr, nullptr);
    pulse::lib().pa_stream_set_state_callback(stream_, nullptr, nullptr);
    pulse::lib().pa_stream_set_underflow_callback(stream_, nullptr, nullptr);
    pulse::lib().pa_stream_disconnect(stream_);
    pulse::lib().pa_stream_unref(stream_);
    stream_ = nullptr;
}

// Main loop thread: the server went away while playing. The engine keeps its
// place; a new connection is tried every 200 ms until reconnect_s has passed.
void PulseSink::server_lost() {
    drop_stream();
    if (!reconnecting_.exchange(true, std::memory_order_relaxed)) {
        give_up_ = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(config_.reconnect_s));
    }
    schedule_retry();
}

void PulseSink::schedule_retry() {
    if (retry_) return;
    timeval when;
    pulse::lib().pa_timeval_add(pulse::lib().pa_gettimeofday(&when), kRetryInterval);
    retry_ = connection_->api()->time_new(connection_->api(), &when, on_retry, this);
}

void PulseSink::on_retry(pa_mainloop_api* api, pa_time_event* e, const struct timeval*, void* p) {
    auto* self = static_cast<PulseSink*>(p);
    api->time_free(e);
    self->retry_ = nullptr;
    if (std::chrono::steady_clock::now() > self->give_up_) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%g", self->config_.reconnect_s);
        self->fail(std::string("the PulseAudio server went away and did not come back within ") + seconds + " s");
        return;
    }
    // A refused connection fails at once or through the state callback; either way, try again later.
    if (!self->connection_->begin_connect()) self->schedule_retry();
}

void PulseSink::open(const AudioSpec& spec) {
    spec_ = spec;
    connection_ = std::make_unique<PulseConnection>();
    connection_->connect(config_.connect_timeout_s);
    if (!config_.device.empty()) require_sink(config_.device, list_pulse_sinks(*connection_));

    PulseLock lock(*connection_);
    connection_->set_state_callback(on_context_state, this);
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(config_.connect_timeout_s));
    if (!create_stream(true))
        error_ = connection_->last_error();
    else if (!connection_->wait_until([this] { return !error_.empty() || pulse::lib().pa_stream_get_state(stream_) == PA_STREAM_READY; },
                                      deadline))
        error_ = "the server did not open the stream in time";
    if (!error_.empty()) throw Error(ExitCode::no_device, "cannot open a PulseAudio stream: " + error_);

    const pa_buffer_attr* got = pulse::lib().pa_stream_get_buffer_attr(stream_);
    const pa_sample_spec* ss = pulse::lib().pa_stream_get_sample_spec(stream_);
    const double latency_ms = got && ss ? static_cast<double>(pulse::lib().pa_bytes_to_usec(got->tlength, ss)) / 1000.0 : 0.0;
    latency_s_ = latency_ms / 1000.0;
    const char* name = pulse::lib().pa_stream_get_device_name(stream_);
    description_ = std::string("PulseAudio sink ") + (name ? name : "?") + ", " +
                   std::to_string(static_cast<int>(latency_ms + 0.5)) + " ms target latency (asked " +
                   std::to_string(config_.latency_ms) + " ms)";
}

void PulseSink::start(PullFn pull) {
    PulseLock lock(*connection_);
    // The main loop thread renders: it asks for real-time scheduling first.
    // Only with the lock held: the call adds a deferred event to the loop, and
    // the loop thread running it before it was fully set up aborted in
    // libpulse ("Assertion '!e->dead' failed") about once in fifty starts.
    pulse::lib().pa_threaded_mainloop_once_unlocked(
        connection_->loop(),
        [](pa_threaded_mainloop*, void*) { raise_audio_thread_priority(); }, nullptr);
    pull_ = std::move(pull);
    started_ = true;
    // Fill the buffer now, then uncork: playback starts with a full buffer.
    if (const size_t n = pulse::lib().pa_stream_writable_size(stream_); n != static_cast<size_t>(-1) && n > 0) on_write(stream_, n, this);
    pulse::lib().pa_operation_unref(pulse::lib().pa_stream_cork(stream_, 0, nullptr, nullptr));
}

void PulseSink::finish() {
    std::string error;
    {
        PulseLock lock(*connection_);
        while (!done_.is_set()) pulse::lib().pa_threaded_mainloop_wait(connection_->loop());
        error = error_;
    }
    teardown();
    if (!error.empty()) throw NoServerError("playback stopped: " + error);
}

void PulseSink::abort() noexcept { teardown(); }

// No drain to wait for: the main loop stops pulling, and finish() tears the
// stream down without asking the server anything (a stopped server never
// answers; a slow one would hold the exit for a block of up to 2 s).
void PulseSink::cut_short() noexcept {
    if (!connection_) return;
    PulseLock lock(*connection_);
    ended_ = true;
    done_.set();
    connection_->signal();
}

void PulseSink::teardown() noexcept {
    if (!connection_) return;
    {
        PulseLock lock(*connection_);
        connection_->set_state_callback(nullptr, nullptr);
        if (retry_) connection_->api()->time_free(retry_);
        retry_ = nullptr;
        drop_stream();
    }
    connection_.reset();
    done_.set();
}

}  // namespace simvx
