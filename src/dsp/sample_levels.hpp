// The plain levels of a block of samples, in one vectorized pass: what the
// status line, the meters events and --stats each read of every bus; and
// the chunk maxima the true-peak meter's screen bounds its search with.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace simvx {

struct SampleLevels {
    float peak = 0;        // the largest |sample| (NaN samples are skipped)
    double energy = 0;     // the sum of the squares
    uint64_t clipped = 0;  // samples with |x| > 1.0
};

SampleLevels sample_levels(const float* x, size_t n) noexcept;
// The peak and clip count alone (energy 0): half the work, for when no one reads the energy.
SampleLevels sample_peak_and_clips(const float* x, size_t n) noexcept;
// The peak alone (NaN samples skipped), four lanes at a time.
float peak_magnitude(const float* x, size_t n) noexcept;
// Chunk by chunk of `chunk` values of k (the last chunk may be short):
// - peaks[q]: the largest |x[k]|, k in [0, n), into peaks[0, ceil(n / chunk));
// - bends[q]: the largest |x[k] - 2 x[k+1] + x[k+2]|, k in [0, n - 2), into
//   bends[0, ceil((n - 2) / chunk)): how far the samples bend, which bounds
//   how far a band-limited signal strays from the straight line between two
//   samples (dsp/true_peak's screen).
// One pass for both; NaN skipped.
void chunk_peaks_and_bends(const float* x, size_t n, size_t chunk, float* peaks, float* bends) noexcept;

// The two functions above in every vector width the running CPU can run,
// widest first (they take the first: AVX where there is some, else SSE2), by
// name ("avx", "sse2"): maxima are exact, so the tests hold every width to
// the same bits.
struct LevelKernel {
    const char* isa;
    float (*peak)(const float* x, size_t n) noexcept;
    void (*chunks)(const float* x, size_t n, size_t chunk, float* peaks, float* bends) noexcept;
};
std::vector<LevelKernel> level_kernels();

}  // namespace simvx
