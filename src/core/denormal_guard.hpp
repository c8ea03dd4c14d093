// RAII guard that flushes denormals to zero for the scope of a render call, so
// filters and reverbs decaying into silence do not slow down (x86 FTZ/DAZ).
#pragma once
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define SIMVX_HAVE_MXCSR 1
#endif

namespace simvx {

class DenormalGuard {
public:
    DenormalGuard() noexcept {
#ifdef SIMVX_HAVE_MXCSR
        saved_ = _mm_getcsr();
        _mm_setcsr(saved_ | 0x8040u);  // FTZ (bit 15) | DAZ (bit 6)
#endif
    }
    ~DenormalGuard() {
#ifdef SIMVX_HAVE_MXCSR
        _mm_setcsr(saved_);
#endif
    }
    DenormalGuard(const DenormalGuard&) = delete;
    DenormalGuard& operator=(const DenormalGuard&) = delete;

private:
    unsigned saved_ = 0;
};

}  // namespace simvx
