// A libpulse threaded main loop and one context connected to the server:
// what both playback (PulseSink) and device listing need. Connecting never
// autospawns a server and never waits longer than asked, so a missing server
// is reported at once.
#pragma once
#include <chrono>
#include <string>

#include "sink/pulse_api.hpp"

namespace simvx {

class PulseConnection {
public:
    // Called on the main loop thread when the context's state changes.
    using StateFn = void (*)(void* user);

    PulseConnection();  // starts the main loop thread; throws Error(no_device) when it cannot
    ~PulseConnection();
    PulseConnection(const PulseConnection&) = delete;
    PulseConnection& operator=(const PulseConnection&) = delete;

    // Blocking (lock NOT held): connects within timeout_s, or throws
    // NoServerError naming the cause.
    void connect(double timeout_s);

    // Lock held, any thread (also the main loop's own): drops the current
    // context and starts connecting a new one. False when it failed at once.
    bool begin_connect();

    void set_state_callback(StateFn fn, void* user) noexcept { on_state_ = fn, user_ = user; }

    pa_threaded_mainloop* loop() const noexcept { return loop_; }
    pa_mainloop_api* api() const noexcept { return pulse::lib().pa_threaded_mainloop_get_api(loop_); }
    pa_context* context() const noexcept { return context_; }
    pa_context_state_t state() const noexcept;
    std::string last_error() const;  // the context's last error, as text

    void lock() noexcept { pulse::lib().pa_threaded_mainloop_lock(loop_); }
    void unlock() noexcept { pulse::lib().pa_threaded_mainloop_unlock(loop_); }
    void signal() noexcept { pulse::lib().pa_threaded_mainloop_signal(loop_, 0); }

    // Lock held: runs `op` to completion, waiting up to `timeout`; false on timeout.
    bool wait_for(pa_operation* op, std::chrono::milliseconds timeout);
    // Lock held: waits until pred() is true, or the deadline; returns pred().
    template <typename Pred>
    bool wait_until(Pred pred, std::chrono::steady_clock::time_point deadline);

private:
    static void on_context_state(pa_context* c, void* self);
    void drop_context() noexcept;
    void sleep_unlocked(std::chrono::milliseconds d);

    pa_threaded_mainloop* loop_ = nullptr;
    pa_context* context_ = nullptr;
    StateFn on_state_ = nullptr;
    void* user_ = nullptr;
};

template <typename Pred>
bool PulseConnection::wait_until(Pred pred, std::chrono::steady_clock::time_point deadline) {
    // State callbacks signal the loop; waking up now and then keeps the deadline.
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        sleep_unlocked(std::chrono::milliseconds(5));
    }
    return true;
}

// Holds the threaded main loop's lock for a scope.
class PulseLock {
public:
    explicit PulseLock(PulseConnection& c) : c_(c) { c_.lock(); }
    ~PulseLock() { c_.unlock(); }
    PulseLock(const PulseLock&) = delete;
    PulseLock& operator=(const PulseLock&) = delete;

private:
    PulseConnection& c_;
};

}  // namespace simvx
