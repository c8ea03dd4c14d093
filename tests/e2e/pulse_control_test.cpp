// --control against a real PulseAudio daemon: a client on the socket
// schedules sounds and moves them, and the null sink's monitor shows where
// they landed: two plays given with "at" arrive as far apart as their times
// say (within one block), a "set" of pan moves the measured levels from one
// side to the other, and "stop" fades within its ramp.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "../cli/cli_support.hpp"
#include "pulse_server.hpp"
#include "support/control_client.hpp"

using nlohmann::json;

namespace simvx::test {
namespace {

class PulseControl : public PulseTest {};

// The first frame at or after `from` whose magnitude passes `level`.
size_t onset(const std::vector<float>& x, size_t from, float level) {
    for (size_t i = from; i < x.size(); ++i)
        if (std::abs(x[i]) > level) return i;
    return x.size();
}

double rms_db(const std::vector<float>& x, size_t from, size_t to) {
    double sum = 0;
    for (size_t i = from; i < to && i < x.size(); ++i) sum += static_cast<double>(x[i]) * x[i];
    return 10 * std::log10(sum / static_cast<double>(std::max<size_t>(1, to - from)) + 1e-30);
}

TEST_F(PulseControl, ScheduledPlaysLandOnTheirFramesAndPanMovesTheLevels) {
    const std::string click = dir / "click.wav", hum = dir / "hum.wav", sock = dir / "mix.sock";
    sh("sox -n -r 48000 -c 1 -b 16 " + click + " synth 0.02 sine 2000 vol 0.8");
    sh("sox -n -r 48000 -c 1 -b 16 " + hum + " synth 1 sine 300 vol 0.5");
    double first_at = 0;
    const Pcm rec = server->record_while([&] {
        Child player({bin(), "--control", sock, "--latency-ms", "20"}, dir / "player.log");
        ControlClient c(sock);
        ASSERT_TRUE(c.ask({{"cmd", "load"}, {"name", "click"}, {"file", click}})["ok"]);
        first_at = c.ask({{"cmd", "get"}, {"what", "position"}})["position"].get<double>() + 0.4;
        ASSERT_TRUE(c.ask({{"cmd", "play"}, {"sound", "click"}, {"at", first_at}})["ok"]);
        ASSERT_TRUE(c.ask({{"cmd", "play"}, {"sound", "click"}, {"at", first_at + 0.5}})["ok"]);
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        // A hum on the left, then moved hard right, then stopped with a 100 ms fade.
        const auto hum_voice = c.ask({{"cmd", "play"}, {"file", hum}, {"loop", true}, {"pan", -1}})["voice"];
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        ASSERT_TRUE(c.ask({{"cmd", "set"}, {"voice", hum_voice}, {"pan", 1}, {"ramp", 0.05}})["ok"]);
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        ASSERT_TRUE(c.ask({{"cmd", "stop"}, {"voice", hum_voice}, {"ramp", 0.1}})["ok"]);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        ASSERT_TRUE(c.ask({{"cmd", "quit"}})["ok"]);
        EXPECT_EQ(player.stop(0, 10), 0) << read_file(dir / "player.log");
    });
    const auto left = rec.channel(0), right = rec.channel(1);
    // The clicks: 0.5 s apart, give or take one block (1024 frames).
    const size_t a = onset(left, 0, 0.3f);
    ASSERT_LT(a, left.size()) << "no click arrived";
    const size_t b = onset(left, a + 2400, 0.3f);
    ASSERT_LT(b, left.size()) << "the second click did not arrive";
    EXPECT_NEAR(static_cast<double>(b - a), 24000.0, 1024.0);
    // The hum: on the left first, then on the right (a window well inside each part).
    const size_t hum_start = onset(left, b + 2400, 0.2f);
    ASSERT_LT(hum_start, left.size()) << "the hum did not arrive";
    const size_t on_left = hum_start + 4800, on_right = hum_start + 24000;
    EXPECT_GT(rms_db(left, on_left, on_left + 9600), rms_db(right, on_left, on_left + 9600) + 40);
    EXPECT_GT(rms_db(right, on_right, on_right + 9600), rms_db(left, on_right, on_right + 9600) + 40);
    EXPECT_NEAR(rms_db(right, on_right, on_right + 9600), 20 * std::log10(0.5 / std::sqrt(2.0)), 0.5);
    // Stopped: silent 100 ms after the fade began, wherever it began.
    size_t last_loud = on_right;
    for (size_t i = on_right; i < right.size(); ++i)
        if (std::abs(right[i]) > 0.2f) last_loud = i;
    size_t last_any = last_loud;
    for (size_t i = last_loud; i < right.size(); ++i)
        if (std::abs(right[i]) > 1e-4f) last_any = i;
    EXPECT_LT(last_any - last_loud, 4800u + 480u) << "the stop's fade lasted longer than its 100 ms ramp";
    EXPECT_GT(last_any - last_loud, 960u) << "the stop cut the hum instead of fading it";
}

// Pausing the whole mix on a real server: while paused the monitor is silent
// and no underrun is counted (paused time is not the machine falling behind),
// and the hum comes back after resume; --json's end line agrees with `get`.
TEST_F(PulseControl, PausingTheMixCountsNoUnderruns) {
    const std::string hum = dir / "hum.wav", sock = dir / "mix.sock";
    sh("sox -n -r 48000 -c 1 -b 16 " + hum + " synth 1 sine 300 vol 0.5");
    json before, during, after;
    const Pcm rec = server->record_while([&] {
        Child player({bin(), "--control", sock, "--latency-ms", "20", "--json"}, dir / "player.log");
        ControlClient c(sock);
        ASSERT_TRUE(c.ask({{"cmd", "play"}, {"file", hum}, {"loop", true}})["ok"]);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        before = c.ask({{"cmd", "get"}, {"what", "engine"}});
        ASSERT_TRUE(c.ask({{"cmd", "pause"}})["ok"]);
        std::this_thread::sleep_for(std::chrono::milliseconds(2000));
        during = c.ask({{"cmd", "get"}, {"what", {"engine", "position"}}});
        ASSERT_TRUE(c.ask({{"cmd", "resume"}})["ok"]);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        after = c.ask({{"cmd", "get"}, {"what", "engine"}});
        ASSERT_TRUE(c.ask({{"cmd", "quit"}})["ok"]);
        EXPECT_EQ(player.stop(0, 10), 0) << read_file(dir / "player.log");
    });
    // Counted across the pause: none (a loaded machine may underrun while
    // playing, before or after, which is counted as it should be).
    EXPECT_EQ(during["paused"], true) << during.dump();
    EXPECT_EQ(during["engine"]["underruns"], before["engine"]["underruns"]) << before.dump() << during.dump();
    const std::string log = read_file(dir / "player.log");
    const size_t end = log.rfind("\"underruns\":");
    ASSERT_NE(end, std::string::npos) << log;
    EXPECT_GE(std::stoi(log.substr(end + 12)), after["engine"]["underruns"].get<int>()) << log.substr(end, 40);
    // The monitor: hum, about two seconds of silence, hum again.
    const auto left = rec.channel(0);
    const size_t first = onset(left, 0, 0.2f);
    ASSERT_LT(first, left.size()) << "no hum arrived";
    size_t gap_start = first, longest = 0, run = 0;
    for (size_t i = first; i < left.size(); ++i) {
        run = std::abs(left[i]) < 1e-4f ? run + 1 : 0;
        if (run > longest) longest = run, gap_start = i + 1 - run;
    }
    EXPECT_NEAR(static_cast<double>(longest) / 48000, 2.0, 0.2) << "the pause is one silent stretch";
    EXPECT_LT(onset(left, gap_start + longest, 0.2f), left.size()) << "the hum came back after resume";
}

}  // namespace
}  // namespace simvx::test
