// The GCC vector types the dsp kernels are written in (true-peak
// convolution and meter, sample levels, K-weighting): one name per width, and
// the integer vector of each float width. Named one by one: GCC drops
// vector_size from an alias template that depends on its parameter. Wider
// than 16 bytes only inside functions compiled for AVX (or AVX-512); passed
// by reference elsewhere, since by value they would change the ABI.
#pragma once
#include <cstddef>
#include <cstdint>

namespace simvx {

using Float4 = float __attribute__((vector_size(4 * sizeof(float))));
using Float8 = float __attribute__((vector_size(8 * sizeof(float))));
using Float16 = float __attribute__((vector_size(16 * sizeof(float))));
using Int4 = int32_t __attribute__((vector_size(4 * sizeof(int32_t))));
using Int8 = int32_t __attribute__((vector_size(8 * sizeof(int32_t))));
using Double1 = double __attribute__((vector_size(sizeof(double))));
using Double2 = double __attribute__((vector_size(2 * sizeof(double))));
using Double4 = double __attribute__((vector_size(4 * sizeof(double))));

// The float or double vector of `Lanes` lanes, and the integer vector of a float one's width.
template <size_t Lanes>
struct FloatLanes;
template <>
struct FloatLanes<4> {
    using type = Float4;
};
template <>
struct FloatLanes<8> {
    using type = Float8;
};
template <>
struct FloatLanes<16> {
    using type = Float16;
};
template <size_t Lanes>
struct DoubleLanes;
template <>
struct DoubleLanes<1> {
    using type = Double1;
};
template <>
struct DoubleLanes<2> {
    using type = Double2;
};
template <>
struct DoubleLanes<4> {
    using type = Double4;
};
template <typename V>
struct IntLanes;
template <>
struct IntLanes<Float4> {
    using type = Int4;
};
template <>
struct IntLanes<Float8> {
    using type = Int8;
};

}  // namespace simvx
