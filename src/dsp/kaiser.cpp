#include "dsp/kaiser.hpp"

#include <array>
#include <cmath>
#include <cstddef>

namespace simvx {

// The series sum (x/2)^2k / (k!)^2, with the 1/k^2 factors precomputed: the
// tables take about a million of these, and dividing in the loop made the
// tables' build time most of a pitched render's start-up.
double bessel_i0(double x) {
    static const auto inv_k2 = [] {
        std::array<double, 64> a{};
        for (size_t k = 1; k < a.size(); ++k) a[k] = 1.0 / static_cast<double>(k * k);
        return a;
    }();
    const double q = x * x / 4;
    double sum = 1, term = 1;
    for (size_t k = 1; k < inv_k2.size(); ++k) {
        term *= q * inv_k2[k];
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

double kaiser(double r, double beta) {
    return r * r < 1 ? bessel_i0(beta * std::sqrt(1 - r * r)) / bessel_i0(beta) : 0.0;
}

}  // namespace simvx
