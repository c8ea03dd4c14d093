// Fixed-ratio sample-rate conversion with libsoxr at high quality (about
// 130 dB of image and alias rejection), fed in chunks so it can convert a
// file while it decodes or, later, a live stream.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/sample_vector.hpp"

struct soxr;

namespace simvx {

class Resampler {
public:
    Resampler(uint32_t in_rate, uint32_t out_rate, uint32_t channels);
    ~Resampler();
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    // Appends the converted frames of `in` (interleaved) to `out`.
    void process(std::span<const float> in, SampleVector& out);
    // Flushes the filter's delay line at the end of the input; afterwards the
    // total output is exactly round(total_in × out_rate / in_rate) frames.
    // `out` must be the vector the earlier output went to (the last frames
    // may be trimmed).
    void finish(SampleVector& out);

private:
    void run(const float* in, size_t in_frames, SampleVector& out);

    soxr* soxr_ = nullptr;
    uint32_t in_rate_, out_rate_, channels_;
    uint64_t frames_in_ = 0, frames_out_ = 0;
};

}  // namespace simvx
