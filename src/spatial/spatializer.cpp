#include "spatial/spatializer.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace simvx {

Spatializer::Spatializer(SpatialSetup setup)
    : s_(std::move(setup)),
      source_(s_.source.path, s_.source.position, s_.source.velocity),
      listener_(s_.listener.path, s_.listener.position, s_.listener.velocity) {
    if (s_.channels > 2) panner_.emplace(s_.channels);
}

bool Spatializer::has_doppler() const noexcept {
    return s_.doppler_factor > 0 && (source_.moves() || listener_.moves());
}

void Spatializer::move_source(const Vec3& position, const Vec3& velocity) noexcept { source_.hold(position, velocity); }

void Spatializer::move_listener(const Vec3& position, const Vec3& velocity, const Vec3& direction, const Vec3& up) noexcept {
    listener_.hold(position, velocity);
    s_.listener.direction = direction;
    s_.listener.world_up = up;
}

SpatialState Spatializer::at(uint64_t frame) const noexcept {
    const double t = static_cast<double>(frame) / s_.rate;
    const Motion src = source_.at(t);
    const Motion lis = listener_.at(t);
    const Vec3 rel = src.position - lis.position;  // the source seen from the listener
    const SpatialDesc& d = s_.source;
    const double distance = length(rel);
    double gain = distance_gain(d.attenuation, distance, d.min_distance, d.max_distance, d.rolloff);
    if (d.cone.inner_deg < 360 || d.cone.outer_deg < 360) {
        // The listener's angle off the source's axis.
        const Vec3 to_listener = normalized(lis.position - src.position);
        const double c = std::clamp(dot(normalized(d.cone.direction), to_listener), -1.0, 1.0);
        gain *= cone_gain(d.cone, std::acos(c) * 180 / std::numbers::pi);
    }
    const ListenerFrame frame_axes = listener_frame(s_.listener.direction, s_.listener.world_up);
    StereoGain g = s_.hrtf ? StereoGain{1.0f, 1.0f} : pan_gains(s_.pan_law, azimuth_pan(frame_axes, rel));
    g.left = static_cast<float>(g.left * gain);
    g.right = static_cast<float>(g.right * gain);
    SpatialState state{g, doppler_shift(src.position, src.velocity, lis.position, lis.velocity, s_.speed_of_sound, s_.doppler_factor),
                       air_absorption_cutoff(s_.air_absorption, distance, d.min_distance, d.max_distance)};
    if (distance > 0)
        state.direction = normalized(Vec3{dot(rel, frame_axes.forward), -dot(rel, frame_axes.right), dot(rel, frame_axes.up)});
    if (panner_) {
        state.speakers = panner_->gains(state.direction);
        for (float& s : state.speakers) s = static_cast<float>(s * gain);
    }
    return state;
}

}  // namespace simvx
