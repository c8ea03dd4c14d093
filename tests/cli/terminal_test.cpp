// The player's keys on a real terminal (script(1) gives the binary a pty):
// read from /dev/tty when a live stream has standard input; arrows seek
// scenes, and say why they cannot when a live stream plays.
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

// The right arrow seeks a scene 5 s on (each sound at the state it would
// have reached, as --start-at), then q quits: the run ends past 5 s of scene
// time within a fraction of that in wall time.
TEST_F(TerminalCli, ArrowsSeekAScene) {
    sh("sox -n -r 48000 -c 1 -b 16 " + at("tone.wav") + " synth 0.5 sine 440");
    write_file(at("scene.toml"), "version = 1\n[[sound]]\nfile = \"tone.wav\"\nloop = true\nstop = 20\n");
    const RunResult r = on_terminal(bin() + " " + at("scene.toml") + " --null --json", "\033[Cq");
    EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out;
    const size_t end = r.out.find("\"type\":\"end\",\"position\":");
    ASSERT_NE(end, std::string::npos) << r.out;
    const std::string key = "\"position\":";
    const double position = std::stod(r.out.substr(r.out.find(key, end) + key.size()));
    EXPECT_GE(position, 5.0) << r.out;
    EXPECT_LT(position, 8.0) << r.out;
    EXPECT_LT(r.seconds, 10.0);
}

// Seeking on a device that wakes irregularly or goes away for a while (the
// null output's simulator) lands where it should all the same.
TEST_F(TerminalCli, ArrowsSeekOnAJitteredOrLostDevice) {
    sh("sox -n -r 48000 -c 1 -b 16 " + at("tone.wav") + " synth 0.5 sine 440");
    write_file(at("scene.toml"), "version = 1\n[[sound]]\nfile = \"tone.wav\"\nloop = true\nstop = 20\n");
    for (const std::string device : {"jitter:0.9", "lost:0.05:0.3"}) {
        const RunResult r = on_terminal(bin() + " " + at("scene.toml") + " --null --json --device " + device, "\033[C\033[Cq");
        EXPECT_NE(r.out.find("rc=0"), std::string::npos) << device << r.out;
        const size_t end = r.out.find("\"type\":\"end\",\"position\":");
        ASSERT_NE(end, std::string::npos) << device << r.out;
        const std::string key = "\"position\":";
        const double position = std::stod(r.out.substr(r.out.find(key, end) + key.size()));
        EXPECT_GE(position, 10.0) << device << r.out;
        EXPECT_LT(position, 14.0) << device << r.out;
    }
}

// A scene with a live stream cannot seek: the arrow says so, once.
TEST_F(TerminalCli, ArrowsOnALiveStreamSayItCannotSeek) {
    sh("sox -n -r 48000 -c 2 -b 16 -t raw " + at("pcm.raw") + " synth 1 sine 440");
    const RunResult r = on_terminal(bin() + " --stream " + at("pcm.raw") + " --null", "\033[C\033[C");
    EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out;
    const size_t first = r.out.find("cannot seek: its input is read once");
    EXPECT_NE(first, std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("cannot seek", first + 1), std::string::npos);  // said once
}

}  // namespace
}  // namespace simvx::test

namespace simvx::test {
namespace {

// A message while the status line is drawn (here --watch's reload) erases the
// line first instead of landing on the end of it; the line is drawn again after.
TEST_F(TerminalCli, MessagesNeverLandOnTheStatusLine) {
    sh("sox -n -r 48000 -c 1 -b 16 " + at("tone.wav") + " synth 0.5 sine 440 vol 0.5");
    const std::string scene = "version = 1\n[[sound]]\nfile = \"tone.wav\"\nloop = true\nvolume_db = ";
    write_file(at("scene.toml"), scene + "-6\n");
    write_file(at("edited.toml"), scene + "-12\n");
    const std::string edit = "(sleep 1.2; cp " + at("edited.toml") + " " + at("s.tmp") + "; mv " + at("s.tmp") + " " +
                             at("scene.toml") + ") & ";
    const RunResult r = on_terminal(edit + bin() + " " + at("scene.toml") + " --watch --null --duration 2.5", "");
    EXPECT_NE(r.out.find("rc=0"), std::string::npos) << r.out;
    const size_t message = r.out.find("simvxplay: reloaded");
    ASSERT_NE(message, std::string::npos) << r.out;
    ASSERT_GE(message, 4u);
    EXPECT_EQ(r.out.substr(message - 4, 4), "\r\033[K") << "the status line was not erased first";
    EXPECT_NE(r.out.find("playing 0:02", message), std::string::npos) << "and it is drawn again after";
}

}  // namespace
}  // namespace simvx::test
