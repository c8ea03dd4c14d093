// Numeric options and time values, as a user types them: non-finite
// numbers, values past the one time bound and words where numbers belong
// are refused with the documented exit code and a message in the user's
// terms, before anything is written; the scene's time keys share the bound.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class OptionsCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        write_wav(at("tone.wav"), interleave({sine(1000, 48000, 4800, 0.5)}, 48000), WavFormat::s16);
    }
    // Runs the binary on tone.wav with `args`, rendering to out.wav.
    RunResult render_with(std::vector<std::string> args) {
        args.insert(args.begin(), {at("tone.wav"), "--render", at("out.wav")});
        return simvx(args, {}, 20);
    }
};

TEST_F(OptionsCli, NonFiniteNumbersAreUsageErrors) {
    const std::vector<std::vector<std::string>> cases = {
        {"--pitch", "nan"},         {"--duration", "nan"},      {"--volume-db", "nan"},
        {"--start-at", "nan"},      {"--tolerance-db", "nan"},  {"--pitch", "inf"},
        {"--duration", "inf"},      {"--volume-db", "-inf"},    {"--stream-volume-db", "NaN"},
    };
    for (auto args : cases) {
        if (args[0] == "--tolerance-db") args.insert(args.begin(), {"--expect", at("tone.wav")});
        if (args[0] == "--stream-volume-db") args.insert(args.begin(), {"--stream", "-"});
        const RunResult r = render_with(args);
        SCOPED_TRACE(args[args.size() - 2] + " " + args.back());
        EXPECT_EQ(r.status, 2) << r.err;
        EXPECT_NE(r.err.find("simvxplay: error: " + args[args.size() - 2] + ": must be a finite number, got '" +
                             args.back() + "'"),
                  std::string::npos)
            << r.err;
        EXPECT_FALSE(std::filesystem::exists(at("out.wav")));
    }
}

TEST_F(OptionsCli, RangeErrorsSayWhatIsWantedInTheUsersTerms) {
    RunResult r = render_with({"--duration", "-1"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("simvxplay: error: --duration: must be a number of seconds greater than 0 and at most "
                         "86400, got '-1' (see --help)"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("179769"), std::string::npos) << r.err;  // no DBL_MAX spelled out

    r = render_with({"--sample-rate", "loud"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--sample-rate: must be a sample rate in Hz from 8000 to 192000, got 'loud'"),
              std::string::npos)
        << r.err;

    r = render_with({"--sample-rate", "44100.5"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--sample-rate: must be a whole number from 8000 to 192000"), std::string::npos) << r.err;

    r = render_with({"--pitch", "17"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--pitch: must be a speed factor from 0.01 to 16, got '17'"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(at("out.wav")));
}

TEST_F(OptionsCli, TimesPastTheBoundAreRefusedNotRenderedForever) {
    for (const char* opt : {"--duration", "--start-at"}) {
        for (const char* value : {"1e300", "86400.5", "1e15"}) {
            const RunResult r = render_with({opt, value});
            EXPECT_EQ(r.status, 2) << opt << " " << value << ": " << r.err;
            EXPECT_NE(r.err.find(std::string(opt) + ": must be a number of seconds"), std::string::npos) << r.err;
        }
    }
    // The bound itself is accepted (checked, not rendered: a day of audio).
    const RunResult r = simvx({at("tone.wav"), "--loop", "--duration", "86400", "--check"}, {}, 20);
    EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(OptionsCli, ValidNumbersStillWork) {
    // At pitch 2 the 4800-frame file lasts 2400 frames.
    const RunResult r = render_with({"--pitch", "2", "--volume-db", "-6", "--render-format", "f32"});
    ASSERT_EQ(r.status, 0) << r.err;
    const Pcm p = sox_read(at("out.wav"));
    EXPECT_NEAR(static_cast<double>(p.frames()), 2400.0, 1.0);
    // -6 dB on a 0.5 tone: peak about 0.25.
    EXPECT_NEAR(peak_db(p.samples), 20 * std::log10(0.5) - 6, 0.1);
}

TEST_F(OptionsCli, SceneTimeKeysShareTheBound) {
    const std::vector<std::pair<std::string, std::string>> keys = {
        {"start", "1e15"}, {"start", "86401"},      {"fade_in", "1e300"},     {"fade_out", "90000"},
        {"from_position", "1e20"}, {"loop_start", "1e9"}, {"loop_end", "1e9"},
    };
    for (const auto& [key, value] : keys) {
        write_file(at("scene.toml"),
                   "version = 1\n\n[[sound]]\nfile = \"tone.wav\"\n" + key + " = " + value + "\n");
        const RunResult check = simvx({at("scene.toml"), "--check"}, {}, 20);
        EXPECT_EQ(check.status, 3) << key << ": " << check.err;
        EXPECT_NE(check.err.find("scene.toml:5:"), std::string::npos) << check.err;
        EXPECT_NE(check.err.find("between 0 and 86400 s"), std::string::npos) << check.err;
        const RunResult r = simvx({at("scene.toml"), "--render", at("out.wav")}, {}, 20);
        EXPECT_EQ(r.status, 3) << key;
        EXPECT_FALSE(std::filesystem::exists(at("out.wav")));
    }
    // Path keyframes too.
    write_file(at("scene.toml"), "version = 1\n\n[[sound]]\nfile = \"tone.wav\"\n[sound.spatial]\n"
                                 "path = [[0, 1, 0, 0], [1e12, 2, 0, 0]]\n");
    const RunResult r = simvx({at("scene.toml"), "--check"}, {}, 20);
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find("keyframe times"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("between 0 and 86400 s"), std::string::npos) << r.err;
}

TEST_F(OptionsCli, StartAtPastTheEndIsAnErrorNamingTheLength) {
    // tone.wav lasts 0.1 s.
    RunResult r = render_with({"--start-at", "0.1"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--start-at 0:00.1 is at or past the end: the file lasts 0:00.1"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(at("out.wav")));
    r = simvx({at("tone.wav"), at("tone.wav"), "--start-at", "0.5", "--render", at("out.wav")}, {}, 20);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("the files last 0:00.2"), std::string::npos) << r.err;
    // Just before the end: the rest of the file, to the frame.
    r = render_with({"--start-at", "0.075"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(soxi("-s", at("out.wav")), 4800 - 3600);
}

TEST_F(OptionsCli, AnEmptySceneIsWarnedAbout) {
    write_file(at("empty.toml"), "version = 1\n[engine]\nduration = 0.5\n");
    const RunResult r = simvx({at("empty.toml"), "--render", at("out.wav")}, {}, 20);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("warning: " + at("empty.toml") + ": the scene has no [[sound]] and no [[stream]]"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(soxi("-s", at("out.wav")), 24000);  // the duration, silent
}

TEST_F(OptionsCli, OptionsThatWouldDoNothingAreRefused) {
    RunResult r = simvx({at("tone.wav"), "--null", "--render-format", "f32"}, {}, 20);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--render-format requires --render"), std::string::npos) << r.err;
    r = simvx({at("tone.wav"), "--null", "--dither", "tpdf"}, {}, 20);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--dither requires --render"), std::string::npos) << r.err;
    r = render_with({"--render-format", "f32", "--dither", "tpdf"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--dither tpdf: an f32 render keeps every bit"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(at("out.wav")));
}

TEST_F(OptionsCli, HelpNamesTheProgramNotItsPath) {
    const RunResult r = simvx({"--help"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out.find(bin()), std::string::npos);
    EXPECT_NE(r.out.find("Usage: simvxplay"), std::string::npos) << r.out.substr(0, 300);
    EXPECT_EQ(r.out.find(":{"), std::string::npos) << "CLI11's choice lists clutter --help";
}

TEST_F(OptionsCli, ANameOutsideItsListSuggestsTheClosest) {
    RunResult r = render_with({"--render-format", "s61"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("simvxplay: error: --render-format: must be one of s16, s24, f32, got 's61'; did you mean s16?"),
              std::string::npos)
        << r.err;
    r = simvx({"--list", "efects"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("did you mean effects?"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace simvx::test
