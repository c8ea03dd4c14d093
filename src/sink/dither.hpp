// TPDF dither for integer renders: the sum of two independent uniform values
// of ±½ LSB each, added before rounding, so that quantization error becomes
// signal-independent noise and tones below one LSB survive instead of
// vanishing or turning into distortion. Seeded and deterministic, so a
// dithered render gives the same bytes every time.
#pragma once
#include <cstdint>
#include <span>

namespace simvx {

class TpdfDither {
public:
    explicit TpdfDither(uint32_t bits, uint64_t seed = 0x9E3779B97F4A7C15ull);
    // Adds the dither to each sample, in place.
    void apply(std::span<float> samples) noexcept;

private:
    float uniform() noexcept;  // in [-0.5, 0.5) LSB
    uint64_t state_;
    float lsb_;
};

}  // namespace simvx
