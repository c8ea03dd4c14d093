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

// |v| lane by lane: the sign bits cleared.
Float4 magnitude(Float4 v) noexcept {
    const Int4 magnitude_bits = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff};
    Int4 bits;
    std::memcpy(&bits, &v, sizeof bits);
    bits &= magnitude_bits;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

// The largest lane, NaN lanes skipped.
float largest(Float4 v) noexcept {
    float top = 0;
    for (int l = 0; l < 4; ++l) top = v[l] > top ? v[l] : top;
    return top;
}

float bend_at(const float* x) noexcept { return std::fabs((x[0] + x[2]) - (x[1] + x[1])); }

// Four lanes, then the rest one at a time; the peak and clip count are what
// a plain loop gives, the energy sums in four partial sums (a running double
// sum in one chain does not vectorize).
template <bool Energy>
SampleLevels levels(const float* x, size_t n) noexcept {
    Float4 peak = {};
    Int4 over = {};  // minus the count of clipped samples per lane
    Double2 even = {}, odd = {};
    const Float4 full_scale = {1.0f, 1.0f, 1.0f, 1.0f};
    size_t i = 0;
    // Clip counts stay within an int32 lane: blocks of at most 2^31 samples per lane.
    for (; i + 4 <= n; i += 4) {
        Float4 v;
        std::memcpy(&v, x + i, sizeof v);
        const Float4 a = magnitude(v);
        peak = a > peak ? a : peak;
        over += a > full_scale;  // -1 where true
        if constexpr (Energy) {
            const Double2 lo = widen_low(v), hi = widen_low(__builtin_shufflevector(v, v, 2, 3, 2, 3));
            even += lo * lo;
            odd += hi * hi;
        }
    }
    SampleLevels l;
    l.peak = largest(peak);
    for (int k = 0; k < 4; ++k) l.clipped += static_cast<uint64_t>(-static_cast<int64_t>(over[k]));
    l.energy = (even[0] + even[1]) + (odd[0] + odd[1]);
    for (; i < n; ++i) {
        const float a = std::fabs(x[i]);
        l.peak = a > l.peak ? a : l.peak;
        l.clipped += a > 1.0f;
        if constexpr (Energy) l.energy += static_cast<double>(x[i]) * x[i];
    }
    return l;
}

}  // namespace

SampleLevels sample_levels(const float* x, size_t n) noexcept { return levels<true>(x, n); }
SampleLevels sample_peak_and_clips(const float* x, size_t n) noexcept { return levels<false>(x, n); }

float peak_magnitude(const float* x, size_t n) noexcept {
    Float4 peak = {};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        Float4 v;
        std::memcpy(&v, x + i, sizeof v);
        const Float4 a = magnitude(v);
        peak = a > peak ? a : peak;  // false for NaN: skipped
    }
    float top = largest(peak);
    for (; i < n; ++i) {
        const float a = std::fabs(x[i]);
        top = a > top ? a : top;
    }
    return top;
}


// Four values of k at a time from three overlapping loads, while all three
// stay inside x; the rest one at a time. Four chunks at a time where they
// hold whole vectors, their lanes folded into one vector per measure (a
// 4 x 4 transpose), which costs less than folding each chunk alone.
void chunk_peaks_and_bends(const float* x, size_t n, size_t chunk, float* peaks, float* bends) noexcept {
    const size_t bend_end = n >= 2 ? n - 2 : 0;  // values of k with x[k + 2] inside x
    const auto fold = [](const Float4* v, float* out) {
        const auto larger = [](Float4 a, Float4 b) { return a > b ? a : b; };
        const Float4 t0 = larger(__builtin_shufflevector(v[0], v[1], 0, 4, 1, 5), __builtin_shufflevector(v[0], v[1], 2, 6, 3, 7));
        const Float4 t1 = larger(__builtin_shufflevector(v[2], v[3], 0, 4, 1, 5), __builtin_shufflevector(v[2], v[3], 2, 6, 3, 7));
        const Float4 r = larger(__builtin_shufflevector(t0, t1, 0, 1, 4, 5), __builtin_shufflevector(t0, t1, 2, 3, 6, 7));
        std::memcpy(out, &r, sizeof r);
    };
    // Values of k to k + 3 into the running maxima.
    const auto take4 = [x](size_t k, Float4& peak, Float4& bend) {
        Float4 a, b, c;
        std::memcpy(&a, x + k, sizeof a);
        std::memcpy(&b, x + k + 1, sizeof b);
        std::memcpy(&c, x + k + 2, sizeof c);
        const Float4 m = magnitude(a), d = magnitude((a + c) - (b + b));
        peak = m > peak ? m : peak;  // false for NaN: skipped
        bend = d > bend ? d : bend;
    };
    size_t q = 0;
    if (chunk % 4 == 0) {
        for (; (q + 4) * chunk <= bend_end; q += 4) {
            Float4 peak[4] = {}, bend[4] = {};
            for (size_t j = 0; j < 4; ++j) {
                for (size_t k = (q + j) * chunk; k < (q + j + 1) * chunk; k += 4) take4(k, peak[j], bend[j]);
            }
            fold(peak, peaks + q);
            fold(bend, bends + q);
        }
    }
    for (; q * chunk < n; ++q) {
        const size_t first = q * chunk, end = std::min(n, first + chunk);
        const size_t last_bend = std::min(end, bend_end);
        Float4 peak = {}, bend = {};
        size_t k = first;
        for (; k + 4 <= last_bend; k += 4) take4(k, peak, bend);
        float top_peak = largest(peak), top_bend = largest(bend);
        for (; k < end; ++k) {
            const float m = std::fabs(x[k]);
            top_peak = m > top_peak ? m : top_peak;
            if (k < last_bend) {
                const float d = bend_at(x + k);
                top_bend = d > top_bend ? d : top_bend;
            }
        }
        peaks[q] = top_peak;
        if (first < bend_end) bends[q] = top_bend;
    }
}

}  // namespace simvx
