// --check reports every independent problem of a scene in one run, each with
// its line and column: key and value errors, names that do not resolve,
// missing files and files that do not decode.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class Check : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        write_wav(at("ok.wav"), interleave({sine(440, 48000, 4800)}, 48000), WavFormat::s16);
        write_file(at("junk.wav"), "RIFF but not really a WAV file");
    }
    static void has(const std::string& err, const std::string& what) {
        EXPECT_NE(err.find(what), std::string::npos) << "missing: " << what << "\nin:\n" << err;
    }
};

TEST_F(Check, ReportsAllProblemsOfTheSceneTogether) {
    write_file(at("bad.toml"), R"(version = 1
[engine]
chanels = 2

[[bus]]
name = "Music"
volume_db = "loud"

[[sound]]
file = "ok.wav"
bus = "Musc"
pan = 3.0

[[sound]]
file = "missing.wav"

[[sound]]
file = "junk.wav"
start = -1
)");
    RunResult r = simvx({at("bad.toml"), "--check"});
    EXPECT_EQ(r.status, 3);
    const std::string f = at("bad.toml");
    has(r.err, f + ":3:1: unknown key 'chanels' in [engine]; did you mean 'channels'?");
    has(r.err, f + ":7:13: 'volume_db' in [[bus]] must be a number");
    has(r.err, f + ":11:7: unknown bus \"Musc\" in [[sound]]; did you mean \"Music\"?");
    has(r.err, f + ":12:7: 'pan' in [[sound]] must be between -1 and 1");
    has(r.err, f + ":15:8: 'file' in [[sound]]: cannot open \"missing.wav\"");
    has(r.err, f + ":18:8: " + at("junk.wav") + ": not a supported audio file");  // found with the key errors
    has(r.err, f + ":19:9: 'start' in [[sound]] must be between 0 and 86400 s");
    // In line order, one per line.
    EXPECT_LT(r.err.find(":3:1:"), r.err.find(":7:13:"));
    EXPECT_LT(r.err.find(":15:8:"), r.err.find(":18:8:"));
    EXPECT_LT(r.err.find(":18:8:"), r.err.find(":19:9:"));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 7);
}

// A sound's timing against its file's length (ok.wav lasts 0.1 s) is
// reported in the same run as key errors elsewhere, at the sound.
TEST_F(Check, TimingPastTheFilesEndIsReportedWithTheKeyErrors) {
    write_file(at("timing.toml"), R"(version = 1
[[sound]]
file = "ok.wav"
volme_db = -3

[[sound]]
file = "ok.wav"
from_position = 0.5

[[sound]]
name = "looped"
file = "ok.wav"
loop = true
loop_end = 2.0
)");
    RunResult r = simvx({at("timing.toml"), "--check"});
    EXPECT_EQ(r.status, 3);
    const std::string f = at("timing.toml");
    has(r.err, f + ":4:1: unknown key 'volme_db' in [[sound]]; did you mean 'volume_db'?");
    has(r.err, f + ":6:1: sound 'ok.wav': from_position 0.500 s is at or past the end of ok.wav (0.100 s)");
    has(r.err, f + ":10:1: sound 'looped': loop_end 2.000 s is past the end of ok.wav (0.100 s)");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;
}

TEST_F(Check, ReportsEveryUnusableFileOfAValidScene) {
    write_file(at("files.toml"), R"(version = 1
[[sound]]
file = "junk.wav"
[[sound]]
file = "ok.wav"
loop_start = 5.0
loop = true
[[sound]]
file = "junk.wav"
start = 1.0
)");
    RunResult r = simvx({at("files.toml"), "--check"});
    EXPECT_EQ(r.status, 3);
    const std::string f = at("files.toml");
    has(r.err, f + ":3:8: " + at("junk.wav") + ": not a supported audio file");
    has(r.err, f + ":9:8: " + at("junk.wav") + ": not a supported audio file");
    has(r.err, f + ":4:1: sound 'ok.wav': loop_start 5.000 s must be before loop_end");  // beyond the 0.1 s file
}

}  // namespace
}  // namespace simvx::test

namespace simvx::test {
namespace {

// A truncated WAV is said once, however often the run opens it (to learn its
// format, then to decode it; playing, rendering or checking).
TEST_F(Check, ADamagedFileIsWarnedAboutOnce) {
    sh("sox -n -r 8000 -c 1 -b 16 " + at("whole.wav") + " synth 1 sine 300");
    write_file(at("cut.wav"), read_file(at("whole.wav")).substr(0, 10000));
    const std::string warning = "cut.wav: data chunk says 16000 bytes but the file ends after 9956; playing what is there";
    auto count = [&](const std::string& text) {
        size_t n = 0;
        for (size_t at = text.find(warning); at != std::string::npos; at = text.find(warning, at + 1)) ++n;
        return n;
    };
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {at("cut.wav"), "--check"}, {at("cut.wav"), "--null"}, {at("cut.wav"), "--render", at("out.wav")}}) {
        const RunResult r = simvx(args);
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(count(r.err), 1u) << args[1] << ":\n" << r.err;
    }
    EXPECT_EQ(soxi("-s", at("out.wav")), (10000 - 44) / 2);
}

}  // namespace
}  // namespace simvx::test
