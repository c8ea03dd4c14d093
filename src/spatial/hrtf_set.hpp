// A set of head-related impulse responses (a SOFA file read with libmysofa),
// ready for the audio thread: at load, the file is resampled to the engine's
// rate and normalised (libmysofa's mysofa_open, as ffmpeg's sofalizer does by
// default), then sampled on a regular direction grid. The audio thread only
// interpolates between four grid points: mysofa_getfilter_float cannot run
// there (its nearest-neighbour search allocates, and it writes into one
// buffer shared by every caller).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/realtime.hpp"
#include "spatial/spatial_desc.hpp"
#include "spatial/vec3.hpp"

namespace simvx {

class HrtfSet {
public:
    // Grid steps in degrees: the MIT KEMAR set is measured every 5° of
    // azimuth up to 20° of elevation, sparser above, every 10° of elevation;
    // a 5° grid holds each of its horizontal-plane measurements exactly.
    static constexpr int kAzimuthStep = 5, kElevationStep = 5;
    static constexpr int kAzimuths = 360 / kAzimuthStep, kElevations = 180 / kElevationStep + 1;

    // Reads `path` at `rate` Hz. Throws InputError naming the file when it is
    // missing, unreadable or not a SOFA HRIR set.
    HrtfSet(const std::string& path, uint32_t rate);

    size_t taps() const noexcept { return taps_; }
    // The most any of the set's filters amplifies any frequency (linear, the
    // peak of every grid point's magnitude response on a 4096-point FFT): a
    // bound on what a voice's ears hear above its distance gain, since the
    // bilinear mix and the crossfade never exceed the largest of what they
    // mix. Virtual voices (virtual_below_db) are judged with it.
    float peak_gain() const noexcept { return peak_gain_; }
    uint32_t rate() const noexcept { return rate_; }
    const std::string& path() const noexcept { return path_; }

    // The pair of impulse responses (taps() each) for a source in direction
    // `dir` of the listener's frame in SOFA's axes (x ahead, y left, z up;
    // any length but 0), bilinear between the grid's four nearest points.
    void filter_at(const Vec3& dir, float* left, float* right) const noexcept SIMVX_REALTIME;

private:
    const float* node(int azimuth_index, int elevation_index) const noexcept {
        return grid_.data() + (static_cast<size_t>(elevation_index) * kAzimuths + static_cast<size_t>(azimuth_index)) * 2 * taps_;
    }

    std::string path_;
    uint32_t rate_;
    size_t taps_ = 0;
    float peak_gain_ = 1.0f;
    std::vector<float> grid_;  // per node: taps_ left, then taps_ right
};

// The set for `path` at `rate`, read once per run and shared by every voice
// (a seek or a --watch reload prepares the scene again: the file is not read again).
std::shared_ptr<const HrtfSet> load_hrtf_set(const std::string& path, uint32_t rate);

}  // namespace simvx
