// Scenes end to end: timing, gains, loops and fades measured in the render;
// validation errors with their positions; --check.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <tuple>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class SceneCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        // 1 s of DC at 0.5 (levels are easy to read), and a 480 Hz sine.
        write_wav(at("dc.wav"), interleave({std::vector<float>(48000, 0.5f)}, 48000), WavFormat::f32);
        write_wav(at("sine.wav"), interleave({sine(480, 48000, 48000, 0.8)}, 48000), WavFormat::f32);
    }
    Pcm render(const std::string& scene_text, const std::vector<std::string>& extra = {}) {
        write_file(at("scene.toml"), scene_text);
        return render_f32(at("scene.toml"), at("out.wav"), extra);
    }
};

TEST_F(SceneCli, SoundsPlayAtTheirTimesWithTheirGainsAndPans) {
    const Pcm p = render(R"(version = 1
[engine]
sample_rate = 48000
[[sound]]
file = "dc.wav"
volume_db = -6.0206
[[sound]]
file = "dc.wav"
start = 0.5
pan = 1.0
[[bus]]
name = "Master"
volume_db = 0.0
)");
    ASSERT_EQ(p.channels, 2u);
    ASSERT_EQ(p.frames(), 72000u);  // the second sound ends at 1.5 s
    EXPECT_NEAR(p.samples[2 * 1000], 0.25, 1e-5);
    EXPECT_NEAR(p.samples[2 * 1000 + 1], 0.25, 1e-5);
    EXPECT_NEAR(p.samples[2 * 30000], 0.25, 1e-5);        // pan 1: nothing on the left
    EXPECT_NEAR(p.samples[2 * 30000 + 1], 0.75, 1e-5);    // 0.25 + 0.5
    EXPECT_NEAR(p.samples[2 * 60000 + 1], 0.5, 1e-5);
    EXPECT_EQ(p.samples[2 * 23999 + 1], 0.25f);           // sample-exact start at 24000
    EXPECT_NEAR(p.samples[2 * 24000 + 1], 0.75, 1e-5);
}

TEST_F(SceneCli, LoopRegionIsSeamless) {
    // loop 0.25..0.75 s: 240 whole periods of 480 Hz, repeated for 3 s.
    const Pcm p = render(R"(version = 1
[engine]
duration = 3.0
channels = 1
[[sound]]
file = "sine.wav"
loop = true
loop_start = 0.25
loop_end = 0.75
)");
    ASSERT_EQ(p.frames(), 144000u);
    const auto ref = sine(480, 48000, 144000, 0.8);
    double worst = 0;
    for (size_t i = 0; i < p.frames(); ++i) worst = std::max(worst, std::fabs(double(p.samples[i]) - ref[i]));
    EXPECT_LT(worst, 1e-5);
    EXPECT_LT(max_step(p.samples), 0.8 * 2 * M_PI * 480 / 48000 * 1.001);
}

TEST_F(SceneCli, FadesAndFromPosition) {
    const Pcm p = render(R"(version = 1
[engine]
channels = 1
[[sound]]
file = "dc.wav"
from_position = 0.25
fade_in = 0.1
fade_out = 0.2
)");
    ASSERT_EQ(p.frames(), 36000u);
    EXPECT_EQ(p.samples[0], 0.0f);
    EXPECT_NEAR(p.samples[2400], 0.25, 1e-4);   // halfway through the fade-in
    EXPECT_EQ(p.samples[4800], 0.5f);
    EXPECT_EQ(p.samples[26399], 0.5f);          // the fade-out covers the last 9600 frames
    EXPECT_NEAR(p.samples[36000 - 4801], 0.25, 1e-4);
    EXPECT_EQ(p.samples[35999], 0.0f);
}

// stop = SEC ends a sound early (a loop here) with the stop fade, silent
// from then on; enabled = false keeps a sound in the scene, checked but
// unheard.
TEST_F(SceneCli, StopEndsASoundWithAFadeAndDisabledSoundsAreSilent) {
    const Pcm p = render("version = 1\n[engine]\nduration = 1.5\n"
                         "[[sound]]\nfile = \"dc.wav\"\nloop = true\nstop = 1.0\n"
                         "[[sound]]\nfile = \"sine.wav\"\nenabled = false\n");
    ASSERT_EQ(p.frames(), 72000u);
    const auto left = p.channel(0);
    EXPECT_FLOAT_EQ(left[47000 - 720 - 10], 0.5f);  // before the 15 ms stop fade
    EXPECT_GT(left[48000 - 360], 0.2f);              // fading
    EXPECT_LT(left[48000 - 360], 0.3f);
    EXPECT_LT(left[47999], 0.001f);                  // the fade's last frame
    for (size_t i = 48000; i < 72000; ++i) ASSERT_EQ(left[i], 0.0f) << i;  // stopped; the disabled sine never plays
    EXPECT_LT(max_step(std::span<const float>(left).subspan(47000, 1000)), 0.5 / 700);  // a ramp, not a cut

    // Without a duration the stop ends the scene, and renders are allowed.
    const Pcm q = render("version = 1\n[[sound]]\nfile = \"dc.wav\"\nloop = true\nstop = 2.5\n");
    EXPECT_EQ(q.frames(), 120000u);

    write_file(at("scene.toml"), "version = 1\n[[sound]]\nfile = \"dc.wav\"\nstart = 2\nstop = 1\n");
    const RunResult r = simvx({at("scene.toml"), "--check"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("scene.toml:5:8: 'stop' in [[sound]] must be after its start (2 s), found 1"), std::string::npos)
        << r.err;
}

// --start-at in a scene: every sound at the state it would have reached
// (under way, looping, fading, streamed from disk), so the render from t is
// the tail of the full render, bit for bit; a moving 3D sound within -60 dB
// (its gains glide per block, and the blocks fall elsewhere).
TEST_F(SceneCli, StartAtInASceneIsTheTailOfTheFullRender) {
    const std::string scene = "version = 1\n"
                              "[[sound]]\nfile = \"sine.wav\"\nloop = true\nloop_start = 0.25\nstop = 2.2\nfade_in = 0.8\n"
                              "[[sound]]\nfile = \"sine.wav\"\nstart = 0.9\nfade_out = 0.5\nstream = true\npan = 0.3\n"
                              "[[sound]]\nfile = \"dc.wav\"\nstart = 1.5\nvolume_db = -12\n";
    const Pcm full = render(scene);
    for (const double t : {0.5, 1.0, 1.7}) {
        const Pcm part = render(scene, {"--start-at", std::to_string(t)});
        const size_t skip = static_cast<size_t>(std::llround(t * 48000));
        ASSERT_EQ(part.frames() + skip, full.frames()) << t;
        EXPECT_TRUE(std::equal(part.samples.begin(), part.samples.end(), full.samples.begin() + 2 * skip)) << t;
    }
    const std::string moving = "version = 1\n[[sound]]\nfile = \"sine.wav\"\nloop = true\nstop = 2.0\n"
                               "[sound.spatial]\npath = [[0, -10, 0, -2], [2, 10, 0, -2]]\ndoppler = 0\n";
    const Pcm full3d = render(moving);
    const Pcm part3d = render(moving, {"--start-at", "0.75"});
    const size_t skip = 36000;
    ASSERT_EQ(part3d.frames() + skip, full3d.frames());
    std::vector<float> residual(part3d.samples.size());
    for (size_t i = 0; i < residual.size(); ++i) residual[i] = part3d.samples[i] - full3d.samples[i + 2 * skip];
    EXPECT_LT(peak_db(residual), -60);  // only the first, partial block can differ
}

TEST_F(SceneCli, ASceneIsRecognisedByContentNotName) {
    write_file(at("mix.txt"), "version = 1\n[[sound]]\nfile = \"dc.wav\"\n");
    RunResult r = simvx({at("mix.txt"), "--render", at("o.wav")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(soxi("-s", at("o.wav")), 48000);
    EXPECT_EQ(soxi("-r", at("o.wav")), 48000);
}

// TOML that does not parse, or has no or another version, is diagnosed as a
// scene (line and column, the parser's words), never as "not a supported
// audio file"; --check and --render alike, and nothing is written.
TEST_F(SceneCli, BrokenTomlIsReportedAsASceneWithItsPosition) {
    const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
        {"comma.toml", "version = 1\n[engine]\nsample_rate = 48000,\n", "comma.toml:3:"},
        {"string.toml", "version = 1\n[[sound]]\nfile = \"dc.wav\n", "string.toml:3:"},
        {"dup.toml", "version = 1\n[engine]\nsample_rate = 48000\nsample_rate = 44100\n", "dup.toml:4:"},
        {"v2.toml", "version = 2\n", "v2.toml:1:11: unsupported scene format version 2"},
        {"vstr.toml", "version = \"1\"\n", "vstr.toml:1:"},
        {"noversion.toml", "[[sound]]\nfile = \"dc.wav\"\n", "noversion.toml:1:1: missing required key 'version'"},
        // No .toml name: the shape alone makes it a scene.
        {"mix", "version = 1\n[[sound]]\nfile = \"dc.wav\",\n", "mix:3:"},
    };
    for (const auto& [name, text, expected] : cases) {
        write_file(at(name), text);
        for (const char* mode : {"--check", "--render"}) {
            std::vector<std::string> args = {at(name), mode};
            if (std::string(mode) == "--render") args.push_back(at("out.wav"));
            const RunResult r = simvx(args);
            EXPECT_EQ(r.status, 3) << name << " " << mode << ": " << r.err;
            EXPECT_NE(r.err.find(expected), std::string::npos) << name << " " << mode << ": " << r.err;
            EXPECT_EQ(r.err.find("not a supported audio file"), std::string::npos) << r.err;
            EXPECT_FALSE(std::filesystem::exists(at("out.wav")));
        }
    }
}

TEST_F(SceneCli, AllErrorsAreReportedWithPositionsAndNothingIsWritten) {
    write_file(at("bad.toml"), R"(version = 1
[engine]
sample_rate = 4000
[[sound]]
file = "dc.wav"
volme_db = -3
[[sound]]
file = "nope.wav"
pan = 2
)");
    RunResult r = simvx({at("bad.toml"), "--render", at("out.wav")});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("bad.toml:3:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("bad.toml:6:1: unknown key 'volme_db'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean 'volume_db'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("bad.toml:8:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("bad.toml:9:"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(at("out.wav")));
}

TEST_F(SceneCli, TimingBeyondTheFileIsReportedAtTheSound) {
    write_file(at("s.toml"), "version = 1\n[[sound]]\nfile = \"dc.wav\"\nfrom_position = 2.0\n");
    RunResult r = simvx({at("s.toml"), "--render", at("out.wav")});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("s.toml:2:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("from_position"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(at("out.wav")));
}

TEST_F(SceneCli, CheckPrintsASummary) {
    write_file(at("s.toml"), "version = 1\n[engine]\nduration = 2.5\n[[sound]]\nname = \"drone\"\nfile = \"sine.wav\"\nloop = true\n");
    RunResult r = simvx({at("s.toml"), "--check"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("OK"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("sound drone"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("WAV"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("length: 0:02.5"), std::string::npos) << r.out;
}

TEST_F(SceneCli, FileOptionsAreRejectedForScenesAndBadOptionsAreUsageErrors) {
    write_file(at("s.toml"), "version = 1\n[[sound]]\nfile = \"dc.wav\"\n");
    EXPECT_EQ(simvx({at("s.toml"), "--loop", "--null"}).status, 2);
    EXPECT_EQ(simvx({at("s.toml"), at("dc.wav"), "--null"}).status, 2);
    EXPECT_EQ(simvx({at("dc.wav"), "--render", at("o.wav"), "--null"}).status, 2);
    EXPECT_EQ(simvx({at("dc.wav"), "--bogus"}).status, 2);
    RunResult typo = simvx({at("dc.wav"), "--nul"});
    EXPECT_EQ(typo.status, 2);
    EXPECT_NE(typo.err.find("did you mean --null?"), std::string::npos) << typo.err;
    EXPECT_EQ(simvx({at("dc.wav"), "--channels", "3", "--null"}).status, 2);
    EXPECT_EQ(simvx({"--null"}).status, 2);
    RunResult r = simvx({at("missing.flac"), "--null"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("missing.flac"), std::string::npos);
}

}  // namespace
}  // namespace simvx::test

namespace simvx::test {
namespace {

TEST_F(SceneCli, StreamedAndInMemoryRendersAreIdentical) {
    sh("sox -R -n -r 44100 -c 2 -b 16 " + at("long.flac") + " synth 30 sine 300 pinknoise gain -8");
    const std::string base = "version = 1\n[engine]\nsample_rate = 48000\n[[sound]]\nfile = \"long.flac\"\nfade_in = 1\nfrom_position = 2\nstream = ";
    write_file(at("a.toml"), base + "true\n");
    write_file(at("b.toml"), base + "false\n");
    RunResult check = simvx({at("a.toml"), "--check"});
    EXPECT_NE(check.out.find("streamed from disk"), std::string::npos) << check.out;
    ASSERT_EQ(simvx({at("a.toml"), "--render-format", "f32", "--render", at("a.wav")}).status, 0);
    ASSERT_EQ(simvx({at("b.toml"), "--render-format", "f32", "--render", at("b.wav")}).status, 0);
    const Pcm a = sox_read(at("a.wav")), b = sox_read(at("b.wav"));
    ASSERT_EQ(a.frames(), 28u * 48000);
    ASSERT_EQ(b.frames(), a.frames());
    double worst = 0;
    for (size_t i = 0; i < a.samples.size(); ++i) worst = std::max(worst, std::fabs(double(a.samples[i]) - b.samples[i]));
    EXPECT_LT(worst, 1e-6);  // the same converter, fed in different chunk sizes
}

TEST_F(SceneCli, LongFilesRenderInConstantMemory) {
    // Ten minutes of stereo: 230 MB as floats in memory; streamed, a few MB.
    auto peak_kb = [&](const std::string& wav, const std::string& out) {
        RunResult r = run({"/usr/bin/time", "-f", "maxrss_kb=%M", bin(), wav, "--render", out, "-q"});
        EXPECT_EQ(r.status, 0) << r.err;
        const auto at_kb = r.err.find("maxrss_kb=");
        EXPECT_NE(at_kb, std::string::npos) << r.err;
        return at_kb == std::string::npos ? 0L : std::stol(r.err.substr(at_kb + 10));
    };
    sh("sox -R -n -r 48000 -c 2 -b 16 " + at("long.wav") + " synth 600 sine 440 gain -6");
    sh("sox -R -n -r 48000 -c 2 -b 16 " + at("minute.wav") + " synth 60 sine 440 gain -6");
    const long long_kb = peak_kb(at("long.wav"), at("out.wav"));
    const long minute_kb = peak_kb(at("minute.wav"), at("minute-out.wav"));
    // Constant memory: ten minutes need no more than one (whatever a sanitizer adds to both).
    EXPECT_LT(long_kb, minute_kb + 4 * 1024) << "10 min: " << long_kb << " kB, 1 min: " << minute_kb << " kB";
#if !defined(__SANITIZE_ADDRESS__)  // AddressSanitizer's shadow memory and quarantine come on top
    EXPECT_LT(long_kb, 40 * 1024);
#endif
    EXPECT_EQ(soxi("-s", at("out.wav")), 600L * 48000);
    EXPECT_EQ(read_wav_data(at("out.wav")).data, read_wav_data(at("long.wav")).data);
}

}  // namespace
}  // namespace simvx::test
