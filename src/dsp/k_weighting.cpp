#include "dsp/k_weighting.hpp"

#include "core/cpu_features.hpp"
#include "dsp/vector_types.hpp"

#include <cmath>
#include <numbers>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace simvx {
namespace {

// The analog prototypes behind BS.1770-4's 48 kHz coefficients (fitted to
// them to double precision: the values libebur128 and ffmpeg use).
constexpr double kShelfHz = 1681.974450955533;
constexpr double kShelfGainDb = 3.999843853973347;
constexpr double kShelfQ = 0.7071752369554196;
constexpr double kShelfBandExponent = 0.4996667741545416;  // the shelf's mid gain, as a power of its high gain
constexpr double kHighpassHz = 38.13547087602444;
constexpr double kHighpassQ = 0.5003270373238773;

constexpr double kSurroundWeight = 1.41;

// Bilinear transform with the corner prewarped: K = tan(pi f0 / fs).
double prewarp(double hz, double sample_rate) { return std::tan(std::numbers::pi * hz / sample_rate); }

BiquadCoeffs shelf(double sample_rate) {
    const double k = prewarp(kShelfHz, sample_rate), vh = std::pow(10.0, kShelfGainDb / 20);
    const double vb = std::pow(vh, kShelfBandExponent), a0 = 1 + k / kShelfQ + k * k;
    return {(vh + vb * k / kShelfQ + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / kShelfQ + k * k) / a0,
            2 * (k * k - 1) / a0, (1 - k / kShelfQ + k * k) / a0};
}

// The numerator stays 1, -2, 1 as in the standard (unity gain is reached
// only at Nyquist's limit; the 48 kHz reference values are exactly these);
// filter_lanes relies on it.
BiquadCoeffs highpass(double sample_rate) {
    const double k = prewarp(kHighpassHz, sample_rate), a0 = 1 + k / kHighpassQ + k * k;
    return {1, -2, 1, 2 * (k * k - 1) / a0, (1 - k / kHighpassQ + k * k) / a0};
}

// Lanes channels filtered together, each at `x[l]` with `stride` between
// frames, as one vector of doubles: independent recursions side by side (two
// channels fill an SSE2 register). The feedback term of the newest output is
// added last, so each recursion waits on one multiply-add. Each lane does
// exactly the scalar filter's arithmetic, in its order.

// Inlined into each caller, so a caller compiled for AVX runs it in AVX.
template <size_t Lanes, bool StereoPairs = false>
[[gnu::always_inline]] inline void filter_lanes(const KWeighting& k, KWeightedEnergy::State* const* st, const float* const* x, size_t stride,
                  size_t frames) noexcept {
    using V = DoubleLanes<Lanes>;
    const BiquadCoeffs &p = k.shelf, &h = k.highpass;  // h.b0, b1, b2 = 1, -2, 1
    V x1, x2, y1, y2, z1, z2, acc;
    for (size_t l = 0; l < Lanes; ++l) {
        x1[l] = st[l]->x1, x2[l] = st[l]->x2, y1[l] = st[l]->y1, y2[l] = st[l]->y2;
        z1[l] = st[l]->z1, z2[l] = st[l]->z2, acc[l] = st[l]->sum;
    }
    for (size_t f = 0; f < frames; ++f) {
        V x0;
        if constexpr (StereoPairs) {
#if defined(__x86_64__) || defined(__i386__)  // the AVX caller's only: x86's
            // Two stereo frames: each one's two samples lie side by side, and
            // load as one 64-bit piece.
            static_assert(Lanes == 4);
            const float *a = x[0] + f * 2, *b = x[2] + f * 2;
            const __m128 in = _mm_loadh_pi(_mm_loadl_pi(_mm_setzero_ps(), reinterpret_cast<const __m64*>(a)),
                                           reinterpret_cast<const __m64*>(b));
            x0 = __builtin_convertvector(static_cast<FloatLanes<4>>(in), V);
#endif
        } else {
            for (size_t l = 0; l < Lanes; ++l) x0[l] = x[l][f * stride];
        }
        const V y0 = (p.b0 * x0 + p.b1 * x1 + p.b2 * x2 - p.a2 * y2) - p.a1 * y1;
        // The highpass's numerator is 1, -2, 1 (highpass() above): multiplying
        // by those is exact, so leaving them out changes no bit and frees
        // three of the sixteen vector registers.
        const V z0 = (y0 - 2.0 * y1 + y2 - h.a2 * z2) - h.a1 * z1;
        x2 = x1, x1 = x0, y2 = y1, y1 = y0, z2 = z1, z1 = z0;
        acc += z0 * z0;
    }
    for (size_t l = 0; l < Lanes; ++l) *st[l] = {x1[l], x2[l], y1[l], y2[l], z1[l], z2[l], acc[l]};
}

// Four lanes (two stereo signals) in one AVX register: the same arithmetic
// in each lane, so the same bits as two passes of two lanes.
#if defined(__x86_64__) || defined(__i386__)
[[gnu::target("avx")]] void filter_four_avx(const KWeighting& k, KWeightedEnergy::State* const* st,
                                            const float* const* x, size_t stride, size_t frames) noexcept {
    filter_lanes<4, true>(k, st, x, stride, frames);
}
#endif

// Memory too small to matter is zeroed, so a decay into silence never
// reaches subnormal numbers; memory a NaN or infinity reached is cleared.
void settle(KWeightedEnergy::State& s) noexcept {
    constexpr double kTiny = 1e-30;  // -600 dB: far below the -70 LUFS gate
    double* v[] = {&s.x1, &s.x2, &s.y1, &s.y2, &s.z1, &s.z2};
    bool finite = true;
    for (double* p : v) finite = finite && std::isfinite(*p);
    for (double* p : v)
        if (!finite || std::fabs(*p) < kTiny) *p = 0;
}

}  // namespace

KWeighting design_k_weighting(double sample_rate) noexcept { return {shelf(sample_rate), highpass(sample_rate)}; }

double bs1770_channel_weight(uint32_t channel, uint32_t channels) noexcept {
    if (channels == 4) return channel < 2 ? 1.0 : kSurroundWeight;            // L R Ls Rs
    if (channels == 5) return channel < 3 ? 1.0 : kSurroundWeight;            // L R C Ls Rs
    if (channel < 3) return 1.0;                                              // L R C
    return channel >= 4 && channel < 8 ? kSurroundWeight : 0.0;               // LFE; Ls Rs (and 7.1's sides); others
}

KWeightedEnergy::KWeightedEnergy(uint32_t channels, double sample_rate)
    : k_(design_k_weighting(sample_rate)), channels_(channels) {
    for (uint32_t c = 0; c < channels; ++c) {
        const double w = bs1770_channel_weight(c, channels);
        if (w == 0) continue;
        weighed_.push_back(c);
        weights_.push_back(w);
    }
    state_.resize(weighed_.size());
}

void KWeightedEnergy::reset() noexcept {
    for (State& s : state_) s = {};
}

void KWeightedEnergy::feed(const float* interleaved, size_t frames) noexcept {
    size_t i = 0;
    for (; i + 2 <= weighed_.size(); i += 2) {
        State* st[2] = {&state_[i], &state_[i + 1]};
        const float* x[2] = {interleaved + weighed_[i], interleaved + weighed_[i + 1]};
        filter_lanes<2>(k_, st, x, channels_, frames);
    }
    if (i < weighed_.size()) {
        State* st[1] = {&state_[i]};
        const float* x[1] = {interleaved + weighed_[i]};
        filter_lanes<1>(k_, st, x, channels_, frames);
    }
}

void KWeightedEnergy::feed_pair(KWeightedEnergy& a, const float* xa, KWeightedEnergy& b, const float* xb,
                                 size_t frames) noexcept {
#if defined(__x86_64__) || defined(__i386__)
    const auto stereo = [](const KWeightedEnergy& e) { return e.channels_ == 2 && e.weighed_.size() == 2; };
    if (cpu::has_avx() && stereo(a) && stereo(b) && a.k_ == b.k_) {
        State* st[4] = {&a.state_[0], &a.state_[1], &b.state_[0], &b.state_[1]};
        const float* x[4] = {xa + a.weighed_[0], xa + a.weighed_[1], xb + b.weighed_[0], xb + b.weighed_[1]};
        filter_four_avx(a.k_, st, x, 2, frames);
        return;
    }
#endif
    a.feed(xa, frames);
    b.feed(xb, frames);
}

double KWeightedEnergy::take() noexcept {
    double energy = 0;
    for (size_t i = 0; i < state_.size(); ++i) {
        energy += weights_[i] * state_[i].sum;
        state_[i].sum = 0;
    }
    for (State& s : state_) settle(s);
    return std::isfinite(energy) ? energy : 0.0;
}

}  // namespace simvx
