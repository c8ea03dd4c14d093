// The GCC vector types the dsp kernels are written in (true-peak
// convolution and meter, sample levels, K-weighting): one name per width, the
// vector of any width, and the integer vector of a float one's width. Wider
// than 16 bytes only inside functions compiled for AVX (or AVX-512); passed
// by reference elsewhere, since by value they would change the ABI.
#pragma once
#include <cstddef>
#include <cstdint>

namespace simvx {

// `Lanes` lanes of T. A typedef in a class template: GCC drops vector_size
// from an alias template that depends on its parameter, but keeps it here.
template <typename T, size_t Lanes>
struct VectorOf {
    typedef T type __attribute__((vector_size(Lanes * sizeof(T))));
};

template <size_t Lanes>
using FloatLanes = typename VectorOf<float, Lanes>::type;
template <size_t Lanes>
using DoubleLanes = typename VectorOf<double, Lanes>::type;
// The int32 vector of a float vector V's lanes (what its comparisons give).
template <typename V>
using IntLanes = typename VectorOf<int32_t, sizeof(V) / sizeof(float)>::type;

using Float4 = FloatLanes<4>;
using Float8 = FloatLanes<8>;
using Float16 = FloatLanes<16>;
using Int4 = IntLanes<Float4>;
using Int8 = IntLanes<Float8>;
using Double1 = DoubleLanes<1>;
using Double2 = DoubleLanes<2>;
using Double4 = DoubleLanes<4>;

}  // namespace simvx
