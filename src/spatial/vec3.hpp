// Three-component vectors for positions, directions and velocities (metres,
// m/s), right-handed as in OpenAL: x right, y up, -z forward by default.
#pragma once
#include <array>
#include <cmath>

namespace simvx {

using Vec3 = std::array<double, 3>;

inline Vec3 operator+(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
inline Vec3 operator-(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
inline Vec3 operator*(const Vec3& a, double k) { return {a[0] * k, a[1] * k, a[2] * k}; }
inline double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
inline Vec3 cross(const Vec3& a, const Vec3& b) {
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
inline double length(const Vec3& a) { return std::sqrt(dot(a, a)); }
// The unit vector along a; zero stays zero.
inline Vec3 normalized(const Vec3& a) {
    const double l = length(a);
    return l > 0 ? a * (1 / l) : Vec3{0, 0, 0};
}

}  // namespace simvx
