// Decibel conversions used everywhere gains are specified.
#pragma once
#include <cmath>
#include <numbers>

namespace simvx {

// 0 dB is exactly 1.0f, so unity paths stay bit-exact. By exp, not pow:
// automation asks at every step of every automated gain effect, and glibc's
// pow costs several times what exp does.
inline float db_to_gain(double db) {
    return db == 0.0 ? 1.0f : static_cast<float>(std::exp(db * (std::numbers::ln10 / 20.0)));
}
inline double gain_to_db(double gain) { return gain > 0.0 ? 20.0 * std::log10(gain) : -INFINITY; }

}  // namespace simvx
