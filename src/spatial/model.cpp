#include "spatial/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace simvx {

double distance_gain(Attenuation model, double distance, double min_distance, double max_distance, double rolloff) {
    const double d = std::clamp(distance, min_distance, std::max(min_distance, max_distance));
    switch (model) {
        case Attenuation::none: return 1.0;
        case Attenuation::inverse: return min_distance / (min_distance + rolloff * (d - min_distance));
        case Attenuation::linear:
            if (max_distance <= min_distance) return 1.0;
            return std::max(0.0, 1.0 - rolloff * (d - min_distance) / (max_distance - min_distance));
        case Attenuation::exponential: return std::pow(d / min_distance, -rolloff);
    }
    return 1.0;
}

double cone_gain(const ConeDesc& cone, double angle_deg) {
    const double inner = cone.inner_deg / 2, outer = cone.outer_deg / 2;
    const double outer_gain = std::pow(10.0, cone.outer_gain_db / 20);
    if (angle_deg <= inner) return 1.0;
    if (angle_deg >= outer) return outer_gain;
    return 1.0 + (outer_gain - 1.0) * (angle_deg - inner) / (outer - inner);
}

double doppler_shift(const Vec3& source_pos, const Vec3& source_vel, const Vec3& listener_pos, const Vec3& listener_vel,
                     double speed_of_sound, double doppler_factor) {
    const Vec3 sl = listener_pos - source_pos;
    const double mag = length(sl);
    if (doppler_factor <= 0 || mag <= 0) return 1.0;
    const double limit = speed_of_sound / doppler_factor;
    const double vls = std::min(dot(sl, listener_vel) / mag, limit);
    const double vss = std::min(dot(sl, source_vel) / mag, limit);
    const double num = speed_of_sound - doppler_factor * vls, den = speed_of_sound - doppler_factor * vss;
    if (den <= 0) return kMaxDopplerShift;
    return std::clamp(num / den, 1 / kMaxDopplerShift, kMaxDopplerShift);
}

ListenerFrame listener_frame(const Vec3& direction, const Vec3& world_up) {
    ListenerFrame f;
    f.forward = normalized(direction);
    f.right = normalized(cross(f.forward, world_up));
    f.up = cross(f.right, f.forward);
    return f;
}

double azimuth_pan(const ListenerFrame& frame, const Vec3& relative) {
    const double d = length(relative);
    return d > 0 ? std::clamp(dot(relative, frame.right) / d, -1.0, 1.0) : 0.0;
}

Motion motion_at(std::span<const Keyframe> path, const Vec3& position, const Vec3& velocity, double t) {
    if (path.empty()) return {position, velocity};
    if (t <= path.front().t) return {path.front().position, {0, 0, 0}};
    if (t >= path.back().t) return {path.back().position, {0, 0, 0}};
    const auto next = std::upper_bound(path.begin(), path.end(), t, [](double x, const Keyframe& k) { return x < k.t; });
    const Keyframe& a = *(next - 1);
    const Keyframe& b = *next;
    const double span = b.t - a.t;
    const Vec3 v = (b.position - a.position) * (1 / span);
    return {a.position + v * (t - a.t), v};
}

double air_absorption_cutoff(double factor, double distance, double min_distance, double max_distance) {
    const double metres = std::clamp(distance, min_distance, std::max(min_distance, max_distance)) - min_distance;
    const double loss_at_reference = kAirAbsorptionDbPerMetre * factor * metres;
    if (!(loss_at_reference > 0)) return std::numeric_limits<double>::infinity();
    return kAirAbsorptionReferenceHz * std::sqrt(3.0 / loss_at_reference);
}

}  // namespace simvx
