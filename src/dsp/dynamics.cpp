#include "dsp/dynamics.hpp"

#include <cmath>

namespace simvx::dynamics {

double time_coefficient(double ms, uint32_t sample_rate) noexcept {
    return std::exp(-1.0 / (ms * 1e-3 * static_cast<double>(sample_rate)));
}

void SoftKnee::set(double threshold_db, double ratio, double knee_db) noexcept {
    threshold_ = static_cast<float>(threshold_db);
    knee_ = static_cast<float>(knee_db);
    slope_ = static_cast<float>(1.0 / ratio - 1.0);
    half_knee_ = static_cast<float>(knee_db / 2);
    inv_2knee_ = knee_db > 0 ? static_cast<float>(1.0 / (2 * knee_db)) : 0.0f;
    knee_start_ = static_cast<float>(std::pow(10.0, (threshold_db - knee_db / 2) / 20.0));
}

void GainDetector::set_times(double attack_ms, double release_ms, uint32_t sample_rate) noexcept {
    attack_ = time_coefficient(attack_ms, sample_rate);
    release_ = time_coefficient(release_ms, sample_rate);
}

void GainDetector::sanitize() noexcept {
    if (!std::isfinite(y1_) || !std::isfinite(y_)) reset();
}

}  // namespace simvx::dynamics
