#include "sink/pulse_sink.hpp"

#include <pulse/pulseaudio.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "core/error.hpp"

namespace simvx {
namespace {

// Holds the threaded mainloop's lock for a scope.
class LoopLock {
public:
    explicit LoopLock(pa_threaded_mainloop* l) : l_(l) { pa_threaded_mainloop_lock(l_); }
    ~LoopLock() { pa_threaded_mainloop_unlock(l_); }
    LoopLock(const LoopLock&) = delete;
    LoopLock& operator=(const LoopLock&) = delete;

private:
    pa_threaded_mainloop* l_;
};

const char* kNoServerHint = "play with --null, or render with --render FILE";

}  // namespace

PulseSink::PulseSink(Config config) : config_(std::move(config)) {}

PulseSink::~PulseSink() { teardown(); }

void PulseSink::fail(const std::string& why) {
    if (error_.empty()) error_ = why;
    done_.set();
    pa_threaded_mainloop_signal(loop_, 0);
}

void PulseSink::on_context_state(pa_context* c, void* p) {
    auto* self = static_cast<PulseSink*>(p);
    switch (pa_context_get_state(c)) {
        case PA_CONTEXT_FAILED:
        case PA_CONTEXT_TERMINATED:
            self->fail(std::string("PulseAudio: ") + pa_strerror(pa_context_errno(c)));
            break;
        default:
            pa_threaded_mainloop_signal(self->loop_, 0);
    }
}

void PulseSink::on_stream_state(pa_stream* s, void* p) {
    auto* self = static_cast<PulseSink*>(p);
    if (pa_stream_get_state(s) == PA_STREAM_FAILED || pa_stream_get_state(s) == PA_STREAM_TERMINATED)
        self->fail(std::string("PulseAudio stream: ") + pa_strerror(pa_context_errno(self->context_)));
    else
        pa_threaded_mainloop_signal(self->loop_, 0);
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
        if (pa_stream_begin_write(s, &data, &len) < 0 || !data) return;
        len -= len % frame_bytes;
        const size_t want = len / frame_bytes;
        const size_t got = self->pull_(std::span<float>(static_cast<float*>(data), want * self->spec_.channels));
        if (got) pa_stream_write(s, data, got * frame_bytes, nullptr, 0, PA_SEEK_RELATIVE);
        else pa_stream_cancel_write(s);
        self->written_.fetch_add(got, std::memory_order_relaxed);
        nbytes -= std::min(nbytes, len);
        if (got < want) {
            self->ended_ = true;
            // Start playback even if less than the pre-buffer arrived (a short
            // clip), then wait until everything written has been played.
            pa_operation_unref(pa_stream_trigger(s, nullptr, nullptr));
            pa_operation_unref(pa_stream_drain(s, on_drained, self));
        }
    }
}

void PulseSink::on_drained(pa_stream*, int, void* p) {
    auto* self = static_cast<PulseSink*>(p);
    self->done_.set();
    pa_threaded_mainloop_signal(self->loop_, 0);
}

void PulseSink::wait_until_ready(bool stream) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(config_.connect_timeout_s);
    for (;;) {
        if (!error_.empty()) return;
        if (!stream && pa_context_get_state(context_) == PA_CONTEXT_READY) return;
        if (stream && pa_stream_get_state(stream_) == PA_STREAM_READY) return;
        if (std::chrono::steady_clock::now() > deadline) {
            error_ = "PulseAudio server did not answer within " + std::to_string(config_.connect_timeout_s) + " s";
            return;
        }
        // State callbacks signal; wake up periodically anyway for the deadline.
        pa_threaded_mainloop_unlock(loop_);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        pa_threaded_mainloop_lock(loop_);
    }
}

void PulseSink::open(const AudioSpec& spec) {
    spec_ = spec;
    loop_ = pa_threaded_mainloop_new();
    if (!loop_ || pa_threaded_mainloop_start(loop_) < 0) throw Error(ExitCode::no_device, "cannot start the PulseAudio client thread");
    LoopLock lock(loop_);
    pa_proplist* props = pa_proplist_new();
    pa_proplist_sets(props, PA_PROP_APPLICATION_NAME, "simvxplay");
    pa_proplist_sets(props, PA_PROP_MEDIA_ROLE, "music");
    context_ = pa_context_new_with_proplist(pa_threaded_mainloop_get_api(loop_), "simvxplay", props);
    pa_proplist_free(props);
    pa_context_set_state_callback(context_, on_context_state, this);
    // No autospawn: a missing server is reported at once instead of starting one behind the user's back.
    if (pa_context_connect(context_, nullptr, PA_CONTEXT_NOAUTOSPAWN, nullptr) < 0)
        error_ = std::string("PulseAudio: ") + pa_strerror(pa_context_errno(context_));
    else
        wait_until_ready(false);
    if (!error_.empty())
        throw Error(ExitCode::no_device, "no PulseAudio server reachable (" + error_ + "); " + kNoServerHint);

    pa_sample_spec ss{PA_SAMPLE_FLOAT32LE, spec.rate, static_cast<uint8_t>(spec.channels)};
    pa_channel_map map;
    pa_channel_map_init_auto(&map, spec.channels, PA_CHANNEL_MAP_DEFAULT);
    stream_ = pa_stream_new(context_, "simvxplay", &ss, &map);
    if (!stream_) throw Error(ExitCode::no_device, std::string("PulseAudio: ") + pa_strerror(pa_context_errno(context_)));
    pa_stream_set_state_callback(stream_, on_stream_state, this);
    pa_stream_set_write_callback(stream_, on_write, this);
    // Without ADJUST_LATENCY the server keeps about 2 s of audio queued.
    pa_buffer_attr attr;
    attr.maxlength = static_cast<uint32_t>(-1);
    attr.tlength = static_cast<uint32_t>(pa_usec_to_bytes(uint64_t{config_.latency_ms} * 1000, &ss));
    attr.prebuf = static_cast<uint32_t>(-1);
    attr.minreq = static_cast<uint32_t>(-1);
    attr.fragsize = static_cast<uint32_t>(-1);
    const auto flags = static_cast<pa_stream_flags_t>(PA_STREAM_ADJUST_LATENCY | PA_STREAM_AUTO_TIMING_UPDATE |
                                                       PA_STREAM_INTERPOLATE_TIMING | PA_STREAM_START_CORKED);
    const char* device = config_.device.empty() ? nullptr : config_.device.c_str();
    if (pa_stream_connect_playback(stream_, device, &attr, flags, nullptr, nullptr) < 0)
        error_ = std::string("PulseAudio: ") + pa_strerror(pa_context_errno(context_));
    else
        wait_until_ready(true);
    if (!error_.empty()) throw Error(ExitCode::no_device, "cannot open a PulseAudio stream: " + error_);

    const pa_buffer_attr* got = pa_stream_get_buffer_attr(stream_);
    const double latency_ms = got ? static_cast<double>(pa_bytes_to_usec(got->tlength, &ss)) / 1000.0 : 0.0;
    description_ = std::string("PulseAudio sink ") + (pa_stream_get_device_name(stream_) ? pa_stream_get_device_name(stream_) : "?") +
                   ", " + std::to_string(static_cast<int>(latency_ms + 0.5)) + " ms target latency (asked " +
                   std::to_string(config_.latency_ms) + " ms)";
}

void PulseSink::start(PullFn pull) {
    LoopLock lock(loop_);
    pull_ = std::move(pull);
    // Fill the buffer now, then uncork: playback starts with a full buffer.
    if (const size_t n = pa_stream_writable_size(stream_); n != static_cast<size_t>(-1) && n > 0) on_write(stream_, n, this);
    pa_operation_unref(pa_stream_cork(stream_, 0, nullptr, nullptr));
}

void PulseSink::finish() {
    {
        LoopLock lock(loop_);
        while (!done_.is_set()) pa_threaded_mainloop_wait(loop_);
    }
    std::string error;
    {
        LoopLock lock(loop_);
        error = error_;
    }
    teardown();
    if (!error.empty()) throw Error(ExitCode::no_device, "playback stopped: " + error + "; " + kNoServerHint);
}

void PulseSink::abort() noexcept { teardown(); }

void PulseSink::teardown() noexcept {
    if (!loop_) return;
    pa_threaded_mainloop_lock(loop_);
    if (stream_) {
        pa_stream_set_write_callback(stream_, nullptr, nullptr);
        pa_stream_set_state_callback(stream_, nullptr, nullptr);
        pa_stream_disconnect(stream_);
        pa_stream_unref(stream_);
        stream_ = nullptr;
    }
    if (context_) {
        pa_context_set_state_callback(context_, nullptr, nullptr);
        pa_context_disconnect(context_);
        pa_context_unref(context_);
        context_ = nullptr;
    }
    pa_threaded_mainloop_unlock(loop_);
    pa_threaded_mainloop_stop(loop_);
    pa_threaded_mainloop_free(loop_);
    loop_ = nullptr;
    done_.set();
}

}  // namespace simvx
