// BS.1770-4 K-weighting: the design against the standard's 48 kHz
// coefficients, its response at 44.1/48/96 kHz against theirs, and the
// filtered energy measured on tones against that response; channel weights
// and decays into silence.
#include "dsp/k_weighting.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

namespace simvx {
namespace {

constexpr double kPi = std::numbers::pi;

// ITU-R BS.1770-4, tables 1 and 2: the two stages at 48 kHz.
constexpr BiquadCoeffs kStandardShelf{1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241,
                                      0.73248077421585};
constexpr BiquadCoeffs kStandardHighpass{1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621};

std::complex<double> response(const BiquadCoeffs& c, double hz, double rate) {
    const std::complex<double> z1 = std::polar(1.0, -2 * kPi * hz / rate), z2 = z1 * z1;
    return (c.b0 + c.b1 * z1 + c.b2 * z2) / (1.0 + c.a1 * z1 + c.a2 * z2);
}
double gain_db(const BiquadCoeffs& shelf, const BiquadCoeffs& hp, double hz, double rate) {
    return 20 * std::log10(std::abs(response(shelf, hz, rate) * response(hp, hz, rate)));
}
double standard_db(double hz) { return gain_db(kStandardShelf, kStandardHighpass, hz, 48000); }

void expect_coeffs_near(const BiquadCoeffs& a, const BiquadCoeffs& b, double tol) {
    EXPECT_NEAR(a.b0, b.b0, tol);
    EXPECT_NEAR(a.b1, b.b1, tol);
    EXPECT_NEAR(a.b2, b.b2, tol);
    EXPECT_NEAR(a.a1, b.a1, tol);
    EXPECT_NEAR(a.a2, b.a2, tol);
}

TEST(KWeighting, At48kHzTheDesignIsTheStandardsCoefficients) {
    const KWeighting k = design_k_weighting(48000);
    expect_coeffs_near(k.shelf, kStandardShelf, 1e-13);
    expect_coeffs_near(k.highpass, kStandardHighpass, 1e-13);
}

TEST(KWeighting, GainAt1kHzIsWhatTheMinus0691OffsetTakesBack) {
    // BS.1770's -0.691 dB makes a 1 kHz tone read its RMS level; the filter's
    // own gain there is +0.698 dB at 48 kHz.
    EXPECT_NEAR(standard_db(1000), 0.6977, 1e-4);
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        const KWeighting k = design_k_weighting(rate);
        EXPECT_NEAR(gain_db(k.shelf, k.highpass, 1000, rate), 0.691, 0.02) << rate;
    }
}

// Other rates reproduce the 48 kHz response: the prototypes are exact, and
// what is left is the highpass's unnormalized numerator (1, -2, 1, as the
// standard gives it and libebur128 and ffmpeg keep it at every rate), a
// constant of +0.004 dB at 44.1 kHz and -0.022 dB at 96 kHz; the shelf
// differs by 0.004 dB more at 96 kHz (the bilinear warp at 48 kHz).
TEST(KWeighting, ResponseAt44k1And96kHzFollowsTheStandards) {
    struct Case {
        double rate, offset_db;
    };
    for (const Case c : {Case{44100, 0.0038}, Case{48000, 0}, Case{96000, -0.0216}}) {
        const KWeighting k = design_k_weighting(c.rate);
        for (double hz : {20.0, 40.0, 100.0, 500.0, 1000.0, 1500.0, 2000.0, 4000.0, 10000.0, 15000.0}) {
            const double got = gain_db(k.shelf, k.highpass, hz, c.rate);
            EXPECT_NEAR(got - c.offset_db, standard_db(hz), 0.005) << c.rate << " Hz rate, " << hz << " Hz";
        }
    }
    // The shape itself: -13.3 dB at 20 Hz, +4.0 dB on the shelf.
    EXPECT_NEAR(standard_db(20), -13.275, 0.001);
    EXPECT_NEAR(standard_db(10000), 4.042, 0.001);
}

// The mean square of a filtered tone is the response's power gain times the
// tone's: measured on the running filter, after it has settled.
TEST(KWeighting, FilteredTonesCarryTheResponsesEnergy) {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (double hz : {50.0, 997.0, 3000.0, 12000.0}) {
            const size_t frames = static_cast<size_t>(rate) * 2;
            std::vector<float> x(frames);
            const double amp = std::pow(10.0, -20.0 / 20);
            for (size_t i = 0; i < frames; ++i) x[i] = static_cast<float>(amp * std::sin(2 * kPi * hz * double(i) / rate));
            KWeightedEnergy k(1, rate);
            const size_t settle = frames / 2;
            k.add(x.data(), settle);
            const double ms = k.add(x.data() + settle, frames - settle) / double(frames - settle);
            const double expected = gain_db(k.filter().shelf, k.filter().highpass, hz, rate) + 20 * std::log10(amp / std::sqrt(2.0));
            EXPECT_NEAR(10 * std::log10(ms), expected, 0.002) << rate << " Hz rate, " << hz << " Hz";
        }
    }
}

// Blocks of any size give the sum one block does, to the bit (filter memory
// and running sums carried across calls).
TEST(KWeighting, BlockSizeDoesNotChangeTheEnergy) {
    std::mt19937 rng(7);
    std::normal_distribution<float> n(0, 0.2f);
    std::vector<float> x(48000 * 2);
    for (float& v : x) v = n(rng);
    KWeightedEnergy whole(2, 48000), pieces(2, 48000);
    const double a = whole.add(x.data(), 48000);
    for (size_t f = 0, step = 1; f < 48000; f += step, step = step * 3 % 997 + 1)
        pieces.feed(x.data() + f * 2, std::min<size_t>(step, 48000 - f));
    EXPECT_EQ(pieces.take(), a);  // to the bit: the running sums go on across calls
}

// Two stereo signals fed together (four lanes of one AVX register where the
// CPU has AVX) read what each fed alone reads, to the bit, however the
// input is cut; a pair that cannot share (mono, another rate) is fed one by one.
TEST(KWeighting, FeedingAPairChangesNoBit) {
    std::mt19937 rng(9);
    std::normal_distribution<float> n(0, 0.2f);
    const size_t frames = 30000;
    std::vector<float> a(frames * 2), b(frames * 2);
    for (float& v : a) v = n(rng);
    for (size_t i = 0; i < b.size(); ++i) b[i] = 0.5f * static_cast<float>(std::sin(0.001 * static_cast<double>(i))) + 0.1f * n(rng);
    KWeightedEnergy alone_a(2, 48000), alone_b(2, 48000), pair_a(2, 48000), pair_b(2, 48000);
    for (size_t f = 0, step = 1; f < frames; f += step, step = step * 7 % 613 + 1) {
        const size_t k = std::min(step, frames - f);
        alone_a.feed(a.data() + 2 * f, k);
        alone_b.feed(b.data() + 2 * f, k);
        KWeightedEnergy::feed_pair(pair_a, a.data() + 2 * f, pair_b, b.data() + 2 * f, k);
        if (f % 5 == 0) {
            EXPECT_EQ(pair_a.take(), alone_a.take()) << f;
            EXPECT_EQ(pair_b.take(), alone_b.take()) << f;
        }
    }
    EXPECT_EQ(pair_a.take(), alone_a.take());
    EXPECT_EQ(pair_b.take(), alone_b.take());

    KWeightedEnergy mono(1, 48000), mono_alone(1, 48000), other_rate(2, 44100), other_alone(2, 44100);
    KWeightedEnergy::feed_pair(mono, a.data(), other_rate, b.data(), 1000);
    mono_alone.feed(a.data(), 1000);
    other_alone.feed(b.data(), 1000);
    EXPECT_EQ(mono.take(), mono_alone.take());
    EXPECT_EQ(other_rate.take(), other_alone.take());
}

TEST(KWeighting, ChannelWeightsFollowBs1770) {
    EXPECT_EQ(bs1770_channel_weight(0, 1), 1.0);
    for (uint32_t c = 0; c < 2; ++c) EXPECT_EQ(bs1770_channel_weight(c, 2), 1.0);
    const double six[] = {1, 1, 1, 0, 1.41, 1.41};  // L R C LFE Ls Rs
    for (uint32_t c = 0; c < 6; ++c) EXPECT_EQ(bs1770_channel_weight(c, 6), six[c]) << c;
    EXPECT_EQ(bs1770_channel_weight(2, 4), 1.41);  // L R Ls Rs
    EXPECT_EQ(bs1770_channel_weight(3, 5), 1.41);  // L R C Ls Rs
    // 7.1: both surround pairs weigh 1.41 (ffmpeg's ebur128 reads a -20 dBFS
    // 1 kHz tone on the side-left channel as -21.5 LUFS, on the left as -23.0).
    const double eight[] = {1, 1, 1, 0, 1.41, 1.41, 1.41, 1.41};  // L R C LFE Lb Rb Ls Rs
    for (uint32_t c = 0; c < 8; ++c) EXPECT_EQ(bs1770_channel_weight(c, 8), eight[c]) << c;
    EXPECT_EQ(bs1770_channel_weight(8, 10), 0.0);

    // Measured: the same tone in each channel of 5.1 alone.
    const size_t frames = 48000;
    std::vector<double> energy;
    for (uint32_t ch = 0; ch < 6; ++ch) {
        std::vector<float> x(frames * 6, 0.0f);
        for (size_t i = 0; i < frames; ++i) x[i * 6 + ch] = static_cast<float>(0.1 * std::sin(2 * kPi * 997 * double(i) / 48000));
        KWeightedEnergy k(6, 48000);
        energy.push_back(k.add(x.data(), frames));
    }
    for (uint32_t ch = 0; ch < 6; ++ch) EXPECT_NEAR(energy[ch] / energy[0], six[ch], 1e-12) << ch;
}

// After a loud burst, silence decays to exactly zero (no subnormals, no
// energy left), and a NaN in the input is forgotten after its block.
TEST(KWeighting, SilenceSettlesToZeroAndNaNIsForgotten) {
    KWeightedEnergy k(2, 48000);
    std::vector<float> x(48000 * 2, 0.9f);
    k.add(x.data(), 48000);
    std::fill(x.begin(), x.end(), 0.0f);
    double last = 1;
    for (int s = 0; s < 120 && last != 0; ++s) last = k.add(x.data(), 48000);
    EXPECT_EQ(last, 0.0);

    x[0] = NAN;
    EXPECT_EQ(k.add(x.data(), 48000), 0.0);
    x[0] = 0;
    std::fill(x.begin(), x.end(), 0.5f);
    EXPECT_TRUE(std::isfinite(k.add(x.data(), 48000)));
}

}  // namespace
}  // namespace simvx
