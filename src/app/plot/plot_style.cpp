#include "app/plot/plot_style.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace simvx {

Rgb heat_colour(double f) {
    // Stops along matplotlib's "magma", so brightness rises monotonically.
    static constexpr Rgb stops[] = {{0, 0, 4},       {28, 16, 68},   {79, 18, 123},  {129, 37, 129},
                                    {181, 54, 122},  {229, 80, 100}, {251, 135, 97}, {254, 194, 135},
                                    {252, 253, 191}};
    constexpr size_t n = std::size(stops);
    f = std::clamp(std::isfinite(f) ? f : 0.0, 0.0, 1.0) * (n - 1);
    const size_t i = std::min(static_cast<size_t>(f), n - 2);
    const double t = f - static_cast<double>(i);
    auto mix = [t](uint8_t a, uint8_t b) { return static_cast<uint8_t>(std::lround(a + t * (b - a))); };
    return {mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g), mix(stops[i].b, stops[i + 1].b)};
}

double brightness(Rgb c) { return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b; }

}  // namespace simvx
