// The FFT wrapper the spectrograms use: bins where a DFT puts them.
#include "dsp/fft.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace simvx {
namespace {

// A cosine on bin 37 of a 1024-point transform: all its energy in that bin,
// |X| = N/2, and (to float precision) nothing anywhere else.
TEST(RealFft, CosineLandsInItsBin) {
    RealFft fft(1024);
    ASSERT_EQ(fft.bins(), 513u);
    auto in = fft.input();
    for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(std::cos(2 * std::numbers::pi * 37 * i / 1024.0));
    const auto out = fft.forward();
    EXPECT_NEAR(std::abs(out[37]), 512.0, 1e-2);
    for (size_t k = 0; k < out.size(); ++k) {
        if (k == 37) continue;
        EXPECT_LT(std::abs(out[k]), 1e-3) << "bin " << k;
    }
}

// Against a direct DFT of a non-power-of-two size, bin by bin.
TEST(RealFft, MatchesADirectDft) {
    const size_t n = 100;
    RealFft fft(n);
    std::vector<double> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = std::sin(0.37 * i) + 0.25 * std::cos(1.9 * i + 0.3) + (i % 7 == 0 ? 0.5 : 0.0);
    for (size_t i = 0; i < n; ++i) fft.input()[i] = static_cast<float>(x[i]);
    const auto out = fft.forward();
    for (size_t k = 0; k < fft.bins(); ++k) {
        std::complex<double> sum;
        for (size_t i = 0; i < n; ++i) sum += x[i] * std::polar(1.0, -2 * std::numbers::pi * k * i / n);
        EXPECT_NEAR(out[k].real(), sum.real(), 1e-4) << "bin " << k;
        EXPECT_NEAR(out[k].imag(), sum.imag(), 1e-4) << "bin " << k;
    }
}

TEST(RealFft, RefusesASizeBelowTwo) { EXPECT_THROW(RealFft(1), std::invalid_argument); }

}  // namespace
}  // namespace simvx
