// LoudnessMeter's loudness (dsp/k_weighting and its gating) against
// libebur128, the meter it replaced, kept here as the reference: integrated
// loudness, short-term maximum and the loudness range of the short-term
// values every 100 ms, on stepped noise and tones at 44.1/48/96 kHz in mono,
// stereo and 5.1; and EBU Tech 3341/3342's conformance signals against their
// nominal values.
#include "app/measure/loudness_meter.hpp"

#include <ebur128.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace simvx {
namespace {

constexpr double kPi = std::numbers::pi;

struct Segment {
    double seconds, dbfs;
};

// A 1 kHz sine in every channel at each segment's level (EBU Tech 3341/3342:
// the level is each channel's), or pink-ish noise when `noise`.
std::vector<float> stepped(const std::vector<Segment>& segs, uint32_t channels, uint32_t rate, bool noise) {
    std::vector<float> x;
    std::mt19937 rng(42);
    std::normal_distribution<double> n(0, 1);
    double lp = 0;
    size_t i = 0;
    for (const Segment& s : segs) {
        const double amp = std::pow(10.0, s.dbfs / 20);
        const size_t frames = static_cast<size_t>(std::llround(s.seconds * rate));
        for (size_t f = 0; f < frames; ++f, ++i) {
            const double tone = std::sqrt(2.0) * std::sin(2 * kPi * 1000 * double(i) / rate);
            for (uint32_t c = 0; c < channels; ++c) {
                double v = tone;
                if (noise) v = (lp = 0.9 * lp + 0.1 * n(rng)) * 4 + 0.3 * std::sin(2 * kPi * (60 + 40 * c) * double(i) / rate);
                x.push_back(static_cast<float>(amp * v / std::sqrt(2.0)));
            }
        }
    }
    return x;
}

LoudnessStats ours(const std::vector<float>& x, uint32_t channels, uint32_t rate) {
    LoudnessMeter m(channels, rate);
    const size_t frames = x.size() / channels;
    for (size_t f = 0, step = 1000; f < frames; f += step) m.add(x.data() + f * channels, std::min(step, frames - f));
    return m.stats();
}

// EBU Tech 3342 on a list of short-term values: above -70 LUFS, then above
// 20 LU under their power mean (moved by `gate_shift`); 95th minus 10th
// percentile by nearest rank.
double range_of(std::vector<double> st, double gate_shift = 0) {
    std::erase_if(st, [](double v) { return !(v > -70); });
    if (st.empty()) return 0;
    double p = 0;
    for (double v : st) p += std::pow(10.0, v / 10);
    const double gate = 10 * std::log10(p / double(st.size())) - 20 + gate_shift;
    std::erase_if(st, [&](double v) { return v < gate; });
    std::sort(st.begin(), st.end());
    const auto at = [&](double q) { return st[std::max<size_t>(size_t(double(st.size()) * q + 0.5), 1) - 1]; };
    return at(0.95) - at(0.10);
}

struct Reference {
    double integrated, shortterm_max;
    std::vector<double> shortterm;
};

// The meter's histogram places the relative gate to its 0.01 LU step: a value
// within that of the gate may be kept or not, and where the values sweep
// through a level change one rank more or less moves a percentile by tenths
// of a LU. So the range matches the exact one with the gate at most a step off.
bool range_matches(double ours, const std::vector<double>& shortterm) {
    for (double shift : {0.0, -0.01, 0.01})
        if (std::fabs(ours - range_of(shortterm, shift)) <= 0.011) return true;
    return false;
}

Reference libebur128(const std::vector<float>& x, uint32_t channels, uint32_t rate) {
    ebur128_state* st = ebur128_init(channels, rate, EBUR128_MODE_I | EBUR128_MODE_S);
    const size_t frames = x.size() / channels, hop = rate / 10;
    std::vector<double> shortterm;
    for (size_t f = 0, h = 1; f + hop <= frames; f += hop, ++h) {
        ebur128_add_frames_float(st, x.data() + f * channels, hop);
        double s = -INFINITY;
        if (h >= 30 && ebur128_loudness_shortterm(st, &s) == EBUR128_SUCCESS) shortterm.push_back(s);
    }
    Reference r{};
    ebur128_loudness_global(st, &r.integrated);
    r.shortterm_max = shortterm.empty() ? -INFINITY : *std::max_element(shortterm.begin(), shortterm.end());
    r.shortterm = std::move(shortterm);
    ebur128_destroy(&st);
    return r;
}

TEST(LoudnessMeter, WithinOneHundredthOfALuOfLibebur128) {
    const std::vector<Segment> segs = {{4, -30}, {6, -18}, {3, -45}, {5, -24}, {4, -12}, {2, -80}, {4, -27}};
    for (uint32_t rate : {44100u, 48000u, 96000u}) {
        for (uint32_t channels : {1u, 2u, 6u}) {
            for (bool noise : {false, true}) {
                const auto x = stepped(segs, channels, rate, noise);
                const LoudnessStats s = ours(x, channels, rate);
                const Reference r = libebur128(x, channels, rate);
                SCOPED_TRACE(testing::Message() << rate << " Hz, " << channels << " ch, " << (noise ? "noise" : "tone"));
                EXPECT_NEAR(s.integrated_lufs, r.integrated, 0.01);
                EXPECT_NEAR(s.shortterm_max_lufs, r.shortterm_max, 0.001);
                EXPECT_TRUE(range_matches(s.range_lu, r.shortterm)) << s.range_lu << " against " << range_of(r.shortterm);
            }
        }
    }
}

// EBU Tech 3341 (integrated) and 3342 (range) test signals, stereo 1 kHz:
// nominal values within a tenth of the standards' tolerances (±0.1 LU for
// the loudness, ±1 LU for the range). A 1 kHz tone reads 0.007 LU (48 kHz)
// and 0.009 LU (44.1 kHz) high: the filter's gain there against the fixed
// -0.691 dB, as in every BS.1770 meter.
TEST(LoudnessMeter, EbuTech3341And3342Signals) {
    struct Case {
        std::vector<Segment> segs;
        double integrated, range;  // NAN: not specified
        double tolerance = 0.015;
    };
    const Case cases[] = {
        {{{20, -23}}, -23, NAN},                                          // 3341 case 1
        {{{20, -33}}, -33, NAN},                                          // 3341 case 2
        {{{10, -36}, {60, -23}, {10, -36}}, -23, NAN},                    // 3341 case 3
        {{{10, -72}, {10, -36}, {60, -23}, {10, -36}, {10, -72}}, -23, NAN},  // 3341 case 4
        // 3341 case 5: the power mean of its parts is -22.996 LUFS; the
        // gating blocks across each step (and the filter's 0.007) add 0.02.
        {{{20, -26}, {20.1, -20}, {20, -26}}, -23, NAN, 0.03},
        {{{20, -20}, {20, -30}}, NAN, 10},                                // 3342 case 1
        {{{20, -20}, {20, -15}}, NAN, 5},                                 // 3342 case 2
        {{{20, -40}, {20, -20}}, NAN, 20},                                // 3342 case 3
        {{{20, -50}, {20, -35}, {20, -20}, {20, -35}, {20, -50}}, NAN, 15},  // 3342 case 4
    };
    for (uint32_t rate : {44100u, 48000u}) {
        int n = 0;
        for (const Case& c : cases) {
            SCOPED_TRACE(testing::Message() << rate << " Hz, case " << ++n);
            const LoudnessStats s = ours(stepped(c.segs, 2, rate, false), 2, rate);
            if (!std::isnan(c.integrated)) {
                EXPECT_NEAR(s.integrated_lufs, c.integrated, c.tolerance);
            }
            if (!std::isnan(c.range)) {
                EXPECT_NEAR(s.range_lu, c.range, 0.1);
            }
        }
    }
    // A steady tone's short-term maximum is its level.
    EXPECT_NEAR(ours(stepped({{10, -23}}, 2, 48000, false), 2, 48000).shortterm_max_lufs, -23, 0.015);
}

}  // namespace
}  // namespace simvx
