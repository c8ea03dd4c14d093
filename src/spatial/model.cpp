#include "spatial/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

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

namespace {

// The envelope points of coordinate `axis`: an exponential segment whose ends
// are equal is a constant, so it is drawn as a line (the formula would divide 0 by 0).
std::vector<EnvelopePoint> axis_points(const MotionPath& path, size_t axis) {
    std::vector<EnvelopePoint> points;
    points.reserve(path.keyframes.size());
    for (size_t i = 0; i < path.keyframes.size(); ++i) {
        const Keyframe& k = path.keyframes[i];
        EnvelopePoint p{k.t, k.position[axis], k.curve, k.time_constant};
        const bool reached_exactly = i == 1 || (i > 1 && path.keyframes[i - 1].curve != EnvelopeCurve::target);
        if (i > 0 && p.curve == EnvelopeCurve::exponential && reached_exactly &&
            path.keyframes[i - 1].position[axis] == p.value)
            p.curve = EnvelopeCurve::linear;
        points.push_back(p);
    }
    return points;
}

constexpr const char* kAxisNames[] = {"x", "y", "z"};

}  // namespace

std::optional<EnvelopeProblem> path_problem(const MotionPath& path) {
    if (path.empty()) return std::nullopt;
    for (size_t axis = 0; axis < 3; ++axis)
        if (auto why = Envelope::problem(axis_points(path, axis), path.loop)) {
            if (why->message.find("exponential") != std::string::npos) why->message = kAxisNames[axis] + (": " + why->message);
            return why;
        }
    return std::nullopt;
}

Trajectory::Trajectory(const MotionPath& path, const Vec3& position, const Vec3& velocity)
    : on_path_(!path.empty()), position_(position), velocity_(velocity) {
    if (auto why = path_problem(path))
        throw std::invalid_argument("keyframe " + std::to_string(why->point + 1) + ": " + why->message);
    if (on_path_)
        for (size_t axis = 0; axis < 3; ++axis) axes_.emplace_back(axis_points(path, axis), path.loop);
}

Motion Trajectory::at(double t) const noexcept {
    if (!on_path_) return {position_, velocity_};
    return {{axes_[0].value_at(t), axes_[1].value_at(t), axes_[2].value_at(t)},
            {axes_[0].slope_at(t), axes_[1].slope_at(t), axes_[2].slope_at(t)}};
}

bool Trajectory::moves() const noexcept {
    return on_path_ ? axes_[0].points().size() > 1 : length(velocity_) > 0;
}

void Trajectory::hold(const Vec3& position, const Vec3& velocity) noexcept {
    on_path_ = false;
    position_ = position;
    velocity_ = velocity;
}

double air_absorption_cutoff(double factor, double distance, double min_distance, double max_distance) {
    const double metres = std::clamp(distance, min_distance, std::max(min_distance, max_distance)) - min_distance;
    const double loss_at_reference = kAirAbsorptionDbPerMetre * factor * metres;
    if (!(loss_at_reference > 0)) return std::numeric_limits<double>::infinity();
    return kAirAbsorptionReferenceHz * std::sqrt(3.0 / loss_at_reference);
}

}  // namespace simvx
