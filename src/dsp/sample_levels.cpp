#include "dsp/sample_levels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace simvx {
namespace {

using Float4 = float __attribute__((vector_size(16)));
using Int4 = int32_t __attribute__((vector_size(16)));
using Double2 = double __attribute__((vector_size(16)));

// The first two lanes in double: one instruction with SSE2 (GCC's generic
// conversion goes through scalars).
Double2 widen_low(Float4 v) noexcept {
#if defined(__SSE2__)
    return reinterpret_cast<Double2>(_mm_cvtps_pd(reinterpret_cast<__m128>(v)));
#else
    return Double2{v[0], v[1]};
#endif
}

}  // namespace

// Four lanes, then the rest one at a time; the peak and clip count are what
// a plain loop gives, the energy sums in four partial sums (a running double
// sum in one chain does not vectorize).
SampleLevels sample_levels(const float* x, size_t n) noexcept {
    Float4 peak = {};
    Int4 over = {};  // minus the count of clipped samples per lane
    Double2 even = {}, odd = {};
    const Int4 magnitude_bits = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff};
    const Float4 full_scale = {1.0f, 1.0f, 1.0f, 1.0f};
    size_t i = 0;
    // Clip counts stay within an int32 lane: blocks of at most 2^31 samples per lane.
    for (; i + 4 <= n; i += 4) {
        Float4 v;
        std::memcpy(&v, x + i, sizeof v);
        Int4 bits;
        std::memcpy(&bits, &v, sizeof bits);
        bits &= magnitude_bits;
        Float4 a;
        std::memcpy(&a, &bits, sizeof a);
        peak = a > peak ? a : peak;
        over += a > full_scale;  // -1 where true
        const Double2 lo = widen_low(v), hi = widen_low(__builtin_shufflevector(v, v, 2, 3, 2, 3));
        even += lo * lo;
        odd += hi * hi;
    }
    SampleLevels l;
    for (int k = 0; k < 4; ++k) {
        l.peak = peak[k] > l.peak ? peak[k] : l.peak;
        l.clipped += static_cast<uint64_t>(-static_cast<int64_t>(over[k]));
    }
    l.energy = (even[0] + even[1]) + (odd[0] + odd[1]);
    for (; i < n; ++i) {
        const float a = std::fabs(x[i]);
        l.peak = a > l.peak ? a : l.peak;
        l.clipped += a > 1.0f;
        l.energy += static_cast<double>(x[i]) * x[i];
    }
    return l;
}

float peak_magnitude(const float* x, size_t n) noexcept {
    Float4 peak = {};
    const Int4 magnitude_bits = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        Int4 bits;
        std::memcpy(&bits, x + i, sizeof bits);
        bits &= magnitude_bits;
        Float4 a;
        std::memcpy(&a, &bits, sizeof a);
        peak = a > peak ? a : peak;  // false for NaN: skipped
    }
    float top = 0;
    for (int k = 0; k < 4; ++k) top = peak[k] > top ? peak[k] : top;
    for (; i < n; ++i) {
        const float a = std::fabs(x[i]);
        top = a > top ? a : top;
    }
    return top;
}

void chunk_peak_magnitudes(const float* x, size_t n, size_t chunk, float* out) noexcept {
    for (size_t q = 0; q * chunk < n; ++q) out[q] = peak_magnitude(x + q * chunk, std::min(chunk, n - q * chunk));
}

}  // namespace simvx
