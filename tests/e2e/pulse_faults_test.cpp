// A server that stops answering (SIGSTOP) or is slow to drain: a signal
// ends the run promptly whatever the server does, and a server that comes
// back is played on without a core spinning meanwhile. Against a real
// PulseAudio daemon.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "../cli/cli_support.hpp"
#include "pulse_server.hpp"

namespace simvx::test {
namespace {

class PulseFaults : public PulseTest {
protected:
    // Sends `sig` and waits for the exit; the status and the seconds it took.
    static std::pair<int, double> signal_and_wait(Child& player, int sig) {
        const auto t = std::chrono::steady_clock::now();
        ::kill(player.pid(), sig);
        while (player.running() && seconds_since(t) < 10) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        const double took = seconds_since(t);
        return {player.stop(SIGKILL, 1), took};
    }
    // CPU seconds (user + system) a process has used, from /proc.
    static double cpu_seconds(int pid) {
        std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
        std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        std::istringstream rest(text.substr(text.rfind(')') + 2));
        std::string field;
        unsigned long long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && rest >> field; ++i) {
            if (i == 14) utime = std::stoull(field);
            if (i == 15) stime = std::stoull(field);
        }
        return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
};

// The reproducer of the fault run: with the server stopped, Ctrl-C and
// SIGTERM used to wait for as long as it stayed stopped.
TEST_F(PulseFaults, ASignalEndsTheRunWithinASecondWhileTheServerIsStopped) {
    const auto in = tone("long.wav", 10);
    for (const auto& [sig, code] : {std::pair{SIGINT, 130}, std::pair{SIGTERM, 143}}) {
        Child player({bin(), in, "--latency-ms", "100"}, dir / "player.log");
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
        server->pause_daemon();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        const auto [status, took] = signal_and_wait(player, sig);
        server->resume_daemon();
        EXPECT_EQ(status, code) << read_file(dir / "player.log");
        EXPECT_LT(took, 1.0) << "signal " << sig;
    }
}

// Ctrl-C on a live server: the fade is handed over and played within the
// output's latency; the exit does not wait for the server's drain.
TEST_F(PulseFaults, CtrlCExitsWithin200Milliseconds) {
    const auto in = tone("long.wav", 10);
    for (int round = 0; round < 3; ++round) {
        Child player({bin(), in}, dir / "player.log");
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        const auto [status, took] = signal_and_wait(player, SIGINT);
        EXPECT_EQ(status, 130) << read_file(dir / "player.log");
        EXPECT_LT(took, 0.2) << "round " << round;
    }
}

// Stopped for 3 s mid-play, then continued: playback carries on to the end
// (exit 0), and meanwhile the player sleeps instead of spinning.
TEST_F(PulseFaults, AServerStoppedForThreeSecondsIsPlayedOnWithoutSpinning) {
    const auto in = tone("short.wav", 2);
    Child player({bin(), in, "--latency-ms", "50"}, dir / "player.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    server->pause_daemon();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const double cpu_before = cpu_seconds(player.pid());
    std::this_thread::sleep_for(std::chrono::milliseconds(2400));
    const double cpu_during = cpu_seconds(player.pid()) - cpu_before;
    server->resume_daemon();
    const auto t = std::chrono::steady_clock::now();
    while (player.running() && seconds_since(t) < 15) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const int status = player.stop(SIGKILL, 1);
    EXPECT_EQ(status, 0) << read_file(dir / "player.log");
    EXPECT_LT(cpu_during, 0.3) << "CPU seconds used while the server was stopped for 2.4 s";
}

}  // namespace
}  // namespace simvx::test
