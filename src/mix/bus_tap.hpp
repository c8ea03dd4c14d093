// A listener on the engine's buses: after each block, every bus's output
// (after its effects and volume) and the engine's output (after the stop
// fade). Called on the render thread, so an implementation must not
// allocate, lock, log or do I/O when that thread is a live audio thread; an
// offline render's pull thread may do more.
#pragma once
#include <cstddef>

#include "core/realtime.hpp"

namespace simvx {

class RenderPlan;

class BusTap {
public:
    virtual ~BusTap() = default;
    // `plan`'s buses hold this block (stereo, `frames` frames; Bus::index is
    // the bus's place in the scene); `out` is the output (engine channels).
    virtual void block(const RenderPlan& plan, const float* out, size_t frames) noexcept SIMVX_REALTIME = 0;
    // An engine with an output limiter (--normalize-limit) hands its output
    // the limiter's lookahead later than its buses: the buses of its first
    // frames come alone, and the output of its last frames alone. In between,
    // block()'s `out` is the output that lookahead earlier than the buses.
    virtual void buses(const RenderPlan& plan, size_t frames) noexcept SIMVX_REALTIME {
        (void)plan;
        (void)frames;
    }
    virtual void output(const float* out, size_t frames) noexcept SIMVX_REALTIME {
        (void)out;
        (void)frames;
    }
};

}  // namespace simvx
