// max_voices in a render, measured: ten triggers of a sound, each a tone of
// its own frequency, with a limit of 4: once all have started, exactly the
// four the policy keeps are heard, and no trigger that gives way clicks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class VoiceLimitsCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string files;  // the ten tones, for `files = [...]`
    void SetUp() override {
        for (int k = 0; k < 10; ++k) {
            const std::string name = "t" + std::to_string(k) + ".wav";
            sh("sox -D -n -r 48000 -c 1 -b 16 " + (dir / name) + " synth 1 sine " + std::to_string(freq(k)) + " vol 0.1");
            files += (k ? ", \"" : "\"") + name + "\"";
        }
    }
    static int freq(int k) { return 200 + 50 * k; }
    Pcm render(const std::string& limit) {
        write_file(dir / "scene.toml", "version = 1\n[[sound]]\nname = \"tones\"\nfiles = [" + files +
                                           "]\npick = \"sequence\"\nrepeat = { every = 0.1, count = 10 }\n" + limit);
        return render_f32(dir / "scene.toml", dir / "out.wav");
    }
};

// The amplitude of the tone at `hz` in x[from, from + n), by correlation
// with a Hann-windowed complex tone (other tones 50 Hz away fall in its nulls).
double amplitude_at(const std::vector<float>& x, size_t from, size_t n, double hz) {
    std::complex<double> sum;
    double wsum = 0;
    for (size_t i = 0; i < n; ++i) {
        const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
        sum += w * static_cast<double>(x[from + i]) * std::polar(1.0, -2 * std::numbers::pi * hz * static_cast<double>(i) / 48000);
        wsum += w;
    }
    return 2 * std::abs(sum) / wsum;
}

double worst_bend(const std::vector<float>& x) {
    double worst = 0;
    for (size_t i = 1; i + 1 < x.size(); ++i) worst = std::max(worst, std::abs(double(x[i + 1]) - 2.0 * x[i] + x[i - 1]));
    return worst;
}

TEST_F(VoiceLimitsCli, TheOldestGiveWayInTenMillisecondsWithoutAClick) {
    const Pcm out = render("max_voices = 4\nsteal = \"oldest\"\n");
    const auto left = out.channel(0);
    // From 0.91 s (every trigger has started, the last steal has faded) for 80 ms.
    for (int k = 0; k < 10; ++k) {
        const double a = amplitude_at(left, 43680, 3840, freq(k));
        if (k >= 6) EXPECT_NEAR(a, 0.1, 0.01) << freq(k);
        else EXPECT_LT(a, 0.002) << freq(k);
    }
    // A tone cut short bends the waveform by up to its amplitude; a 200..650 Hz
    // tone of 0.1 bends by at most 0.1 × (2π 650/48000) ≈ 0.0085 where it starts.
    EXPECT_LT(worst_bend(left), 0.012);
    // Without a limit all ten sound then.
    const Pcm all = render("");
    for (int k = 0; k < 10; ++k) EXPECT_NEAR(amplitude_at(all.channel(0), 43680, 3840, freq(k)), 0.1, 0.01) << freq(k);
}

TEST_F(VoiceLimitsCli, NoneKeepsTheFirstFour) {
    const Pcm out = render("max_voices = 4\nsteal = \"none\"\n");
    const auto left = out.channel(0);
    for (int k = 0; k < 10; ++k) {
        const double a = amplitude_at(left, 43680, 3840, freq(k));
        if (k < 4) EXPECT_NEAR(a, 0.1, 0.01) << freq(k);
        else EXPECT_LT(a, 0.002) << freq(k);
    }
    // They end at 1.3 s: nothing else was ever started.
    EXPECT_EQ(out.frames(), 48000u + 3 * 4800);
}

TEST_F(VoiceLimitsCli, StealMeansNothingWithoutALimit) {
    write_file(dir / "scene.toml", "version = 1\n[[sound]]\nfile = \"t0.wav\"\nsteal = \"none\"\n");
    const RunResult r = simvx({dir / "scene.toml", "--check"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("scene.toml:4:9: 'steal' in [[sound]] says which voice gives way when 'max_voices' are playing"),
              std::string::npos)
        << r.err;
}

}  // namespace
}  // namespace simvx::test

namespace simvx::test {
namespace {

// [engine] virtual_below_db: a looped 3D sound flies 200 m off (inverse
// distance with rolloff 10: -66 dB there) and back, with doppler. Below
// -60 dB it is not mixed (the render is silent there, where the one without
// virtual voices holds it under -60 dB), and once it is louder again it is
// back where it would have been: the rest of the render is the same to the bit.
TEST(VirtualVoices, ALoopGoneVirtualComesBackWhereItWouldHaveBeen) {
    TempDir dir;
    sh("sox -D -n -r 48000 -c 1 -b 16 " + (dir / "chirp.wav") + " synth 1 sine 200-2000 vol 0.5");
    auto render = [&](const std::string& engine_keys, const std::string& out) {
        write_file(dir / "scene.toml", "version = 1\n[engine]\nduration = 5\n" + engine_keys +
                                           "[[sound]]\nfile = \"chirp.wav\"\nloop = true\n[sound.spatial]\n"
                                           "path = [[0, 2, 0, 0], [2, 200, 0, 0], [4, 2, 0, 0]]\nrolloff = 10\n"
                                           "max_distance = 1000\n");
        return render_f32(dir / "scene.toml", dir / out);
    };
    const Pcm plain = render("", "plain.wav"), virt = render("virtual_below_db = -60\n", "virtual.wav");
    ASSERT_EQ(plain.frames(), virt.frames());
    // At 2 s, 200 m off: silent when virtual, under -60 dB (but not silent) when mixed.
    const size_t far = 2 * 48000;
    std::vector<float> a(plain.samples.begin() + 2 * (far - 4800), plain.samples.begin() + 2 * (far + 4800));
    std::vector<float> b(virt.samples.begin() + 2 * (far - 4800), virt.samples.begin() + 2 * (far + 4800));
    EXPECT_LT(peak_db(a), -60);
    EXPECT_GT(peak_db(a), -80);
    EXPECT_TRUE(std::all_of(b.begin(), b.end(), [](float x) { return x == 0.0f; }));
    // From 3.5 s (back within 100 m) to the end: the same samples.
    const size_t back = 2 * 168000;
    EXPECT_TRUE(std::equal(plain.samples.begin() + back, plain.samples.end(), virt.samples.begin() + back));
    EXPECT_GT(peak_db(std::vector<float>(virt.samples.begin() + back, virt.samples.end())), -30);  // 2 m off: -20.8 dB of a half-scale chirp
}

}  // namespace
}  // namespace simvx::test
