#include "spatial/speaker_pan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/speakers.hpp"

namespace simvx {
namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

// A speaker bit's azimuth in `channels`' layout; NaN for the LFE. The rear
// pair sits at ±135° in quad, ±110° in 5.1 (BS.775's surrounds) and ±150°
// in 7.1 (its sides take ±90°).
double azimuth_of(uint32_t bit, uint32_t channels) {
    switch (bit) {
        case speaker::FL: return channels == 4 ? -45 : -30;
        case speaker::FR: return channels == 4 ? 45 : 30;
        case speaker::FC: return 0;
        case speaker::BL: return channels == 4 ? -135 : channels == 6 ? -110 : -150;
        case speaker::BR: return channels == 4 ? 135 : channels == 6 ? 110 : 150;
        case speaker::SL: return -90;
        case speaker::SR: return 90;
        default: return std::numeric_limits<double>::quiet_NaN();  // LFE
    }
}

}  // namespace

std::array<double, speaker::kMaxChannels> speaker_azimuths(uint32_t channels) {
    std::array<double, speaker::kMaxChannels> out;
    out.fill(std::numeric_limits<double>::quiet_NaN());
    const uint32_t mask = speaker::default_mask(channels);
    for (uint32_t c = 0; c < channels && c < speaker::kMaxChannels; ++c)
        if (const uint32_t bit = speaker::speaker_of(mask, c)) out[c] = azimuth_of(bit, channels);
    return out;
}

SpeakerPanner::SpeakerPanner(uint32_t channels) : channels_(channels) {
    if (channels != 4 && channels != 6 && channels != 8)
        throw std::invalid_argument("speaker panning needs 4, 6 or 8 channels, not " + std::to_string(channels));
    const auto azimuths = speaker_azimuths(channels);
    std::vector<uint32_t> order;
    for (uint32_t c = 0; c < channels; ++c)
        if (!std::isnan(azimuths[c])) {
            directional_[c] = true;
            order.push_back(c);
        }
    speakers_ = static_cast<uint32_t>(order.size());
    std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) { return azimuths[x] < azimuths[y]; });
    // Each speaker with the next one clockwise, the last with the first: the
    // standard layouts leave no gap of 180° or more, so every pair's matrix
    // is invertible.
    for (uint32_t i = 0; i < speakers_; ++i) {
        const uint32_t a = order[i], b = order[(i + 1) % speakers_];
        const double ta = azimuths[a] * kDegree, tb = azimuths[b] * kDegree;
        // Unit vectors as (ahead, right): [[cos ta, cos tb], [sin ta, sin tb]].
        const double m00 = std::cos(ta), m01 = std::cos(tb), m10 = std::sin(ta), m11 = std::sin(tb);
        const double det = m00 * m11 - m01 * m10;
        pairs_[pair_count_++] = {a, b, {{m11 / det, -m01 / det}, {-m10 / det, m00 / det}}};
    }
}

SpeakerGains SpeakerPanner::gains(const Vec3& direction) const noexcept {
    SpeakerGains out{};
    const double len = length(direction);
    const Vec3 d = len > 0 ? direction * (1 / len) : Vec3{1, 0, 0};
    const double ahead = d[0], right = -d[1];
    const double horizontal = std::min(1.0, ahead * ahead + right * right);  // cos² of the elevation
    SpeakerGains pair{};
    if (horizontal > 1e-12) {  // (straight up or down, the spread alone)
        // The pair whose gains are both non-negative holds the direction.
        for (uint32_t i = 0; i < pair_count_; ++i) {
            const Pair& p = pairs_[i];
            double ga = p.inverse[0][0] * ahead + p.inverse[0][1] * right;
            double gb = p.inverse[1][0] * ahead + p.inverse[1][1] * right;
            if (ga < -1e-12 || gb < -1e-12) continue;
            ga = std::max(ga, 0.0);
            gb = std::max(gb, 0.0);
            const double norm = std::sqrt(ga * ga + gb * gb);
            pair[p.a] = static_cast<float>(ga / norm);
            pair[p.b] = static_cast<float>(gb / norm);
            break;
        }
    }
    const double spread = (1.0 - horizontal) / speakers_;  // each speaker's share of the power off the plane
    for (uint32_t c = 0; c < channels_; ++c) {
        if (!directional_[c]) continue;
        const double g = pair[c];
        out[c] = static_cast<float>(std::sqrt(horizontal * g * g + spread));
    }
    return out;
}

}  // namespace simvx
