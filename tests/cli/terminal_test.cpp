// The player's keys on a real terminal (script(1) gives the binary a pty):
// read from /dev/tty when a live stream has standard input, and an arrow in a
// scene says why it does not seek instead of doing nothing.
#include <gtest/gtest.h>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class TerminalCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        if (!have_tool("script")) GTEST_SKIP() << "script (util-linux) is needed to give the binary a terminal";
    }
    // Runs `command` on a pseudo-terminal with `keys` typed into it.
    RunResult on_terminal(const std::string& command, const std::string& keys) {
        return run({"script", "-qec", command + "; echo rc=$?", "/dev/null"}, keys, 60);
    }
};

TEST_F(TerminalCli, QuitKeyReachesAStreamPlayerThroughTheTerminal) {
    // 20 s of PCM on standard input; 'q' typed on the terminal ends it at once.
    const std::string producer = "sox -n -r 48000 -c 2 -b 16 -t raw - synth 20 sine 440";
    const RunResult r = on_terminal(producer + " | " + bin() + " --stream - --null", "q");
    EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out;
    EXPECT_LT(r.seconds, 10.0) << r.out;  // not the 20 s the stream lasts
    // Another key does not end it: the stream plays to its end.
    const RunResult whole = on_terminal("sox -n -r 48000 -c 2 -b 16 -t raw - synth 1 sine 440 | " + bin() +
                                            " --stream - --null",
                                        "x");
    EXPECT_NE(whole.out.find("rc=0"), std::string::npos) << whole.out;
    EXPECT_GE(whole.seconds, 0.9);
}

TEST_F(TerminalCli, ArrowsInASceneSayScenesDoNotSeek) {
    sh("sox -n -r 48000 -c 1 -b 16 " + at("tone.wav") + " synth 0.5 sine 440");
    write_file(at("scene.toml"), "version = 1\n[[sound]]\nfile = \"tone.wav\"\n");
    const RunResult r = on_terminal(bin() + " " + at("scene.toml") + " --null", "\033[C\033[C");
    EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out;
    const size_t first = r.out.find("arrows seek in plain files");
    EXPECT_NE(first, std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("arrows seek in plain files", first + 1), std::string::npos);  // said once
}

}  // namespace
}  // namespace simvx::test
