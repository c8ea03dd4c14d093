// Panning over loudspeakers around the listener (quad, 5.1, 7.1): pairwise
// vector-base amplitude panning on the horizontal circle (Pulkki, "Virtual
// Sound Source Positioning Using Vector Base Amplitude Panning", JAES 1997).
// A source between two adjacent speakers plays in those two only, with gains
// that put the summed vector on its direction and keep the power constant
// (g1² + g2² = 1); a source at a speaker's angle plays in that speaker alone.
// Elevation blends towards an even spread over every speaker (the power
// still 1): straight overhead, every speaker plays at 1/√N. The LFE channel
// takes no part: it has no direction.
#pragma once
#include <array>
#include <cstdint>

#include "core/speakers.hpp"
#include "spatial/vec3.hpp"

namespace simvx {

using SpeakerGains = std::array<float, speaker::kMaxChannels>;

// The azimuth (degrees, clockwise from straight ahead: right is positive) of
// each channel of an output layout (core/speakers.hpp's default_mask order),
// as ITU-R BS.775 and BS.2051 place them: quad ±45°, ±135°; 5.1 0°, ±30°,
// ±110°; 7.1 0°, ±30°, ±90°, ±150°. The LFE channel's entry is NaN.
std::array<double, speaker::kMaxChannels> speaker_azimuths(uint32_t channels);

class SpeakerPanner {
public:
    // `channels`: 4, 6 or 8 (std::invalid_argument for others).
    explicit SpeakerPanner(uint32_t channels);

    // The channels' gains (the LFE's and those past `channels` 0) for a
    // source in `direction`, in SOFA's axes (x ahead, y left, z up), any
    // length; a zero vector is straight ahead.
    SpeakerGains gains(const Vec3& direction) const noexcept;
    uint32_t channels() const noexcept { return channels_; }

private:
    struct Pair {
        uint32_t a, b;          // channels, b the next speaker clockwise from a
        double inverse[2][2];   // the inverse of the matrix of their unit vectors
    };
    uint32_t channels_;
    std::array<Pair, speaker::kMaxChannels> pairs_{};
    uint32_t pair_count_ = 0;
    uint32_t speakers_ = 0;  // channels with a direction
    std::array<bool, speaker::kMaxChannels> directional_{};  // all but the LFE
};

}  // namespace simvx
