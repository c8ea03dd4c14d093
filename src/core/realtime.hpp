// SIMVX_REALTIME marks a function that runs on the audio thread (the sink's
// pull thread or PulseAudio's callback): it must not allocate, free, lock,
// log, do I/O, wait or throw. Placed after `noexcept`, where clang 20+ reads
// it as [[clang::nonblocking]] and checks it (-Wfunction-effects); elsewhere
// it only says so to the reader. tests/unit/assemble/realtime_test.cpp counts
// allocations and locks across Engine::render on a scene that uses all of it.
#pragma once

#if defined(__clang__) && defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::nonblocking)
#define SIMVX_REALTIME [[clang::nonblocking]]
#endif
#endif
#ifndef SIMVX_REALTIME
#define SIMVX_REALTIME
#endif
