// Decibel conversions used everywhere gains are specified.
#pragma once
#include <cmath>

namespace simvx {

// 0 dB is exactly 1.0f, so unity paths stay bit-exact.
inline float db_to_gain(double db) { return db == 0.0 ? 1.0f : static_cast<float>(std::pow(10.0, db / 20.0)); }
inline double gain_to_db(double gain) { return gain > 0.0 ? 20.0 * std::log10(gain) : -INFINITY; }

}  // namespace simvx
