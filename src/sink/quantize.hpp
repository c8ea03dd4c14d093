// Float → little-endian integer PCM: round to nearest, clamp to full scale,
// count what had to be clamped. The hot loop of every s16/s24 render, so it
// has an SSE2 path (cvtps2dq rounds to nearest; packssdw saturates) and a
// portable one that gives the same results.
#pragma once
#include <cstddef>
#include <cstdint>

namespace simvx {

// Writes n samples of 2 (s16) or 3 (s24) bytes each to `out`; returns how
// many samples did not fit (|x| beyond full scale after rounding). Inputs are
// finite: the engine never passes NaN.
uint64_t quantize_s16(const float* in, uint8_t* out, size_t n) noexcept;
uint64_t quantize_s24(const float* in, uint8_t* out, size_t n) noexcept;

}  // namespace simvx

namespace simvx {

// The integers the bytes above hold, sign-extended: what a decoder reads back
// (FLAC encodes these; --expect compares with them).
void unpack_s16(const uint8_t* in, int32_t* out, size_t n) noexcept;
void unpack_s24(const uint8_t* in, int32_t* out, size_t n) noexcept;

}  // namespace simvx
