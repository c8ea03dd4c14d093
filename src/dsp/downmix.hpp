// Multichannel → stereo with the ITU-R BS.775 coefficients: front channels
// at 1, centre and surrounds at −3 dB (1/√2) into each side, LFE dropped.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace simvx {

// Per input channel, its gain into the left and right output.
struct DownmixMatrix {
    std::vector<float> left, right;
};

// `mask` is the WAVE speaker mask of the input (0 = the usual layout for its
// channel count); channels beyond the mask's bits are treated as centre-ish
// ambience (−3 dB to both sides).
DownmixMatrix stereo_downmix(uint32_t channels, uint32_t mask);

// in: frames × channels interleaved → out: frames × 2 interleaved.
void apply_downmix(const DownmixMatrix& m, std::span<const float> in, std::span<float> out);

}  // namespace simvx
