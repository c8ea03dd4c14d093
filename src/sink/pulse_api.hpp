// libpulse, loaded when something first plays or lists devices: it pulls in
// some twenty shared libraries (D-Bus, systemd, libsndfile and its codecs),
// which cost every start of simvxplay about 5 ms, renders and --check
// included, and kept simvxplay from starting at all where libpulse is not
// installed (a CI container rendering audio). The functions the outputs call
// are looked up once, by their own declared types (core/dynamic_library.hpp).
#pragma once
#include <pulse/pulseaudio.h>

#include <string>

#include "core/dynamic_library.hpp"

namespace simvx::pulse {

// Every libpulse function simvxplay calls, one list for the table and the loader.
#define SIMVX_PULSE_FUNCTIONS(X)                                                                                     \
    X(pa_bytes_to_usec)                                                                                               \
    X(pa_context_connect)                                                                                             \
    X(pa_context_disconnect)                                                                                          \
    X(pa_context_errno)                                                                                               \
    X(pa_context_get_server_info)                                                                                     \
    X(pa_context_get_sink_info_list)                                                                                  \
    X(pa_context_get_state)                                                                                           \
    X(pa_context_new_with_proplist)                                                                                   \
    X(pa_context_set_state_callback)                                                                                  \
    X(pa_context_unref)                                                                                               \
    X(pa_get_library_version)                                                                                         \
    X(pa_gettimeofday)                                                                                                \
    X(pa_operation_cancel)                                                                                            \
    X(pa_operation_get_state)                                                                                         \
    X(pa_operation_unref)                                                                                             \
    X(pa_proplist_free)                                                                                               \
    X(pa_proplist_new)                                                                                                \
    X(pa_proplist_sets)                                                                                               \
    X(pa_sample_format_to_string)                                                                                     \
    X(pa_stream_begin_write)                                                                                          \
    X(pa_stream_cancel_write)                                                                                         \
    X(pa_stream_connect_playback)                                                                                     \
    X(pa_stream_cork)                                                                                                 \
    X(pa_stream_disconnect)                                                                                           \
    X(pa_stream_drain)                                                                                                \
    X(pa_stream_get_buffer_attr)                                                                                      \
    X(pa_stream_get_device_name)                                                                                      \
    X(pa_stream_get_sample_spec)                                                                                      \
    X(pa_stream_get_state)                                                                                            \
    X(pa_stream_new)                                                                                                  \
    X(pa_stream_set_state_callback)                                                                                   \
    X(pa_stream_set_underflow_callback)                                                                               \
    X(pa_stream_set_write_callback)                                                                                   \
    X(pa_stream_trigger)                                                                                              \
    X(pa_stream_unref)                                                                                                \
    X(pa_stream_writable_size)                                                                                        \
    X(pa_stream_write)                                                                                                \
    X(pa_strerror)                                                                                                    \
    X(pa_threaded_mainloop_free)                                                                                      \
    X(pa_threaded_mainloop_get_api)                                                                                   \
    X(pa_threaded_mainloop_lock)                                                                                      \
    X(pa_threaded_mainloop_new)                                                                                       \
    X(pa_threaded_mainloop_once_unlocked)                                                                             \
    X(pa_threaded_mainloop_signal)                                                                                    \
    X(pa_threaded_mainloop_start)                                                                                     \
    X(pa_threaded_mainloop_stop)                                                                                      \
    X(pa_threaded_mainloop_unlock)                                                                                    \
    X(pa_threaded_mainloop_wait)                                                                                      \
    X(pa_timeval_add)                                                                                                 \
    X(pa_usec_to_bytes)

struct Api {
    SIMVX_PULSE_FUNCTIONS(SIMVX_LIBRARY_MEMBER)
};

// The loaded functions, or nullptr when libpulse cannot be loaded (not
// installed, another major version). Thread-safe; loads once.
const Api* api();

// The loaded functions; throws NoServerError (exit 4, "no audio device")
// saying why when libpulse cannot be loaded. Every output and device listing
// asks this first; after that, lib() is enough.
const Api& require();
inline const Api& lib() { return require(); }

// "libpulse 16.1.0", or why it is unavailable.
std::string version();

}  // namespace simvx::pulse
