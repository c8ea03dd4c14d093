// What the 3D model works on: where a source and the listener are, how they
// move, how a source fades with distance and which way it points. The scene
// format fills these in ([sound.spatial], [listener]); the spatializer reads them.
#pragma once
#include <array>
#include <optional>
#include <vector>

#include "core/named.hpp"
#include "dsp/envelope.hpp"

#include "spatial/vec3.hpp"

namespace simvx {

// A point of a motion path: at scene time t (seconds), the position
// (metres), reached from the keyframe before along `curve`, each coordinate
// as an envelope's value would go (dsp/envelope.hpp; the first keyframe's
// curve is unused).
struct Keyframe {
    double t = 0;
    Vec3 position;
    EnvelopeCurve curve = EnvelopeCurve::linear;
    double time_constant = 0;  // seconds; target only

    bool operator==(const Keyframe&) const = default;
};

// Keyframes with strictly increasing times; `loop` repeats them from the
// first to the last for ever. Empty: the point does not follow a path.
struct MotionPath {
    std::vector<Keyframe> keyframes;
    bool loop = false;

    bool empty() const noexcept { return keyframes.empty(); }
    bool operator==(const MotionPath&) const = default;
};

struct ListenerDesc {
    Vec3 position{0, 0, 0};
    Vec3 direction{0, 0, -1};  // forward
    Vec3 world_up{0, 1, 0};
    Vec3 velocity{0, 0, 0};    // m/s; from the path when there is one
    MotionPath path;             // empty = fixed
};

// Distance models of OpenAL 1.1, clamped (distance within [min, max]).
enum class Attenuation { none, inverse, linear, exponential };
inline constexpr std::array<Named<Attenuation>, 4> kAttenuationNames{{{"none", Attenuation::none},
                                                                     {"inverse", Attenuation::inverse},
                                                                     {"linear", Attenuation::linear},
                                                                     {"exponential", Attenuation::exponential}}};

// How 3D sounds reach the two output channels ([engine] spatial): the pan
// law of their azimuth, or binaural filters from an HRTF set (headphones).
enum class SpatialRendering { pan, hrtf };
inline constexpr std::array<Named<SpatialRendering>, 2> kSpatialRenderingNames{
    {{"pan", SpatialRendering::pan}, {"hrtf", SpatialRendering::hrtf}}};
// The set "hrtf" reads unless told another: installed with Debian's
// libmysofa1 (libmysofa-dev needs it), the MIT KEMAR (normal pinna) set.
inline constexpr const char* kDefaultHrtfFile = "/usr/share/libmysofa/default.sofa";

struct ConeDesc {
    double inner_deg = 360, outer_deg = 360;  // full angles
    double outer_gain_db = 0;
    Vec3 direction{0, 0, -1};  // where the source points
};

// A 3D source ([sound.spatial]: its presence makes the sound 3D).
struct SpatialDesc {
    Vec3 position{0, 0, 0};
    Vec3 velocity{0, 0, 0};
    MotionPath path;
    Attenuation attenuation = Attenuation::inverse;
    double min_distance = 1.0, max_distance = 100.0, rolloff = 1.0;
    double doppler = 1.0;
    ConeDesc cone;
    // OpenAL EFX's air absorption factor (0 = none, 1 = air at about 50 %
    // humidity): high frequencies fall with distance. Unset: [engine]'s.
    std::optional<double> air_absorption;
};

}  // namespace simvx
