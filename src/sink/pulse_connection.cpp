#include "sink/pulse_connection.hpp"

#include <thread>

#include "core/error.hpp"

namespace simvx {

PulseConnection::PulseConnection() {
    loop_ = pulse::lib().pa_threaded_mainloop_new();
    if (!loop_ || pulse::lib().pa_threaded_mainloop_start(loop_) < 0) {
        if (loop_) pulse::lib().pa_threaded_mainloop_free(loop_);
        throw Error(ExitCode::no_device, "cannot start the PulseAudio client thread");
    }
}

PulseConnection::~PulseConnection() {
    lock();
    drop_context();
    unlock();
    pulse::lib().pa_threaded_mainloop_stop(loop_);
    pulse::lib().pa_threaded_mainloop_free(loop_);
}

void PulseConnection::on_context_state(pa_context*, void* p) {
    auto* self = static_cast<PulseConnection*>(p);
    if (self->on_state_) self->on_state_(self->user_);
    self->signal();
}

void PulseConnection::drop_context() noexcept {
    if (!context_) return;
    pulse::lib().pa_context_set_state_callback(context_, nullptr, nullptr);
    pulse::lib().pa_context_disconnect(context_);
    pulse::lib().pa_context_unref(context_);
    context_ = nullptr;
}

bool PulseConnection::begin_connect() {
    drop_context();
    pa_proplist* props = pulse::lib().pa_proplist_new();
    pulse::lib().pa_proplist_sets(props, PA_PROP_APPLICATION_NAME, "simvxplay");
    pulse::lib().pa_proplist_sets(props, PA_PROP_MEDIA_ROLE, "music");
    context_ = pulse::lib().pa_context_new_with_proplist(api(), "simvxplay", props);
    pulse::lib().pa_proplist_free(props);
    if (!context_) return false;
    pulse::lib().pa_context_set_state_callback(context_, on_context_state, this);
    // No autospawn: a missing server is reported instead of started behind the user's back.
    return pulse::lib().pa_context_connect(context_, nullptr, PA_CONTEXT_NOAUTOSPAWN, nullptr) >= 0;
}

pa_context_state_t PulseConnection::state() const noexcept {
    return context_ ? pulse::lib().pa_context_get_state(context_) : PA_CONTEXT_FAILED;
}

std::string PulseConnection::last_error() const {
    return context_ ? pulse::lib().pa_strerror(pulse::lib().pa_context_errno(context_)) : "cannot create a PulseAudio context";
}

void PulseConnection::sleep_unlocked(std::chrono::milliseconds d) {
    unlock();
    std::this_thread::sleep_for(d);
    lock();
}

void PulseConnection::connect(double timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                                 std::chrono::duration<double>(timeout_s));
    PulseLock lock(*this);
    std::string why;
    if (!begin_connect()) {
        why = last_error();
    } else {
        const bool settled = wait_until(
            [this] { return state() == PA_CONTEXT_READY || !PA_CONTEXT_IS_GOOD(state()); }, deadline);
        if (!settled) why = "the server did not answer within " + std::to_string(static_cast<int>(timeout_s)) + " s";
        else if (state() != PA_CONTEXT_READY) why = last_error();
    }
    if (!why.empty()) throw NoServerError("no PulseAudio server reachable (" + why + ")");
}

bool PulseConnection::wait_for(pa_operation* op, std::chrono::milliseconds timeout) {
    if (!op) return false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const bool done = wait_until([op] { return pulse::lib().pa_operation_get_state(op) != PA_OPERATION_RUNNING; }, deadline);
    if (!done) pulse::lib().pa_operation_cancel(op);
    pulse::lib().pa_operation_unref(op);
    return done;
}

}  // namespace simvx
