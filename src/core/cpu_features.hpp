// What the running CPU can do, asked once: the kernels that have wider
// vector paths (true-peak convolution, K-weighting, sample levels) choose by
// it at run time, so one build runs on every x86-64 machine and uses AVX
// where there is some. False for everything off x86.
#pragma once

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
