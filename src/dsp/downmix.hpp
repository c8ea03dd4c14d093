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

// The speaker bit of each of `channels` channels laid out by `mask` (0 = the
// usual layout): the c-th set bit is channel c's; 0 for channels past the bits.
std::vector<uint32_t> channel_speakers(uint32_t channels, uint32_t mask);

// A multichannel file onto an output layout of `out_channels` (2, 4, 6 or 8:
// core/speakers.hpp), per output channel the gain of each input channel. A
// speaker the output has takes its channel whole (gain 1, nothing else: a
// 5.1 file on 5.1 is copied bit for bit); one it lacks goes where a
// downmix puts it: sides to the backs, a back centre to both backs and a
// front centre to both fronts at -3 dB, the front-of-centre pair to the
// fronts; an LFE the output lacks is dropped (as BS.775 drops it), an
// unnamed channel plays in both fronts at -3 dB. On stereo, stereo_downmix.
struct SpeakerMatrix {
    uint32_t in = 0, out = 0;
    std::vector<float> gain;  // out × in
    float at(uint32_t o, uint32_t i) const { return gain[o * in + i]; }
};
SpeakerMatrix speaker_matrix(uint32_t in_channels, uint32_t in_mask, uint32_t out_channels);

}  // namespace simvx
