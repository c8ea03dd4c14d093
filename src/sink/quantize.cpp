#include "sink/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace simvx {
namespace {

// One sample, portable: the reference the SIMD path agrees with.
template <int Bits>
int32_t quantize_one(float x, uint64_t& clipped) {
    constexpr float scale = static_cast<float>(1 << (Bits - 1));
    constexpr float hi = scale - 1.0f;
    const float v = x * scale;
    clipped += (v >= hi + 0.5f) | (v < -scale - 0.5f);
    return static_cast<int32_t>(std::lrintf(std::min(std::max(v, -scale), hi)));
}

#if defined(__SSE2__)
// Four samples: scaled, clamped, rounded; the count of those out of range.
template <int Bits>
inline __m128i quantize4(const float* in, uint64_t& clipped) {
    constexpr float scale = static_cast<float>(1 << (Bits - 1));
    const __m128 v = _mm_mul_ps(_mm_loadu_ps(in), _mm_set1_ps(scale));
    const __m128 over = _mm_or_ps(_mm_cmpge_ps(v, _mm_set1_ps(scale - 0.5f)), _mm_cmplt_ps(v, _mm_set1_ps(-scale - 0.5f)));
    // Bits set in a 4-bit mask (baseline x86-64 has no popcnt instruction).
    static constexpr uint8_t kBits[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    clipped += kBits[_mm_movemask_ps(over)];
    const __m128 c = _mm_min_ps(_mm_max_ps(v, _mm_set1_ps(-scale)), _mm_set1_ps(scale - 1.0f));
    return _mm_cvtps_epi32(c);  // round to nearest (the default MXCSR mode)
}
#endif

}  // namespace

uint64_t quantize_s16(const float* in, uint8_t* out, size_t n) noexcept {
    uint64_t clipped = 0;
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 8 <= n; i += 8) {
        const __m128i a = quantize4<16>(in + i, clipped);
        const __m128i b = quantize4<16>(in + i + 4, clipped);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * i), _mm_packs_epi32(a, b));
    }
#endif
    for (; i < n; ++i) {
        const auto v = static_cast<int16_t>(quantize_one<16>(in[i], clipped));
        std::memcpy(out + 2 * i, &v, 2);
    }
    return clipped;
}

uint64_t quantize_s24(const float* in, uint8_t* out, size_t n) noexcept {
    uint64_t clipped = 0;
    for (size_t i = 0; i < n; ++i) {
        const int32_t v = quantize_one<24>(in[i], clipped);
        out[3 * i] = static_cast<uint8_t>(v);
        out[3 * i + 1] = static_cast<uint8_t>(v >> 8);
        out[3 * i + 2] = static_cast<uint8_t>(v >> 16);
    }
    return clipped;
}

}  // namespace simvx

namespace simvx {

void unpack_s16(const uint8_t* in, int32_t* out, size_t n) noexcept {
    for (size_t i = 0; i < n; ++i) {
        int16_t v;
        std::memcpy(&v, in + 2 * i, 2);  // x86/ARM: little-endian
        out[i] = v;
    }
}

void unpack_s24(const uint8_t* in, int32_t* out, size_t n) noexcept {
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* b = in + 3 * i;
        out[i] = static_cast<int32_t>(static_cast<uint32_t>(b[0]) << 8 | static_cast<uint32_t>(b[1]) << 16 |
                                      static_cast<uint32_t>(b[2]) << 24) >> 8;
    }
}

}  // namespace simvx
