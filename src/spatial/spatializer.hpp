// One 3D sound's view of the scene: from the source's and the listener's
// positions and velocities (fixed or moving along paths) at a scene frame, the
// gains of both channels (distance model × cone × pan law of the azimuth) and
// the doppler shift. The voice asks once per block for the values at the
// block's end and ramps to them, so nothing steps.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>

#include "core/realtime.hpp"
#include "dsp/pan.hpp"
#include "spatial/hrtf_set.hpp"
#include "spatial/model.hpp"
#include "spatial/speaker_pan.hpp"

namespace simvx {

struct SpatialSetup {
    SpatialDesc source;
    ListenerDesc listener;
    PanLaw pan_law = PanLaw::balance;
    double speed_of_sound = 343.3;
    double doppler_factor = 1.0;  // the engine's, times the sound's own
    double air_absorption = 0.0;  // the sound's factor, or the engine's (0 = none)
    uint32_t rate = 48000;        // scene frames per second
    // Binaural rendering ([engine] spatial = "hrtf"): the gains are the
    // distance model's and the cone's alone, the same in both ears; the
    // direction picks the ears' filters from this set.
    std::shared_ptr<const HrtfSet> hrtf;
    // The buses' channels: 4, 6 or 8 pan over the speakers (SpeakerPanner,
    // in SpatialState::speakers) instead of the stereo pan law.
    uint32_t channels = 2;
};

struct SpatialState {
    StereoGain gain;       // distance × cone × pan (with an HRTF set: distance × cone, both ears)
    double doppler = 1.0;  // frequency ratio heard
    double air_cutoff_hz = 0;  // the air absorption low-pass; infinity when none
    // Where the source is in the listener's frame, in SOFA's axes (x ahead,
    // y left, z up), unit length; straight ahead when it is at the listener.
    Vec3 direction{1, 0, 0};
    SpeakerGains speakers{};  // surround: distance × cone × the speakers' pan, per channel
};

class Spatializer {
public:
    explicit Spatializer(SpatialSetup setup);
    // Real-time safe (no allocation).
    SpatialState at(uint64_t frame) const noexcept;
    // Whether the doppler shift can ever differ from 1 (then the sound needs a variable-rate resampler).
    bool has_doppler() const noexcept;
    // Whether the sound is heard through the air absorption low-pass.
    bool has_air_absorption() const noexcept { return s_.air_absorption > 0; }
    uint32_t rate() const noexcept { return s_.rate; }
    const HrtfSet* hrtf() const noexcept { return s_.hrtf.get(); }
    // The channels it pans over: 2, or the speakers of a surround layout.
    uint32_t channels() const noexcept { return panner_ ? panner_->channels() : 2; }

    // Live control, on the render thread: the source (or the listener) is
    // here now, moving so, instead of where its path or its fixed position
    // put it. The next block's gains and doppler follow (ramped, as always).
    // No allocation: a path is only left.
    void move_source(const Vec3& position, const Vec3& velocity) noexcept SIMVX_REALTIME;
    void move_listener(const Vec3& position, const Vec3& velocity, const Vec3& direction, const Vec3& up) noexcept SIMVX_REALTIME;

private:
    SpatialSetup s_;
    Trajectory source_, listener_;
    std::optional<SpeakerPanner> panner_;
};

}  // namespace simvx
