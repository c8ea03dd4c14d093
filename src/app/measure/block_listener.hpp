// What else wants the blocks BusMeters takes from the engine's one tap
// (--plot): handed each row's block on the measuring side (BusMeters' own
// thread, after the rings, in playback and in renders that measure), never
// on the live audio thread; each row's blocks in order, from one thread.
#pragma once
#include <cstddef>

namespace simvx {

class BlockListener {
public:
    virtual ~BlockListener() = default;
    // Row as in BusMeters::names(): 0 the output, then the buses in scene order.
    virtual void row_block(size_t row, const float* interleaved, size_t frames) = 0;
};

}  // namespace simvx
