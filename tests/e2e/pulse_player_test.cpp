// The player against a real PulseAudio daemon: devices, signals, a server
// that goes away. What arrives is checked on the null sink's monitor.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <thread>
#include <vector>

#include "../cli/cli_support.hpp"
#include "pulse_server.hpp"

namespace simvx::test {
namespace {

class PulsePlayer : public PulseTest {};

// Three tracks cut from one recording, mid-waveform: the playlist reaches
// the sink as the uncut recording, with no gap and no step at the cuts.
TEST_F(PulsePlayer, APlaylistCutFromOneRecordingArrivesSeamless) {
    const std::string whole = dir / "whole.wav";
    sh("sox -n -r 48000 -c 2 -b 16 " + whole + " synth 1.5 sine 440 vol 0.5 fade h 0.01 1.5 0.01");
    sh("sox " + whole + " " + (dir / "a.wav") + " trim 0 12345s");
    sh("sox " + whole + " " + (dir / "b.wav") + " trim 12345s 23456s");
    sh("sox " + whole + " " + (dir / "c.wav") + " trim 35801s");
    RunResult r;
    const Pcm rec = server->record_while(
        [&] { r = simvx({dir / "a.wav", dir / "b.wav", dir / "c.wav", "--latency-ms", "100"}); });
    ASSERT_EQ(r.status, 0) << r.err;
    const auto l = rec.channel(0);
    const auto [first, last] = active_span(rec);
    ASSERT_LT(first, l.size()) << "nothing arrived";
    // As long as the recording (1.5 s, less the fades' quiet ends), and never a step beyond the sine's own.
    EXPECT_NEAR(static_cast<double>(last - first), 72000.0, 200.0);
    EXPECT_LT(max_step(std::span<const float>(l).subspan(first, last - first)), 0.5 * 2 * M_PI * 440 / 48000 * 1.05);
    // No dropout: every 10 ms window in the middle carries the tone.
    for (size_t w = first + 2400; w + 480 < last - 2400; w += 480)
        ASSERT_GT(peak_db(std::span<const float>(l).subspan(w, 480)), -7.0) << "a gap at frame " << w - first;
}

TEST_F(PulsePlayer, ListDevicesShowsTheNullSinkAsDefault) {
    RunResult r = simvx({"--list-devices"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find(std::string("* ") + PulseServer::kSink), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("48000 Hz, 2 ch"), std::string::npos) << r.out;
}

TEST_F(PulsePlayer, AWrongDeviceFailsWithTheListAndASuggestion) {
    const auto in = tone("a.wav", 0.2);
    RunResult r = simvx({in, "--device", "simvx_e2f"});
    EXPECT_EQ(r.status, 4) << r.err;
    EXPECT_NE(r.err.find("did you mean 'simvx_e2e'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(PulseServer::kSink), std::string::npos) << r.err;
    EXPECT_LT(r.seconds, 2.0);
}

TEST_F(PulsePlayer, PlaysOnTheNamedDevice) {
    const auto in = tone("a.wav", 0.5);
    RunResult r;
    const Pcm rec = server->record_while([&] { r = simvx({in, "--device", PulseServer::kSink, "--latency-ms", "100"}); });
    ASSERT_EQ(r.status, 0) << r.err;
    const auto l = rec.channel(0);
    EXPECT_NEAR(peak_frequency(l, 48000), 500.0, 2.0);
    EXPECT_NEAR(peak_db(l), 20 * std::log10(0.5), 0.3);
}

// Starting up races the server's main loop thread (a libpulse assertion once
// aborted about one start in fifty): a hundred short plays all end cleanly.
TEST_F(PulsePlayer, AHundredQuickStartsAllExitCleanly) {
    const auto in = tone("blip.wav", 0.01);
    std::vector<RunResult> runs;
    // Recording meanwhile, as a busier server made the race likelier.
    const Pcm rec = server->record_while([&] {
        for (int i = 0; i < 100; ++i) runs.push_back(simvx({in, "-q"}));
    });
    for (size_t i = 0; i < runs.size(); ++i) {
        EXPECT_EQ(runs[i].status, 0) << "start " << i << ": " << runs[i].err;
        EXPECT_EQ(runs[i].err, "") << "start " << i;
    }
    // And each one was heard: a hundred blips, apart (a start takes longer than 5 ms of silence).
    const auto l = rec.channel(0);
    size_t blips = 0, quiet = 240;
    for (float x : l) {
        if (std::fabs(x) > 1e-3f) {
            if (quiet >= 240) ++blips;
            quiet = 0;
        } else {
            ++quiet;
        }
    }
    EXPECT_EQ(blips, 100u);
}

// Ctrl-C and SIGTERM: the run ends within a second with the documented code,
// and what reached the sink fades out instead of stopping on a step.
void expect_interrupt_fades(PulseServer& server, const std::string& in, int sig, int code, const std::string& log) {
    int status = -1;
    double stop_seconds = 0;
    const Pcm rec = server.record_while([&] {
        Child player({bin(), in, "--latency-ms", "100"}, log);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        const auto t = std::chrono::steady_clock::now();
        status = player.stop(sig, 5);
        stop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    });
    EXPECT_EQ(status, code) << read_file(log);
    EXPECT_LT(stop_seconds, 1.0);
    const auto l = rec.channel(0);
    const auto [first, last] = active_span(rec);
    ASSERT_LT(first, l.size()) << "nothing arrived";
    EXPECT_GT(last - first, 48000u) << "it played before the signal";
    EXPECT_LT(last - first, 48000u * 4) << "it stopped early, not at the end of the file";
    // The sine's own largest step is 0.5 * 2 pi * 500 / 48000 = 0.033; a cut would step by up to 0.5.
    EXPECT_LT(max_step(std::span<const float>(l).subspan(first, last - first + 2)), 0.04);
}

TEST_F(PulsePlayer, CtrlCFadesOutAndExits130) {
    expect_interrupt_fades(*server, tone("long.wav", 5), SIGINT, 130, dir / "player.log");
}

TEST_F(PulsePlayer, SigtermFadesOutAndExits143) {
    expect_interrupt_fades(*server, tone("long.wav", 5), SIGTERM, 143, dir / "player.log");
}

TEST_F(PulsePlayer, ADaemonThatDiesEndsPlaybackWithinFiveSeconds) {
    const auto in = tone("long.wav", 10);
    Child player({bin(), in, "--latency-ms", "100"}, dir / "player.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    const auto t = std::chrono::steady_clock::now();
    server->kill_daemon();
    while (player.running() && seconds_since(t) < 8) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double waited = seconds_since(t);
    const int status = player.stop(SIGKILL, 1);
    server->start_daemon();  // for the tests after this one
    EXPECT_EQ(status, 4) << read_file(dir / "player.log");
    EXPECT_LT(waited, 5.0);
    EXPECT_NE(read_file(dir / "player.log").find("went away"), std::string::npos) << read_file(dir / "player.log");
}

TEST_F(PulsePlayer, ADaemonRestartedQuicklyIsReconnectedAndPlaybackCarriesOn) {
    const auto in = tone("long.wav", 3);
    Child player({bin(), in, "--latency-ms", "100", "--json"}, dir / "player.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    server->kill_daemon();
    server->start_daemon();
    const auto t = std::chrono::steady_clock::now();
    while (player.running() && seconds_since(t) < 10) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const int status = player.stop(SIGKILL, 1);
    const std::string log = read_file(dir / "player.log");
    EXPECT_EQ(status, 0) << log;
    EXPECT_NE(log.find("resumed once"), std::string::npos) << log;
    EXPECT_NE(log.find(R"({"type":"reconnect","time":)"), std::string::npos) << log;  // --json says so as it happens
    EXPECT_NE(log.find(R"("total":1})"), std::string::npos) << log;
}

}  // namespace
}  // namespace simvx::test
