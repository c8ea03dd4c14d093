// The biquad core against the Audio-EQ-Cookbook: coefficients, measured
// magnitude responses, NaN recovery and decays into silence without FTZ.
#include "dsp/biquad.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace simvx {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kRate = 48000;

// The cookbook's formulas written out again, independently of the product
// code: unnormalized b0..b2, a0..a2.
struct Rbj {
    double b[3], a[3];
};

Rbj cookbook(const FilterParams& p, double fs) {
    const double w0 = 2 * kPi * p.freq / fs, c = std::cos(w0), alpha = std::sin(w0) / (2 * p.q);
    const double A = std::pow(10.0, p.gain_db / 40), r = 2 * std::sqrt(A) * alpha;
    switch (p.shape) {
        case FilterShape::lowpass: return {{(1 - c) / 2, 1 - c, (1 - c) / 2}, {1 + alpha, -2 * c, 1 - alpha}};
        case FilterShape::highpass: return {{(1 + c) / 2, -(1 + c), (1 + c) / 2}, {1 + alpha, -2 * c, 1 - alpha}};
        case FilterShape::bandpass: return {{alpha, 0, -alpha}, {1 + alpha, -2 * c, 1 - alpha}};
        case FilterShape::notch: return {{1, -2 * c, 1}, {1 + alpha, -2 * c, 1 - alpha}};
        case FilterShape::peaking: return {{1 + alpha * A, -2 * c, 1 - alpha * A}, {1 + alpha / A, -2 * c, 1 - alpha / A}};
        case FilterShape::lowshelf:
            return {{A * ((A + 1) - (A - 1) * c + r), 2 * A * ((A - 1) - (A + 1) * c), A * ((A + 1) - (A - 1) * c - r)},
                    {(A + 1) + (A - 1) * c + r, -2 * ((A - 1) + (A + 1) * c), (A + 1) + (A - 1) * c - r}};
        case FilterShape::highshelf:
            return {{A * ((A + 1) + (A - 1) * c + r), -2 * A * ((A - 1) + (A + 1) * c), A * ((A + 1) + (A - 1) * c - r)},
                    {(A + 1) - (A - 1) * c + r, 2 * ((A - 1) - (A + 1) * c), (A + 1) - (A - 1) * c - r}};
    }
    return {};
}

// |H(e^jw)| in dB, evaluated on the unit circle.
double analytic_db(const FilterParams& p, double f, double fs) {
    const Rbj k = cookbook(p, fs);
    const std::complex<double> z1 = std::polar(1.0, -2 * kPi * f / fs), z2 = z1 * z1;
    return 20 * std::log10(std::abs((k.b[0] + k.b[1] * z1 + k.b[2] * z2) / (k.a[0] + k.a[1] * z1 + k.a[2] * z2)));
}

// Amplitude of the component at `f` in x[from, from+n) (one channel of
// interleaved stereo), by a least-squares fit of a·sin + b·cos: exact for a
// pure tone whatever the window length.
double tone_amplitude(const std::vector<float>& x, int ch, size_t from, size_t n, double f, double fs) {
    double ss = 0, cc = 0, sc = 0, xs = 0, xc = 0;
    const double w = 2 * kPi * f / fs;
    for (size_t i = from; i < from + n; ++i) {
        const double s = std::sin(w * static_cast<double>(i)), c = std::cos(w * static_cast<double>(i));
        const double v = x[2 * i + static_cast<size_t>(ch)];
        ss += s * s, cc += c * c, sc += s * c, xs += v * s, xc += v * c;
    }
    const double det = ss * cc - sc * sc;
    const double a = (xs * cc - xc * sc) / det, b = (xc * ss - xs * sc) / det;
    return std::hypot(a, b);
}

std::vector<double> log_frequencies(double lo, double hi, int count) {
    std::vector<double> f;
    for (int i = 0; i < count; ++i) f.push_back(lo * std::pow(hi / lo, i / (count - 1.0)));
    return f;
}

struct Case {
    const char* label;
    FilterParams p;
};

const Case kCases[] = {
    {"lowpass 1k q0.707", {FilterShape::lowpass, 1000, 0.707, 0}},
    {"lowpass 100 q5", {FilterShape::lowpass, 100, 5, 0}},
    {"lowpass 8k q2", {FilterShape::lowpass, 8000, 2, 0}},
    {"highpass 1k q0.707", {FilterShape::highpass, 1000, 0.707, 0}},
    {"highpass 200 q0.5", {FilterShape::highpass, 200, 0.5, 0}},
    {"highpass 12k q3", {FilterShape::highpass, 12000, 3, 0}},
    {"bandpass 1k q1", {FilterShape::bandpass, 1000, 1, 0}},
    {"bandpass 300 q10", {FilterShape::bandpass, 300, 10, 0}},
    {"bandpass 15k q0.3", {FilterShape::bandpass, 15000, 0.3, 0}},
    {"notch 1k q1", {FilterShape::notch, 1000, 1, 0}},
    {"notch 5k q10", {FilterShape::notch, 5000, 10, 0}},
    {"peaking 1k q1 +6", {FilterShape::peaking, 1000, 1, 6}},
    {"peaking 200 q4 -12", {FilterShape::peaking, 200, 4, -12}},
    {"peaking 10k q0.5 +12", {FilterShape::peaking, 10000, 0.5, 12}},
    {"lowshelf 200 q0.707 +9", {FilterShape::lowshelf, 200, 0.707, 9}},
    {"lowshelf 1k q1.5 -6", {FilterShape::lowshelf, 1000, 1.5, -6}},
    {"highshelf 4k q0.707 -9", {FilterShape::highshelf, 4000, 0.707, -9}},
    {"highshelf 8k q1 +6", {FilterShape::highshelf, 8000, 1, 6}},
};

TEST(Biquad, CoefficientsAreTheCookbooks) {
    for (const Case& c : kCases) {
        const Rbj k = cookbook(c.p, kRate);
        const BiquadCoeffs d = design_biquad(c.p, kRate);
        const double want[5] = {k.b[0] / k.a[0], k.b[1] / k.a[0], k.b[2] / k.a[0], k.a[1] / k.a[0], k.a[2] / k.a[0]};
        const double got[5] = {d.b0, d.b1, d.b2, d.a1, d.a2};
        for (int i = 0; i < 5; ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << c.label << " coefficient " << i;
    }
}

// Sines from 20 Hz to 0.45·fs through the filter: the measured gain matches
// |H(e^jw)| within 0.05 dB wherever the response is above -60 dB.
TEST(Biquad, MeasuredMagnitudeMatchesTheCookbookResponse) {
    const size_t settle = 24000, window = 24000, frames = settle + window;
    double worst_overall = 0;
    for (const Case& c : kCases) {
        Biquad bq;
        bq.set(design_biquad(c.p, kRate));
        double worst = 0;
        for (double f : log_frequencies(20, 0.45 * kRate, 48)) {
            std::vector<float> x(2 * frames);
            for (size_t i = 0; i < frames; ++i) {
                const double ph = 2 * kPi * f * static_cast<double>(i) / kRate;
                x[2 * i] = static_cast<float>(0.5 * std::sin(ph));
                x[2 * i + 1] = static_cast<float>(0.25 * std::cos(ph));
            }
            std::vector<float> y = x;
            bq.reset();
            for (size_t i = 0; i < frames; i += 1000) bq.process(y.data() + 2 * i, std::min<size_t>(1000, frames - i));
            const double want = analytic_db(c.p, f, kRate);
            for (int ch = 0; ch < 2; ++ch) {
                const double got = 20 * std::log10(tone_amplitude(y, ch, settle, window, f, kRate) /
                                                    tone_amplitude(x, ch, settle, window, f, kRate));
                if (want > -60) {
                    EXPECT_NEAR(got, want, 0.05) << c.label << " at " << f << " Hz, channel " << ch;
                    worst = std::max(worst, std::fabs(got - want));
                } else {
                    EXPECT_LT(got, -55) << c.label << " at " << f << " Hz";
                }
            }
        }
        std::printf("  %-24s max |measured - analytic| = %.2e dB\n", c.label, worst);
        worst_overall = std::max(worst_overall, worst);
    }
    RecordProperty("max_error_db", std::to_string(worst_overall));
}

std::vector<float> noise(size_t frames, uint32_t seed, float amplitude) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-amplitude, amplitude);
    std::vector<float> x(2 * frames);
    for (float& v : x) v = u(rng);
    return x;
}

TEST(Biquad, NonFiniteInputDoesNotLatch) {
    for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
        for (const Case& c : kCases) {
            Biquad bq;
            bq.set(design_biquad(c.p, kRate));
            std::vector<float> x = noise(4096, 7, 0.5f);
            x[2 * 1500] = bad;
            for (size_t i = 0; i < 4096; i += 512) bq.process(x.data() + 2 * i, 512);
            // The block holding the bad sample may carry it on; every later block is clean.
            for (size_t i = 2 * 2048; i < x.size(); ++i) ASSERT_TRUE(std::isfinite(x[i])) << c.label << " sample " << i;
        }
    }
}

// With FTZ/DAZ off, a decay into silence never produces a subnormal float.
class NoFlushToZero {
public:
    NoFlushToZero() {
#if defined(__SSE__) || defined(__x86_64__)
        saved_ = _mm_getcsr();
        _mm_setcsr(saved_ & ~0x8040u);
#endif
    }
    ~NoFlushToZero() {
#if defined(__SSE__) || defined(__x86_64__)
        _mm_setcsr(saved_);
#endif
    }

private:
    unsigned saved_ = 0;
};

TEST(Biquad, SilenceAfterNoiseHasNoSubnormals) {
    NoFlushToZero guard;
    for (const Case& c : kCases) {
        Biquad bq;
        bq.set(design_biquad(c.p, kRate));
        std::vector<float> x = noise(48000, 3, 0.5f);
        bq.process(x.data(), 48000);
        size_t subnormal = 0, zero_tail = 0;
        std::vector<float> silence(2 * 1024);
        for (size_t block = 0; block < 10 * 48000 / 1024; ++block) {
            std::fill(silence.begin(), silence.end(), 0.0f);
            bq.process(silence.data(), 1024);
            for (float v : silence) subnormal += std::fpclassify(v) == FP_SUBNORMAL;
            zero_tail = silence.back() == 0.0f ? zero_tail + 1 : 0;
        }
        EXPECT_EQ(subnormal, 0u) << c.label;
        EXPECT_GT(zero_tail, 0u) << c.label << " never reached exact silence";
    }
}

}  // namespace
}  // namespace simvx
