// The benchmark program: kernels_bench.cpp (decoding, resampling, mixing) and
// effects_bench.cpp (bus effects).
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
