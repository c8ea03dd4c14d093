// The 3D model of the scene format ("3D" in scene-format.md), as pure
// functions: OpenAL 1.1 distance models (clamped) and cones, the OpenAL 1.1
// doppler shift from source and listener velocity, the pan from the source's
// azimuth in the listener's frame, and motion paths.
#pragma once
#include <optional>
#include <span>
#include <vector>

#include "core/realtime.hpp"
#include "dsp/envelope.hpp"

#include "spatial/spatial_desc.hpp"
#include "spatial/vec3.hpp"

namespace simvx {

// Gain of a source `distance` metres away (OpenAL 1.1 "clamped" models: the
// distance is clamped to [min, max] first; linear never goes below 0).
double distance_gain(Attenuation model, double distance, double min_distance, double max_distance, double rolloff);

// Gain of a cone for a listener `angle_deg` off the cone's axis: 1 inside
// inner/2, the outer gain beyond outer/2, linear in between (OpenAL 1.1).
double cone_gain(const ConeDesc& cone, double angle_deg);

// Frequency ratio heard (OpenAL 1.1): with SL the vector from source to
// listener, vls and vss the listener's and source's velocity along SL, each
// clamped to c / DF: (c - DF·vls) / (c - DF·vss), DF = doppler_factor × the
// sound's doppler. 1 when they coincide or DF is 0. Clamped to
// [1/kMaxDopplerShift, kMaxDopplerShift] (a source at the speed of sound
// would otherwise give infinity).
inline constexpr double kMaxDopplerShift = 4.0;
double doppler_shift(const Vec3& source_pos, const Vec3& source_vel, const Vec3& listener_pos, const Vec3& listener_vel,
                     double speed_of_sound, double doppler_factor);

// Air absorption: the cutoff (Hz) of the low-pass a source `distance` metres
// away is heard through, or infinity for none. OpenAL EFX's model: beyond
// min_distance, 5 kHz falls by AL_AIR_ABSORPTION_GAINHF (0.994, 0.0523 dB)
// per metre times the factor; absorption in air grows with the square of the
// frequency (ISO 9613-1, above about 1 kHz), so the loss at f is
// 0.0523 dB × factor × metres × (f / 5 kHz)², and the cutoff is where it
// reaches 3 dB. The distance is clamped to [min, max] as the distance models do.
inline constexpr double kAirAbsorptionDbPerMetre = 0.0522723120537338;  // -20 log10(0.994)
inline constexpr double kAirAbsorptionReferenceHz = 5000.0;
double air_absorption_cutoff(double factor, double distance, double min_distance, double max_distance);

// The listener's frame: unit forward, right and up vectors.
struct ListenerFrame {
    Vec3 forward, right, up;
};
ListenerFrame listener_frame(const Vec3& direction, const Vec3& world_up);

// Pan in [-1, 1] from where the source is: the sine of its angle off the
// listener's median plane (right = +1, ahead and behind = 0). 0 when the
// source is at the listener.
double azimuth_pan(const ListenerFrame& frame, const Vec3& relative);

// A point that may move along a path: where it is and how fast it goes at
// scene time t. Each coordinate follows the keyframes as an envelope with
// their curves (dsp/envelope: step, linear, exponential, target; a loop
// repeats), and the velocity is the path's derivative. Before the first
// keyframe and after the last the point rests there (velocity 0; a final
// target keeps approaching). Without a path: the fixed position and the given
// velocity.
struct Motion {
    Vec3 position, velocity;
};

// What is wrong with a path's keyframes, or nothing: the rules of an
// envelope's points for each coordinate (an exponential segment needs both
// ends of a coordinate non-zero and of the same sign, unless they are equal:
// that coordinate then holds still).
std::optional<EnvelopeProblem> path_problem(const MotionPath& path);

class Trajectory {
public:
    // Throws std::invalid_argument with path_problem()'s message.
    Trajectory(const MotionPath& path, const Vec3& position, const Vec3& velocity);

    Motion at(double t) const noexcept SIMVX_REALTIME;
    // Whether the point can ever move (a path of two keyframes or more, or a velocity).
    bool moves() const noexcept;
    // Live control: here now, moving so, instead of along the path (no allocation: the path is only left).
    void hold(const Vec3& position, const Vec3& velocity) noexcept SIMVX_REALTIME;

private:
    std::vector<Envelope> axes_;  // x, y, z; empty without a path
    bool on_path_ = false;
    Vec3 position_, velocity_;
};
}  // namespace simvx
