// Variation in renders, measured: each trigger of a repeated sound lands on
// its frame with the file its pick says; the pitch and level drawn for each
// trigger (as --check lists them) are what is heard; a seed decides the
// bytes, and a sound added beside does not change them; every file of a
// variation is checked, picked or not.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "cli_support.hpp"

namespace fs = std::filesystem;

namespace simvx::test {
namespace {

class VariationCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        for (int f : {300, 500, 700})
            sh("sox -D -n -r 48000 -c 1 -b 16 " + at("t" + std::to_string(f) + ".wav") + " synth 0.2 sine " +
               std::to_string(f) + " vol 0.5");
    }
    std::string scene(const std::string& sounds) {
        write_file(at("scene.toml"), "version = 1\n" + sounds);
        return at("scene.toml");
    }
};

double rms_db_between(const std::vector<float>& x, size_t from, size_t to) {
    double sum = 0;
    for (size_t i = from; i < to; ++i) sum += static_cast<double>(x[i]) * x[i];
    return 10 * std::log10(sum / static_cast<double>(to - from));
}

TEST_F(VariationCli, ASequenceRepeatsOnItsFramesWithEachFileInTurn) {
    const std::string s = scene(
        "[[sound]]\nname = \"steps\"\nfiles = [\"t300.wav\", \"t500.wav\", \"t700.wav\"]\npick = \"sequence\"\n"
        "repeat = { every = 0.5, count = 6 }\n");
    const Pcm out = render_f32(s, at("out.wav"));
    const auto left = out.channel(0);
    ASSERT_EQ(out.frames(), 5 * 24000u + 9600);
    const double want[] = {300, 500, 700, 300, 500, 700};
    for (size_t k = 0; k < 6; ++k) {
        const size_t from = k * 24000;
        size_t onset = from;
        while (onset < from + 24000 && std::abs(left[onset]) < 1e-6f) ++onset;
        EXPECT_EQ(onset, from + 1) << k;  // a sine's first sample is 0
        EXPECT_NEAR(crossing_frequency(left, from + 100, from + 9500, 48000), want[k], 0.05) << k;
        if (k < 5) {
            EXPECT_LT(std::abs(left[from + 9600 + 10]), 1e-6f) << k;  // each trigger is its file's 0.2 s
        }
    }
}

// The pitch and volume --check lists for each trigger are the ones heard.
TEST_F(VariationCli, EachTriggersDrawnPitchAndLevelAreWhatIsHeard) {
    const std::string s = scene(
        "[engine]\nseed = 11\n[[sound]]\nname = \"tone\"\nfile = \"t500.wav\"\npitch = { random = [0.8, 1.25] }\n"
        "volume_db = { random = [-12, 0] }\nrepeat = { every = 0.5, count = 8 }\n");
    const RunResult check = simvx({s, "--check"});
    ASSERT_EQ(check.status, 0) << check.err;
    EXPECT_NE(check.out.find("seed 11"), std::string::npos) << check.out;
    const std::regex line(R"(sound tone#(\d+): starts [^,]+, ends [^,]+, t500\.wav, volume_db ([-0-9.e]+) dB, pan 0(, pitch ([0-9.e]+))?)");
    std::vector<std::pair<double, double>> drawn;  // volume_db, pitch
    std::istringstream lines(check.out);
    for (std::string l; std::getline(lines, l);) {
        std::smatch m;
        if (std::regex_search(l, m, line)) drawn.emplace_back(std::stod(m[2]), m[4].matched ? std::stod(m[4]) : 1.0);
    }
    ASSERT_EQ(drawn.size(), 8u) << check.out;
    const Pcm out = render_f32(s, at("out.wav"));
    const auto left = out.channel(0);
    std::set<long> distinct;
    for (size_t k = 0; k < 8; ++k) {
        const auto [volume_db, pitch] = drawn[k];
        EXPECT_GE(pitch, 0.8);
        EXPECT_LE(pitch, 1.25);
        distinct.insert(std::lround(pitch * 1000));
        const size_t from = k * 24000 + 200, to = k * 24000 + static_cast<size_t>(9600 / 1.25) - 200;
        EXPECT_NEAR(crossing_frequency(left, from, to, 48000), 500 * pitch, 0.005 * 500) << k;
        // A half-scale sine is -9.03 dBFS RMS; the balance law leaves a centred sound as it is.
        EXPECT_NEAR(rms_db_between(left, from, to), -9.03 + volume_db, 0.1) << k;
    }
    EXPECT_GT(distinct.size(), 6u);
}

TEST_F(VariationCli, TheSeedDecidesTheBytesAndASoundAddedBesideChangesNothing) {
    const std::string sound =
        "[[sound]]\nname = \"rain\"\nfiles = [\"t300.wav\", \"t500.wav\", \"t700.wav\"]\npick = \"shuffle\"\n"
        "pitch = { random = [0.9, 1.1] }\npan = { random = [-1, 1] }\nrepeat = { every = 0.3, jitter = 0.1, count = 12 }\n";
    const std::string s = scene("[engine]\nseed = 5\n" + sound);
    ASSERT_EQ(simvx({s, "--render", at("a.wav")}).status, 0);
    ASSERT_EQ(simvx({s, "--render", at("b.wav")}).status, 0);
    ASSERT_EQ(simvx({s, "--render", at("c.wav"), "--seed", "6"}).status, 0);
    EXPECT_EQ(read_file(at("a.wav")), read_file(at("b.wav")));
    EXPECT_NE(read_file(at("a.wav")), read_file(at("c.wav")));
    // Another varied sound, on a muted bus: the rain draws exactly as before.
    const std::string with = scene("[engine]\nseed = 5\n[[bus]]\nname = \"Off\"\nmute = true\n"
                                   "[[sound]]\nname = \"drops\"\nfiles = [\"t700.wav\", \"t300.wav\"]\nbus = \"Off\"\n"
                                   "volume_db = { random = [-6, 0] }\nrepeat = { every = 0.2, count = 5 }\n" + sound);
    ASSERT_EQ(simvx({with, "--render", at("d.wav")}).status, 0);
    EXPECT_EQ(read_file(at("a.wav")), read_file(at("d.wav")));
    // And --expect against the first render passes for the same seed, fails for another.
    EXPECT_EQ(simvx({s, "--render", at("e.wav"), "--expect", at("a.wav")}).status, 0);
    EXPECT_EQ(simvx({s, "--render", at("f.wav"), "--seed", "6", "--expect", at("a.wav")}).status, 6);
}

TEST_F(VariationCli, EveryFileOfAVariationIsCheckedPickedOrNot) {
    write_file(at("bad.wav"), "this is not audio at all, only text pretending to be a WAV file\n");
    const std::string s = scene("[[sound]]\nfiles = [\"t300.wav\", \"bad.wav\"]\npick = \"sequence\"\n");
    RunResult r = simvx({s, "--check"});
    EXPECT_EQ(r.status, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("scene.toml:3:22"), std::string::npos) << r.err;
    r = simvx({s, "--render", at("o.wav")});
    EXPECT_EQ(r.status, 3) << r.err;
    // Without an end, a repeat is refused with its place.
    const std::string endless = scene("[[sound]]\nfile = \"t300.wav\"\nrepeat = { every = 1 }\n");
    r = simvx({endless, "--check"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("scene.toml:4:10: 'repeat' in [[sound]] without 'count'"), std::string::npos) << r.err;
    r = simvx({endless, "--check", "--duration", "5"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("t300.wav#5"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace simvx::test

namespace simvx::test {
namespace {

// The shipped examples (examples/variation/), with the demo assets made
// here: each renders the same bytes again for its seed (and passes --expect
// against the first render) and another take for another seed; the
// footsteps land where --check says, at the intervals the repeat allows.
class VariationExamples : public ::testing::Test {
protected:
    TempDir dir;
    void SetUp() override {
        fs::create_directories(dir / "variation");
        const std::string variation = dir / "variation";
        sh(std::string(SIMVX_SOURCE_DIR) + "/scripts/make-demo-assets " + (dir / "assets") + " >/dev/null");
        for (const char* name : {"ambience.toml", "footsteps.toml"})
            fs::copy_file(std::string(SIMVX_SOURCE_DIR) + "/examples/variation/" + name, fs::path(variation) / name);
    }
    void renders_again_and_differs_by_seed(const std::string& scene) {
        ASSERT_EQ(simvx({scene, "--render", dir / "first.wav", "--render-format", "f32"}).status, 0);
        RunResult r = simvx({scene, "--render", dir / "again.wav", "--render-format", "f32", "--expect", dir / "first.wav",
                             "--tolerance-db", "-140"});
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(read_file(dir / "first.wav"), read_file(dir / "again.wav"));
        r = simvx({scene, "--seed", "99", "--render", dir / "other.wav", "--render-format", "f32", "--expect",
                   dir / "first.wav"});
        EXPECT_EQ(r.status, 6) << r.err;
    }
};

TEST_F(VariationExamples, TheStormIsTheSameForItsSeedAndAnotherForAnother) {
    const std::string scene = dir / "variation/ambience.toml";
    renders_again_and_differs_by_seed(scene);
    const nlohmann::json check = nlohmann::json::parse(simvx({scene, "--check", "--json"}).out);
    size_t rain = 0, thunder = 0;
    double last_rain = 0;
    for (const auto& s : check["sounds"]) {
        const std::string name = s["name"];
        if (name.rfind("rain#", 0) == 0) ++rain, last_rain = s["start"];
        if (name.rfind("thunder#", 0) == 0) ++thunder;
    }
    EXPECT_NEAR(static_cast<double>(rain), 40 / 2.5, 3);  // until the duration, every 2.5 s on average
    EXPECT_GT(last_rain, 40 - 3.3);
    EXPECT_LT(last_rain, 40);
    EXPECT_GE(thunder, 3u);
    EXPECT_LE(thunder, 8u);
}

TEST_F(VariationExamples, FootstepsLandWhereCheckSaysAtTheirIntervals) {
    const std::string scene = dir / "variation/footsteps.toml";
    renders_again_and_differs_by_seed(scene);
    const nlohmann::json check = nlohmann::json::parse(simvx({scene, "--check", "--json"}).out);
    std::vector<double> starts;
    for (const auto& s : check["sounds"]) starts.push_back(s["start"]);
    ASSERT_EQ(starts.size(), 16u);
    for (size_t k = 1; k < starts.size(); ++k) {
        EXPECT_GE(starts[k] - starts[k - 1], 0.55 - 0.03 - 1e-9);
        EXPECT_LE(starts[k] - starts[k - 1], 0.55 + 0.03 + 1e-9);
    }
    const Pcm out = sox_read(dir / "first.wav");
    std::vector<double> onsets;
    size_t quiet = 48000;
    for (size_t i = 0; i < out.frames(); ++i) {
        const bool sound = std::abs(out.samples[2 * i]) > 1e-5f || std::abs(out.samples[2 * i + 1]) > 1e-5f;
        if (sound && quiet >= 4800) onsets.push_back(static_cast<double>(i) / 48000);
        quiet = sound ? 0 : quiet + 1;
    }
    ASSERT_EQ(onsets.size(), 16u);
    for (size_t k = 0; k < 16; ++k) {
        EXPECT_GE(onsets[k], starts[k] - 1e-9) << k;
        EXPECT_LT(onsets[k], starts[k] + 0.001) << k;
    }
}

}  // namespace
}  // namespace simvx::test
