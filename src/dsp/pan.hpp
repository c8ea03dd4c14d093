// Pan laws of the scene format ("Pan law" in scene-format.md).
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>

#include "core/named.hpp"
#include "core/realtime.hpp"

namespace simvx {

// `pan_law` of [engine]: how a pan position becomes left and right gains.
enum class PanLaw { balance, constant_power };
inline constexpr std::array<Named<PanLaw>, 2> kPanLawNames{{{"balance", PanLaw::balance},
                                                            {"constant_power", PanLaw::constant_power}}};

struct StereoGain {
    float left = 1.0f, right = 1.0f;
};

// pan in [-1, 1]. balance: centre is (1, 1) exactly, so an unpanned sound is
// untouched; constant_power: cos/sin of (pan + 1)·π/4.
inline StereoGain pan_gains(PanLaw law, double pan) {
    if (law == PanLaw::balance)
        return {static_cast<float>(std::min(1.0, 1.0 - pan)), static_cast<float>(std::min(1.0, 1.0 + pan))};
    const double a = (pan + 1.0) * std::numbers::pi / 4.0;
    return {static_cast<float>(std::cos(a)), static_cast<float>(std::sin(a))};
}

// The gains of `n` pan positions (an envelope's run), the same bits as
// pan_gains of each: the law chosen once, and the balance law's loop
// vectorized (pan.cpp).
void pan_gains(PanLaw law, const double* pans, float* left, float* right, size_t n) noexcept SIMVX_REALTIME;

}  // namespace simvx
