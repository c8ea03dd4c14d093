// Softclip: bounded by output_gain, full scale to full scale, documented
// small-signal slope, ramped parameter changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "dsp/effects/effects.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;

std::unique_ptr<Processor> make_softclip(double drive, double output_gain) {
    const EffectType& type = effects::softclip();
    EffectConfig c = default_config(type);
    c.set(type.params, "drive", drive);
    c.set(type.params, "output_gain", output_gain);
    auto p = type.make(c);
    p->prepare({.sample_rate = kRate, .max_block = 1024});
    return p;
}

TEST(Softclip, Descriptor) {
    const EffectType& t = effects::softclip();
    ASSERT_EQ(t.params.size(), 2u);
    EXPECT_EQ(t.params[0].key, "drive");
    EXPECT_EQ(t.params[0].default_value, 2.0);
    EXPECT_TRUE(t.params[0].min_open);
    EXPECT_EQ(t.params[0].max, 100);
    EXPECT_EQ(t.params[1].key, "output_gain");
    EXPECT_EQ(t.params[1].default_value, 1.0);
    EXPECT_EQ(t.params[1].max, 4);
}

TEST(Softclip, BoundedAndFullScaleToFullScale) {
    for (double drive : {0.01, 0.5, 2.0, 10.0, 100.0}) {
        for (double gain : {0.0, 0.5, 1.0, 4.0}) {
            std::mt19937 rng(11);
            std::uniform_real_distribution<float> wide(-10, 10);
            std::vector<float> x(2048);
            for (float& v : x) v = wide(rng);
            x[0] = 1.0f;
            x[1] = -1.0f;
            x[2] = INFINITY;
            x[3] = -INFINITY;
            auto p = make_softclip(drive, gain);
            p->process(x.data(), x.size() / 2, nullptr);
            float peak = 0;
            for (float v : x) peak = std::max(peak, std::fabs(v));
            EXPECT_LE(peak, static_cast<float>(gain)) << "drive " << drive << " gain " << gain;
            EXPECT_NEAR(x[0], gain, 1e-6 * gain) << "drive " << drive;
            EXPECT_NEAR(x[1], -gain, 1e-6 * gain) << "drive " << drive;
        }
    }
}

TEST(Softclip, SmallSignalSlope) {
    for (double drive : {0.01, 0.5, 2.0, 10.0}) {
        const double gain = 0.8, slope = gain * drive / std::tanh(drive);
        auto p = make_softclip(drive, gain);
        std::vector<float> x(1024);
        for (size_t i = 0; i < x.size(); ++i) x[i] = 1e-5f * static_cast<float>(std::sin(0.05 * static_cast<double>(i)));
        auto y = x;
        p->process(y.data(), y.size() / 2, nullptr);
        double worst = 0;
        for (size_t i = 0; i < x.size(); ++i)
            if (std::fabs(x[i]) > 1e-6f) worst = std::max(worst, std::fabs(y[i] / x[i] / slope - 1));
        std::printf("drive %g: slope %.5f, worst relative error %.2e\n", drive, slope, worst);
        EXPECT_LT(worst, 1e-4);
    }
}

// A change of drive or output gain on steady input (DC 0.5) moves the output
// in small steps over the ramp, never at once.
TEST(Softclip, ParameterChangesRamp) {
    const EffectType& type = effects::softclip();
    auto p = make_softclip(1.0, 1.0);
    std::vector<float> x(2 * 14400, 0.5f);
    p->process(x.data(), 4800, nullptr);
    EffectConfig c = default_config(type);
    c.set(type.params, "drive", 10.0);
    p->update(effect_params(c));
    p->process(x.data() + 2 * 4800, 4800, nullptr);
    c.set(type.params, "output_gain", 0.25);
    p->update(effect_params(c));
    p->process(x.data() + 2 * 9600, x.size() / 2 - 9600, nullptr);

    double step = 0;
    for (size_t i = 2; i < x.size(); i += 2) step = std::max(step, double(std::fabs(x[i] - x[i - 2])));
    const double before = std::tanh(0.5) / std::tanh(1.0), mid = std::tanh(5.0) / std::tanh(10.0);
    std::printf("softclip ramps: %.4f -> %.4f -> %.4f, largest step %.2e\n", x[0], x[2 * 9599], x.back(), step);
    EXPECT_NEAR(x[0], before, 1e-6);
    EXPECT_NEAR(x[2 * 9599], mid, 1e-6);
    EXPECT_NEAR(x.back(), 0.25 * mid, 1e-6);
    EXPECT_LT(step, 0.005);  // jumps would be 0.39 and 0.75; the ramps take 960 frames
}

}  // namespace
}  // namespace simvx
