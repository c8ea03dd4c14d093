// --dither tpdf: below-LSB tones survive an s16 render as a tone plus benign
// noise of the textbook level, and the render is still deterministic.
#include <gtest/gtest.h>

#include <cmath>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class Dither : public ::testing::Test {
protected:
    std::string at(const std::string& name) { return dir / name; }
    TempDir dir;
};

// A 1 kHz sine at -100 dBFS: a third of an s16 LSB.
std::string faint_tone(const std::string& path) {
    const double amp = std::pow(10.0, -100.0 / 20.0);
    std::vector<float> x(48000 * 2);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(amp * std::sin(2 * M_PI * 1000.0 * i / 48000.0));
    write_wav(path, interleave({x}, 48000), WavFormat::f32);
    return path;
}

std::vector<int16_t> render_s16(const std::string& in, const std::string& out, const std::string& dither) {
    RunResult r = simvx({in, "--render", out, "--dither", dither});
    if (r.status != 0) throw std::runtime_error(r.err);
    return from_s16le(raw_samples(out, "s16"));
}

TEST_F(Dither, WithoutDitherASubLsbToneVanishes) {
    const auto q = render_s16(faint_tone(at("in.wav")), at("out.wav"), "none");
    for (int16_t v : q) ASSERT_EQ(v, 0);
}

TEST_F(Dither, TpdfKeepsASubLsbToneAtItsLevelOverNoiseOfHalfAnLsb) {
    const auto q = render_s16(faint_tone(at("in.wav")), at("out.wav"), "tpdf");
    std::vector<float> x(q.size());
    double sum = 0, power = 0;
    for (size_t i = 0; i < q.size(); ++i) {
        x[i] = static_cast<float>(q[i]) / 32768.0f;
        ASSERT_LE(std::abs(q[i]), 1) << i;  // +-1 LSB of dither around a signal under half an LSB
        sum += q[i];
        power += double(q[i]) * q[i];
    }
    // Triangular dither over (-1, 1) LSB plus a signal s rounds to +-1 with
    // probability 1/4 + s^2, so the mean square is 1/4 + A^2/2 for a sine of
    // amplitude A (in LSB): the textbook noise, and the tone's own power.
    const double a_lsb = std::pow(10.0, -100.0 / 20.0) * 32768.0;
    EXPECT_NEAR(std::sqrt(power / q.size()), std::sqrt(0.25 + a_lsb * a_lsb / 2), 0.01);
    EXPECT_NEAR(sum / q.size(), 0.0, 0.01);
    const Spectrum s = spectrum(x, 48000);
    const auto bin = static_cast<size_t>(std::lround(1000.0 / s.bin_hz));
    double tone = -300;
    for (size_t b = bin - 2; b <= bin + 2; ++b) tone = std::max(tone, s.mag_db[b]);
    EXPECT_NEAR(tone, -100.0, 1.0);
    EXPECT_NEAR(peak_frequency(x, 48000), 1000.0, 1.0);
}

TEST_F(Dither, DitheredRendersAreDeterministic) {
    const auto in = faint_tone(at("in.wav"));
    render_s16(in, at("a.wav"), "tpdf");
    render_s16(in, at("b.wav"), "tpdf");
    EXPECT_EQ(read_file(at("a.wav")), read_file(at("b.wav")));
}

}  // namespace
}  // namespace simvx::test
