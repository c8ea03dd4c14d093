// The Kaiser window, shared by the filters designed from windowed sincs (the
// varispeed kernel, the true-peak meter's and limiter's interpolators).
#pragma once

namespace simvx {

// The modified Bessel function of the first kind, order 0.
double bessel_i0(double x);

// The Kaiser window at r in [-1, 1] (0 outside), shape `beta`.
double kaiser(double r, double beta);

}  // namespace simvx
