#include "sink/dither.hpp"

#include <cmath>

namespace simvx {

TpdfDither::TpdfDither(uint32_t bits, uint64_t seed)
    : state_(seed ? seed : 1), lsb_(std::ldexp(1.0f, -static_cast<int>(bits - 1))) {}

// xorshift64*: fast, and more than random enough for noise a listener cannot
// tell from ideal (its period far exceeds any render).
float TpdfDither::uniform() noexcept {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    const uint64_t r = state_ * 0x2545F4914F6CDD1Dull;
    return static_cast<float>(r >> 40) * (1.0f / 16777216.0f) - 0.5f;  // 24 random bits
}

void TpdfDither::apply(std::span<float> samples) noexcept {
    for (float& x : samples) x += (uniform() + uniform()) * lsb_;
}

}  // namespace simvx
