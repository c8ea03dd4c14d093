// --expect: a render compared with a reference, as CI uses it.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class Expect : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& name) const { return dir / name; }
    // A 2 s stereo program at 48 kHz: two tones.
    std::string program() {
        write_wav(at("in.wav"), interleave({sine(440, 48000, 96000, 0.4), sine(660, 48000, 96000, 0.3)}, 48000),
                  WavFormat::f32);
        return at("in.wav");
    }
};

TEST_F(Expect, ARenderMatchesItself) {
    const auto in = program();
    RunResult r = simvx({in, "--render", at("ref.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    r = simvx({in, "--render", at("out.wav"), "--expect", at("ref.wav")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("matches"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("-inf dBFS"), std::string::npos) << r.err;  // bit-exact: no residual at all
    // Quiet: the verdict is the exit code alone.
    r = simvx({in, "--render", at("out.wav"), "--expect", at("ref.wav"), "-q"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.err, "");
}

TEST_F(Expect, StdoutRenderIsComparedAsWritten) {
    const auto in = program();
    ASSERT_EQ(simvx({in, "--render", at("ref.wav"), "--render-format", "s24"}).status, 0);
    RunResult r = simvx({in, "--render", "-", "--render-format", "s24", "--expect", at("ref.wav")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_GT(r.out.size(), 96000u * 6);  // the WAV still went to stdout
    EXPECT_NE(r.err.find("-inf dBFS"), std::string::npos) << r.err;
}

TEST_F(Expect, DitheredRendersAreComparedWithTheirDither) {
    // The dither is seeded: a dithered render matches a dithered reference exactly, on stdout too.
    const auto in = program();
    ASSERT_EQ(simvx({in, "--render", at("ref.wav"), "--dither", "tpdf"}).status, 0);
    RunResult r = simvx({in, "--render", "-", "--dither", "tpdf", "--expect", at("ref.wav")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("worst residual -inf dBFS"), std::string::npos) << r.err;
    // Against the undithered render: the dither's ±1 LSB shows, and a -80 dBFS tolerance accepts it.
    ASSERT_EQ(simvx({in, "--render", at("plain.wav")}).status, 0);
    r = simvx({in, "--render", at("o.wav"), "--dither", "tpdf", "--expect", at("plain.wav"), "--tolerance-db", "-80"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("worst residual -90.3 dBFS"), std::string::npos) << r.err;  // 1 LSB of s16
}

TEST_F(Expect, AQuietToneInTheReferenceFailsAndIsLocated) {
    const auto in = program();
    ASSERT_EQ(simvx({in, "--render", at("ref.wav"), "--render-format", "f32"}).status, 0);
    // The reference gets a -40 dBFS 1 kHz burst on the right channel from 1.25 s to 1.5 s.
    Pcm ref = sox_read(at("ref.wav"));
    const double amp = std::pow(10.0, -40.0 / 20.0);
    for (size_t i = 60000; i < 72000; ++i) ref.samples[i * 2 + 1] += static_cast<float>(amp * std::sin(2 * M_PI * 1000 * i / 48000.0));
    write_wav(at("ref.wav"), ref, WavFormat::f32);

    RunResult r = simvx({in, "--render", at("out.wav"), "--render-format", "f32", "--expect", at("ref.wav")});
    EXPECT_EQ(r.status, 6) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"(worst residual (-?[0-9.]+) dBFS at ([0-9.]+) s \(frame [0-9]+, channel 2\))")))
        << r.err;
    EXPECT_NEAR(std::stod(m[1]), -40.0, 0.1);
    EXPECT_GE(std::stod(m[2]), 1.25);
    EXPECT_LT(std::stod(m[2]), 1.5);
    // RMS over the whole file: a 0.25 s burst of a -43 dB RMS sine, in one channel of two, over 2 s.
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex(R"(RMS residual (-?[0-9.]+) dBFS)"))) << r.err;
    EXPECT_NEAR(std::stod(m[1]), -43.01 + 10 * std::log10(0.25 / 2 / 2), 0.1);
    // The render itself is kept: it is the thing to look at.
    EXPECT_EQ(soxi("-s", at("out.wav")), 96000);

    // A tolerance above the residual passes.
    r = simvx({in, "--render", at("out.wav"), "--render-format", "f32", "--expect", at("ref.wav"), "--tolerance-db", "-30"});
    EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(Expect, LengthAndFormatDifferencesAreNamed) {
    const auto in = program();
    sh("sox " + in + " -b 16 " + at("short.wav") + " trim 0 1.5");
    RunResult r = simvx({in, "--render", at("out.wav"), "--expect", at("short.wav")});
    EXPECT_EQ(r.status, 6);
    EXPECT_NE(r.err.find("length differs: render 96000 frames (2.000 s), reference 72000 frames (1.500 s)"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("sample rate differs"), std::string::npos) << r.err;

    sh("sox " + in + " -b 16 -r 44100 " + at("rate.flac"));
    r = simvx({in, "--render", at("out.wav"), "--expect", at("rate.flac")});
    EXPECT_EQ(r.status, 6);
    EXPECT_NE(r.err.find("sample rate differs: render 48000 Hz, reference 44100 Hz"), std::string::npos) << r.err;

    sh("sox " + in + " -b 16 -c 1 " + at("mono.wav"));
    r = simvx({in, "--render", at("out.wav"), "--expect", at("mono.wav")});
    EXPECT_EQ(r.status, 6);
    EXPECT_NE(r.err.find("channels differ: render 2, reference 1"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("length differs"), std::string::npos) << r.err;
}

TEST_F(Expect, NeedsARenderAndAReadableReference) {
    const auto in = program();
    EXPECT_EQ(simvx({in, "--null", "--expect", in}).status, 2);
    EXPECT_EQ(simvx({in, "--render", at("o.wav"), "--tolerance-db", "-60"}).status, 2);
    write_file(at("junk.wav"), "not audio at all");
    RunResult r = simvx({in, "--render", at("o.wav"), "--expect", at("junk.wav")});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("junk.wav"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace simvx::test
