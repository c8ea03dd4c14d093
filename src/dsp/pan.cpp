#include "dsp/pan.hpp"

#include "core/cpu_features.hpp"

namespace simvx {
namespace {

// min(1, 1 - pan) without a comparison, which would stop the vectorizer (it
// may trap): (pan + |pan|) / 2 is pan or 0, exactly, so these are the same
// bits as pan_gains' for every finite pan. Compiled twice (SIMVX_CPU_CLONES).
SIMVX_CPU_CLONES void balance_gains(const double* __restrict pans, float* __restrict left, float* __restrict right,
                                    size_t n) noexcept SIMVX_REALTIME {
    for (size_t i = 0; i < n; ++i) {
        const double p = pans[i], a = std::fabs(p);
        left[i] = static_cast<float>(1.0 - (p + a) * 0.5);
        right[i] = static_cast<float>(1.0 + (p - a) * 0.5);
    }
}

}  // namespace

void pan_gains(PanLaw law, const double* pans, float* left, float* right, size_t n) noexcept SIMVX_REALTIME {
    if (law == PanLaw::balance) {
        balance_gains(pans, left, right, n);
        return;
    }
    for (size_t i = 0; i < n; ++i) {
        const StereoGain p = pan_gains(law, pans[i]);
        left[i] = p.left;
        right[i] = p.right;
    }
}

}  // namespace simvx
