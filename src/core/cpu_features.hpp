// What the running CPU can do, asked once: the kernels that have wider
// vector paths (true-peak convolution, K-weighting, sample levels) choose by
// it at run time, so one build runs on every x86-64 machine and uses AVX
// where there is some. False for everything off x86.
#pragma once

// A function compiled twice, for AVX2+FMA machines (x86-64-v3) and for the
// x86-64 baseline, the loader choosing one: for the per-sample loops that
// vectorize, twice as wide with AVX. The same arithmetic either way (no
// contraction into FMA, -ffp-contract=off), so renders are the same bits on
// every machine. Not under ThreadSanitizer: the loader runs the clone
// resolver before TSan's runtime is up, and the instrumented resolver
// crashes the program at start. Nothing off x86.
#if defined(__SANITIZE_THREAD__) || !(defined(__x86_64__) || defined(__i386__))
#define SIMVX_CPU_CLONES
#else
#define SIMVX_CPU_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#endif

namespace simvx::cpu {

#if defined(__x86_64__) || defined(__i386__)
inline bool has_avx() noexcept {
    static const bool avx = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx") != 0;
    }();
    return avx;
}
inline bool has_avx512f() noexcept {
    static const bool avx512f = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") != 0;
    }();
    return avx512f;
}
#else
inline bool has_avx() noexcept { return false; }
inline bool has_avx512f() noexcept { return false; }
#endif

}  // namespace simvx::cpu
