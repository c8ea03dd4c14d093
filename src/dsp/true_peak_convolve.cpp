#include "dsp/true_peak_convolve.hpp"

#include "core/cpu_features.hpp"
#include "dsp/vector_types.hpp"

#include <cstring>

namespace simvx {
namespace {

// Through a reference: a wide vector returned by value from a function
// compiled for plain SSE2 would change the ABI.
template <class V>
[[gnu::always_inline]] inline void load(V& v, const float* p) noexcept {
    std::memcpy(&v, p, sizeof v);
}

// Four vectors of outputs at a time stay in registers across the taps, so
// each tap costs one broadcast, four loads and no store. Inlined into each
// width's function below, where the target attribute decides the code.
template <size_t Lanes>
[[gnu::always_inline]] inline size_t convolve_blocks(const float* __restrict x, const float* __restrict h,
                                                     uint32_t taps, float* __restrict g, size_t points) noexcept {
    using V = FloatLanes<Lanes>;
    static_assert(sizeof(V) == Lanes * sizeof(float));
    constexpr size_t kStep = 4 * Lanes;
    size_t i = 0;
    for (; i + kStep <= points; i += kStep) {
        V a0 = {}, a1 = {}, a2 = {}, a3 = {};
        for (uint32_t k = 0; k < taps; ++k) {
            const float* xk = x + i + k;
            const float hk = h[k];
            V v0, v1, v2, v3;
            load(v0, xk);
            load(v1, xk + Lanes);
            load(v2, xk + 2 * Lanes);
            load(v3, xk + 3 * Lanes);
            a0 += hk * v0;
            a1 += hk * v1;
            a2 += hk * v2;
            a3 += hk * v3;
        }
        std::memcpy(g + i, &a0, sizeof a0);
        std::memcpy(g + i + Lanes, &a1, sizeof a1);
        std::memcpy(g + i + 2 * Lanes, &a2, sizeof a2);
        std::memcpy(g + i + 3 * Lanes, &a3, sizeof a3);
    }
    return i;
}

// The outputs past the last whole step, one at a time (the same sums).
void convolve_rest(const float* x, const float* h, uint32_t taps, float* g, size_t from, size_t points) noexcept {
    for (size_t i = from; i < points; ++i) {
        float sum = 0;
        for (uint32_t k = 0; k < taps; ++k) sum += h[k] * x[i + k];
        g[i] = sum;
    }
}

void convolve_generic(const float* x, const float* h, uint32_t taps, float* g, size_t points) noexcept {
    convolve_rest(x, h, taps, g, convolve_blocks<4>(x, h, taps, g, points), points);
}

#if defined(__x86_64__) || defined(__i386__)
[[gnu::target("avx")]] void convolve_avx(const float* x, const float* h, uint32_t taps, float* g,
                                         size_t points) noexcept {
    size_t done = convolve_blocks<8>(x, h, taps, g, points);
    done += convolve_blocks<4>(x + done, h, taps, g + done, points - done);
    convolve_rest(x, h, taps, g, done, points);
}

[[gnu::target("avx512f")]] void convolve_avx512(const float* x, const float* h, uint32_t taps, float* g,
                                                size_t points) noexcept {
    size_t done = convolve_blocks<16>(x, h, taps, g, points);
    done += convolve_blocks<8>(x + done, h, taps, g + done, points - done);
    done += convolve_blocks<4>(x + done, h, taps, g + done, points - done);
    convolve_rest(x, h, taps, g, done, points);
}

#endif

#if defined(__x86_64__) || defined(__i386__)
std::vector<ConvolveKernel> available() {
    std::vector<ConvolveKernel> k;
    if (cpu::has_avx512f()) k.push_back({"avx512", convolve_avx512});
    if (cpu::has_avx()) k.push_back({"avx", convolve_avx});
    k.push_back({"sse2", convolve_generic});
    return k;
}
#else
std::vector<ConvolveKernel> available() { return {{"generic", convolve_generic}}; }
#endif

}  // namespace

std::vector<ConvolveKernel> convolve_taps_kernels() { return available(); }

}  // namespace simvx
