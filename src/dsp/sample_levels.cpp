#include "dsp/sample_levels.hpp"

#include "core/cpu_features.hpp"
#include "dsp/vector_types.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace simvx {
namespace {

// The first two lanes in double: one instruction with SSE2 (GCC's generic
// conversion goes through scalars).
Double2 widen_low(Float4 v) noexcept {
#if defined(__SSE2__)
    return reinterpret_cast<Double2>(_mm_cvtps_pd(reinterpret_cast<__m128>(v)));
#else
    return Double2{v[0], v[1]};
#endif
}

// |v| lane by lane: the sign bits cleared. These two are inlined where they
// are used, so in AVX inside the AVX kernels (and take their vectors by
// reference: a 32-byte vector by value would change the ABI without AVX).
template <typename V>
[[gnu::always_inline]] inline void magnitude(const V& v, V& out) noexcept {
    using I = IntLanes<V>;
    out = __builtin_bit_cast(V, __builtin_bit_cast(I, v) & (I{} + 0x7fffffff));
}

// The largest lane, NaN lanes skipped.
template <typename V>
[[gnu::always_inline]] inline float largest(const V& v) noexcept {
    float top = 0;
    for (size_t l = 0; l < sizeof(V) / sizeof(float); ++l) top = v[l] > top ? v[l] : top;
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
        Float4 a;
        magnitude(v, a);
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

// The peak alone (NaN lanes skipped), L lanes at a time. Inlined into each
// kernel, so the AVX kernel runs it in AVX; the maxima are exact, so every
// width gives the same bits.
template <typename V>
[[gnu::always_inline]] inline float peak_lanes(const float* x, size_t n) noexcept {
    constexpr size_t L = sizeof(V) / sizeof(float);
    V peak = {};
    size_t i = 0;
    for (; i + L <= n; i += L) {
        V v, a;
        std::memcpy(&v, x + i, sizeof v);
        magnitude(v, a);
        peak = a > peak ? a : peak;  // false for NaN: skipped
    }
    float top = largest(peak);
    for (; i < n; ++i) {
        const float a = std::fabs(x[i]);
        top = a > top ? a : top;
    }
    return top;
}

// chunk_lanes' pieces, inlined into it (and so into the AVX kernel).
// Values of k to k + L - 1 into the running maxima.
template <typename V>
[[gnu::always_inline]] inline void take_lanes(const float* x, size_t k, V& peak, V& bend) noexcept {
    V a, b, c, m, d;
    std::memcpy(&a, x + k, sizeof a);
    std::memcpy(&b, x + k + 1, sizeof b);
    std::memcpy(&c, x + k + 2, sizeof c);
    magnitude(a, m);
    magnitude((a + c) - (b + b), d);
    peak = m > peak ? m : peak;  // false for NaN: skipped
    bend = d > bend ? d : bend;
}

// A chunk's lanes to four (AVX: the larger of the two halves).
template <typename V>
[[gnu::always_inline]] inline void narrow(const V& v, Float4& out) noexcept {
    if constexpr (sizeof(V) == sizeof(Float4)) {
        out = v;
    } else {
        const Float4 lo = __builtin_shufflevector(v, v, 0, 1, 2, 3), hi = __builtin_shufflevector(v, v, 4, 5, 6, 7);
        out = hi > lo ? hi : lo;
    }
}

// Four chunks' four lanes to their four maxima: a 4 x 4 transpose, folding as it goes.
[[gnu::always_inline]] inline void fold(const Float4* v, float* out) noexcept {
    const auto larger = [](Float4 a, Float4 b) { return a > b ? a : b; };
    const Float4 t0 = larger(__builtin_shufflevector(v[0], v[1], 0, 4, 1, 5), __builtin_shufflevector(v[0], v[1], 2, 6, 3, 7));
    const Float4 t1 = larger(__builtin_shufflevector(v[2], v[3], 0, 4, 1, 5), __builtin_shufflevector(v[2], v[3], 2, 6, 3, 7));
    const Float4 r = larger(__builtin_shufflevector(t0, t1, 0, 1, 4, 5), __builtin_shufflevector(t0, t1, 2, 3, 6, 7));
    std::memcpy(out, &r, sizeof r);
}

// Four values of k at a time from three overlapping loads (L of them: 4
// with SSE2, 8 with AVX), while all three stay inside x; the rest one at a
// time. Four chunks at a time where they hold whole vectors, their lanes
// folded into one vector per measure (a 4 x 4 transpose), which costs less
// than folding each chunk alone.
template <typename V>
[[gnu::always_inline]] inline void chunk_lanes(const float* x, size_t n, size_t chunk, float* peaks, float* bends) noexcept {
    constexpr size_t L = sizeof(V) / sizeof(float);
    const size_t bend_end = n >= 2 ? n - 2 : 0;  // values of k with x[k + 2] inside x
    size_t q = 0;
    if (chunk % L == 0) {
        for (; (q + 4) * chunk <= bend_end; q += 4) {
            Float4 peak4[4], bend4[4];
            for (size_t j = 0; j < 4; ++j) {
                V peak = {}, bend = {};
                for (size_t k = (q + j) * chunk; k < (q + j + 1) * chunk; k += L) take_lanes(x, k, peak, bend);
                narrow(peak, peak4[j]);
                narrow(bend, bend4[j]);
            }
            fold(peak4, peaks + q);
            fold(bend4, bends + q);
        }
    }
    for (; q * chunk < n; ++q) {
        const size_t first = q * chunk, end = std::min(n, first + chunk);
        const size_t last_bend = std::min(end, bend_end);
        V peak = {}, bend = {};
        size_t k = first;
        for (; k + L <= last_bend; k += L) take_lanes(x, k, peak, bend);
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

float peak_sse2(const float* x, size_t n) noexcept { return peak_lanes<Float4>(x, n); }
void chunks_sse2(const float* x, size_t n, size_t chunk, float* peaks, float* bends) noexcept {
    chunk_lanes<Float4>(x, n, chunk, peaks, bends);
}

#if defined(__x86_64__) || defined(__i386__)
[[gnu::target("avx")]] float peak_avx(const float* x, size_t n) noexcept { return peak_lanes<Float8>(x, n); }
[[gnu::target("avx")]] void chunks_avx(const float* x, size_t n, size_t chunk, float* peaks, float* bends) noexcept {
    chunk_lanes<Float8>(x, n, chunk, peaks, bends);
}
#endif

std::vector<LevelKernel> available() {
    std::vector<LevelKernel> k;
#if defined(__x86_64__) || defined(__i386__)
    if (cpu::has_avx()) k.push_back({"avx", peak_avx, chunks_avx});
#endif
    k.push_back({"sse2", peak_sse2, chunks_sse2});
    return k;
}

const LevelKernel& widest() noexcept {
    static const LevelKernel k = available().front();
    return k;
}

}  // namespace

std::vector<LevelKernel> level_kernels() { return available(); }

SampleLevels sample_levels(const float* x, size_t n) noexcept { return levels<true>(x, n); }

// Clipping is rare: a block whose peak is at most full scale has none to
// count, so the count takes a second pass only for a block that has some.
SampleLevels sample_peak_and_clips(const float* x, size_t n) noexcept {
    SampleLevels l;
    l.peak = peak_magnitude(x, n);
    if (l.peak > 1.0f) l.clipped = levels<false>(x, n).clipped;
    return l;
}

float peak_magnitude(const float* x, size_t n) noexcept { return widest().peak(x, n); }

void chunk_peaks_and_bends(const float* x, size_t n, size_t chunk, float* peaks, float* bends) noexcept {
    widest().chunks(x, n, chunk, peaks, bends);
}

}  // namespace simvx
