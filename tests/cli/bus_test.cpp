// Buses end to end: routing and volumes, --mute and --solo, effect tails in a
// render, sidechain ducking — measured in the rendered files.
#include <gtest/gtest.h>

#include <cmath>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class BusCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        write_wav(at("dc.wav"), interleave({std::vector<float>(48000, 0.5f)}, 48000), WavFormat::f32);
        write_wav(at("dc2.wav"), interleave({std::vector<float>(48000, 0.125f)}, 48000), WavFormat::f32);
        write_file(at("mix.toml"), R"(version = 1
[engine]
channels = 1
[[bus]]
name = "Music"
volume_db = -6.0206
[[bus]]
name = "Voice"
send_to = "Music"
[[sound]]
file = "dc.wav"
bus = "Music"
[[sound]]
file = "dc2.wav"
bus = "Voice"
)");
    }
    Pcm render(const std::string& scene, const std::vector<std::string>& extra = {}) {
        return render_f32(at(scene), at("out.wav"), extra);
    }
};

TEST_F(BusCli, VolumesMultiplyAlongTheRoute) {
    const Pcm p = render("mix.toml");
    EXPECT_NEAR(p.samples[1000], (0.5 + 0.125) * 0.5, 1e-5);
}

TEST_F(BusCli, MuteAndSoloFromTheCommandLine) {
    EXPECT_NEAR(render("mix.toml", {"--mute", "Voice"}).samples[1000], 0.25, 1e-5);
    EXPECT_NEAR(render("mix.toml", {"--mute", "Music"}).samples[1000], 0.0, 1e-7);
    EXPECT_NEAR(render("mix.toml", {"--solo", "Voice"}).samples[1000], 0.0625, 1e-5);  // through Music's volume
    EXPECT_NEAR(render("mix.toml", {"--solo", "Music"}).samples[1000], 0.3125, 1e-5);  // Music and what feeds it
    RunResult r = simvx({at("mix.toml"), "--solo", "voice", "--render", at("x.wav")});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("did you mean Voice?"), std::string::npos) << r.err;
}

TEST_F(BusCli, DelayTailsRingOutAfterTheSounds) {
    // A 0.1 s click through a delay of 0.25 s with feedback 0.5: the render
    // goes on until the echoes fall below -90 dBFS and 100 ms of quiet pass.
    write_wav(at("click.wav"), interleave({std::vector<float>(4800, 0.5f)}, 48000), WavFormat::f32);
    write_file(at("echo.toml"), R"(version = 1
[engine]
channels = 1
[[bus]]
name = "Master"
[[bus.effect]]
type = "delay"
time_seconds = 0.25
feedback = 0.5
wet = 1.0
dry = 1.0
[[sound]]
file = "click.wav"
)");
    const Pcm p = render("echo.toml");
    // Echo k (k >= 1) starts at k × 0.25 s with level 0.5 × 0.5^(k-1): the
    // last above -90 dBFS is k = 14, ending at 3.6 s. The render holds it all,
    // then ends once 100 ms were quiet and the delay's announced tail has passed.
    for (int k = 1; k <= 14; ++k) {
        const size_t at_echo = static_cast<size_t>(k) * 12000 + 100;
        ASSERT_LT(at_echo, p.frames());
        EXPECT_NEAR(p.samples[at_echo], 0.5 * std::pow(0.5, k - 1) + (k == 0 ? 0.5 : 0.0), 1e-6) << "echo " << k;
    }
    const double seconds = static_cast<double>(p.frames()) / 48000;
    EXPECT_GE(seconds, 3.7);
    EXPECT_LE(seconds, 3.9);
    for (size_t i = p.frames() - 4800; i < p.frames(); ++i) ASSERT_LT(std::fabs(p.samples[i]), 3.2e-5) << i;
}

}  // namespace
}  // namespace simvx::test

namespace simvx::test {
namespace {

// Amplitude of the `freq` component over [from, from + len) (whole periods).
double tone_level_db(const std::vector<float>& x, double freq, size_t from, size_t len) {
    double re = 0, im = 0;
    for (size_t i = from; i < from + len; ++i) {
        const double ph = 2 * M_PI * freq * static_cast<double>(i) / 48000;
        re += x[i] * std::cos(ph);
        im += x[i] * std::sin(ph);
    }
    return 20 * std::log10(2 * std::hypot(re, im) / static_cast<double>(len));
}

TEST_F(BusCli, CompressorSidechainDucksTheMusicUnderTheVoice) {
    // Music: 200 Hz at -12 dBFS for 4 s. Voice: 1 kHz at -6 dBFS from 1 s to 2 s.
    write_wav(at("music.wav"), interleave({sine(200, 48000, 4 * 48000, std::pow(10, -12.0 / 20))}, 48000), WavFormat::f32);
    write_wav(at("voice.wav"), interleave({sine(1000, 48000, 48000, std::pow(10, -6.0 / 20))}, 48000), WavFormat::f32);
    write_file(at("duck.toml"), R"(version = 1
[engine]
channels = 1
[[bus]]
name = "Music"
[[bus.effect]]
type = "compressor"
threshold_db = -24
ratio = 4
knee_db = 6
attack_ms = 5
release_ms = 100
sidechain = "Voice"
[[bus]]
name = "Voice"
[[sound]]
file = "music.wav"
bus = "Music"
[[sound]]
file = "voice.wav"
bus = "Voice"
start = 1.0
)");
    const Pcm p = render("duck.toml");
    ASSERT_EQ(p.frames(), 4u * 48000);
    const size_t w = 4800;  // 0.1 s: 20 periods of 200 Hz, 100 of 1 kHz
    EXPECT_NEAR(tone_level_db(p.samples, 200, 48000 / 2, w), -12.0, 0.1);
    // The key at -6 dBFS is above the knee: gain reduction (x - T)(1 - 1/R) = 13.5 dB.
    EXPECT_NEAR(tone_level_db(p.samples, 200, 48000 + 24000, w), -25.5, 1.0);
    // Recovered well after the release.
    EXPECT_NEAR(tone_level_db(p.samples, 200, 3 * 48000, w), -12.0, 0.5);
    // The voice itself is untouched.
    EXPECT_NEAR(tone_level_db(p.samples, 1000, 48000 + 24000, w), -6.0, 0.1);

    // The key is tapped before the Voice bus's fader and mute: muting the
    // voice, or soloing the music, leaves the ducking exactly as it was.
    for (const auto& extra : std::vector<std::vector<std::string>>{{"--mute", "Voice"}, {"--solo", "Music"}}) {
        const Pcm q = render("duck.toml", extra);
        ASSERT_EQ(q.frames(), 4u * 48000);
        EXPECT_NEAR(tone_level_db(q.samples, 200, 48000 + 24000, w), -25.5, 1.0) << extra[0];
        EXPECT_LT(tone_level_db(q.samples, 1000, 48000 + 24000, w), -120) << extra[0];  // the voice is not heard
        // Through the attack, the hold and the release alike.
        for (const size_t at_frame : {48000 + 480, 48000 + 24000, 2 * 48000 + 4800, 3 * 48000})
            EXPECT_NEAR(tone_level_db(q.samples, 200, at_frame, w), tone_level_db(p.samples, 200, at_frame, w), 0.01)
                << extra[0] << " at " << at_frame;
    }
}

}  // namespace
}  // namespace simvx::test
