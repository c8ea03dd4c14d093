// The plain levels of a block of samples, in one vectorized pass: what the
// status line, the meters events and --stats each read of every bus.
#pragma once
#include <cstddef>
#include <cstdint>

namespace simvx {

struct SampleLevels {
    float peak = 0;        // the largest |sample| (NaN samples are skipped)
    double energy = 0;     // the sum of the squares
    uint64_t clipped = 0;  // samples with |x| > 1.0
};

SampleLevels sample_levels(const float* x, size_t n) noexcept;
// The peak alone (NaN samples skipped), four lanes at a time.
float peak_magnitude(const float* x, size_t n) noexcept;
// The peak of each `chunk` samples of x[0, n) into out[0, ceil(n / chunk)) (the last chunk may be short).
void chunk_peak_magnitudes(const float* x, size_t n, size_t chunk, float* out) noexcept;

}  // namespace simvx
