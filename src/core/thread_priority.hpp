// Audio threads ask for real-time scheduling, as PulseAudio's own threads
// do: with another core busy, a normal-priority thread can be woken too late
// for a 20 ms buffer. Unprivileged users without an RLIMIT_RTPRIO grant get a
// better nice level instead, or nothing; playback works either way.
#pragma once
#include <string>

namespace simvx {

// Raises the calling thread's priority as far as it is allowed; returns what
// it got ("SCHED_FIFO 10", "nice -11", or "normal priority").
std::string raise_audio_thread_priority();

}  // namespace simvx
