// --control against the real binary: a client on the socket (and on standard
// input) plays, moves and stops sounds in a --null mix that records what it
// played; the session's --record-control file then renders offline to the
// same samples. Bad clients and bad requests never disturb the mix.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli_support.hpp"
#include "support/control_client.hpp"

namespace simvx::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class ControlCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        sh("sox -n -r 48000 -c 1 -b 16 " + at("tone.wav") + " synth 0.5 sine 440 vol 0.5");
        sh("sox -n -r 48000 -c 1 -b 16 " + at("low.wav") + " synth 2 sine 220 vol 0.5");
    }
};

double worst_residual_db(const Pcm& a, const Pcm& b) {
    double worst = 0;
    for (size_t i = 0; i < std::min(a.samples.size(), b.samples.size()); ++i)
        worst = std::max(worst, std::abs(static_cast<double>(a.samples[i]) - b.samples[i]));
    return 20 * std::log10(worst + 1e-12);
}

// The issue's acceptance test: a live session driven over the socket, then
// rendered again from what it recorded: the same samples, the same length.
TEST_F(ControlCli, ALiveSessionRendersAgainSampleExact) {
    const std::string sock = at("mix.sock");
    Child player({bin(), "--null", "--control", sock, "--record", at("live.wav"), "--record-control", at("session.jsonl"),
                  "--latency-ms", "10"},
                 at("player.log"));
    ControlClient c(sock);
    ASSERT_TRUE(c.ask({{"cmd", "subscribe"}})["ok"]);
    json r = c.ask({{"cmd", "load"}, {"name", "low"}, {"file", at("low.wav")}});
    ASSERT_TRUE(r["ok"]) << r.dump();
    const double now = c.ask({{"cmd", "get"}, {"what", "position"}})["position"];
    r = c.ask({{"cmd", "play"}, {"sound", "low"}, {"loop", true}, {"volume_db", -6}});
    ASSERT_TRUE(r["ok"]) << r.dump();
    const int bed = r["voice"];
    r = c.ask({{"cmd", "play"}, {"file", at("tone.wav")}, {"at", now + 0.3}, {"pan", -0.5}});
    ASSERT_TRUE(r["ok"]) << r.dump();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE(c.ask({{"cmd", "set"}, {"voice", bed}, {"pan", 1}, {"ramp", 0.2}})["ok"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(c.ask({{"cmd", "bus"}, {"bus", "Master"}, {"volume_db", -3}, {"ramp", 0.1}})["ok"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(c.ask({{"cmd", "stop"}, {"voice", bed}, {"ramp", 0.1}})["ok"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(c.ask({{"cmd", "quit"}})["ok"]);
    ASSERT_EQ(player.stop(0, 10), 0) << read_file(at("player.log"));
    // Voice events in order: the bed started, the tone started and ended, the bed ended.
    std::vector<std::string> seen;
    try {
        while (true) {
            json e = json::parse(c.line());
            if (e.contains("event") && e["event"] == "voice") c.events.push_back(e);
        }
    } catch (const std::exception&) {  // closed at exit
    }
    for (const auto& e : c.events)
        if (e["event"] == "voice") seen.push_back(e["state"].get<std::string>() + std::to_string(e["voice"].get<int>()));
    const std::vector<std::string> want = {"started0", "started1", "ended1", "ended0"};
    EXPECT_EQ(seen, want) << read_file(at("session.jsonl"));

    RunResult render = simvx({"--control-script", at("session.jsonl"), "--render", at("again.wav"), "--render-format", "f32"});
    ASSERT_EQ(render.status, 0) << render.err;
    const Pcm live = sox_read(at("live.wav")), again = sox_read(at("again.wav"));
    EXPECT_EQ(live.frames(), again.frames());
    EXPECT_GT(peak_db(live.samples), -10);
    EXPECT_LT(worst_residual_db(live, again), -90) << read_file(at("session.jsonl"));
}

TEST_F(ControlCli, StandardInputTakesCommandsAndEndsWhenItIsDone) {
    const std::string requests =
        R"({"id":1,"cmd":"play","file":")" + at("tone.wav") + R"(","pan":-1})" "\n"
        R"({"id":2,"cmd":"plya"})" "\n";
    RunResult r = simvx({"--null", "--control", "-", "--record", at("rec.wav")}, requests, 30);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find(R"({"id":1,"ok":true,"voice":0})"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(R"(did you mean 'play'?)"), std::string::npos) << r.out;
    // The tone played on the left, for its half second, and then the run ended.
    const Pcm rec = sox_read(at("rec.wav"));
    EXPECT_GT(peak_db(rec.channel(0)), -7);
    EXPECT_LT(peak_db(rec.channel(1)), -100);
    EXPECT_LT(rec.frames(), 48000u * 2);
}

TEST_F(ControlCli, TheSocketIsPrivateOneInstanceOwnsItAndStaleOnesAreReplaced) {
    const std::string sock = at("mix.sock");
    {
        Child first({bin(), "--null", "--control", sock}, at("first.log"));
        ControlClient c(sock);
        struct stat st{};
        ASSERT_EQ(::stat(sock.c_str(), &st), 0);
        EXPECT_TRUE(S_ISSOCK(st.st_mode));
        EXPECT_EQ(st.st_mode & 0777, 0600u);
        RunResult second = simvx({"--null", "--control", sock});
        EXPECT_EQ(second.status, 2) << second.err;
        EXPECT_NE(second.err.find(sock), std::string::npos) << second.err;
        EXPECT_TRUE(c.ask({{"cmd", "ping"}})["ok"]);  // the first one is undisturbed
        first.stop(9);                                // killed: the socket file stays behind
    }
    ASSERT_TRUE(fs::exists(sock));
    {
        Child again({bin(), "--null", "--control", sock}, at("again.log"));
        ControlClient c(sock);
        EXPECT_EQ(c.ask({{"cmd", "version"}})["protocol"], 1);
        c.ask({{"cmd", "quit"}});
        EXPECT_EQ(again.stop(0, 10), 0);
    }
    EXPECT_FALSE(fs::exists(sock));  // removed at exit
    write_file(at("not-a-socket"), "keep me");
    RunResult r = simvx({"--null", "--control", at("not-a-socket")});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(read_file(at("not-a-socket")), "keep me");
}

// Garbage, a line of megabytes, a client that hangs up mid-line and one that
// never reads: each is answered or cut off, the mix plays on without an
// underrun, and the next good request works.
TEST_F(ControlCli, HostileClientsNeverDisturbTheMix) {
    const std::string sock = at("mix.sock");
    // A 100 ms device: what is measured is the control path, not how late a
    // loaded (sanitizer) build wakes the audio thread.
    Child player({bin(), "--null", "--latency-ms", "100", "--control", sock, "--json"}, at("player.log"));
    ControlClient c(sock);
    ASSERT_TRUE(c.ask({{"cmd", "play"}, {"file", at("low.wav")}, {"loop", true}})["ok"]);
    c.send_raw("{not json\n");
    EXPECT_NE(c.line().find("not valid JSON"), std::string::npos);
    c.send_raw(std::string(3 << 20, 'x') + "\n");
    EXPECT_NE(c.line().find("too long"), std::string::npos);
    {
        ControlClient gone(sock);
        gone.send_raw(R"({"cmd":"qu)");  // and hangs up
    }
    {
        ControlClient deaf(sock);  // asks for a flood of replies and never reads them
        std::string flood;
        for (int i = 0; i < 20000; ++i) flood += R"({"cmd":"get"})" "\n";
        deaf.send_raw(flood);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    json r = c.ask({{"cmd", "get"}, {"what", {"engine", "voices"}}});
    ASSERT_TRUE(r["ok"]) << r.dump();
    EXPECT_EQ(r["engine"]["underruns"], 0);
    EXPECT_EQ(r["voices"].size(), 1u);
    EXPECT_TRUE(c.ask({{"cmd", "quit"}})["ok"]);
    EXPECT_EQ(player.stop(0, 10), 0) << read_file(at("player.log"));
}

// Pausing the whole mix holds scene time where it is and renders silence:
// no underrun is counted on the (simulated) device meanwhile, and the mix
// resumes from the same point.
TEST_F(ControlCli, PausingHoldsTheMixWithoutUnderruns) {
    const std::string sock = at("mix.sock");
    Child player({bin(), "--null", "--latency-ms", "100", "--device", "jitter:0.5", "--control", sock}, at("player.log"));
    ControlClient c(sock);
    ASSERT_TRUE(c.ask({{"cmd", "play"}, {"file", at("low.wav")}, {"loop", true}})["ok"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE(c.ask({{"cmd", "pause"}})["ok"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(350));  // the fade, and a period or two
    const double held = c.ask({{"cmd", "get"}, {"what", "position"}})["position"];
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    json r = c.ask({{"cmd", "get"}, {"what", {"position", "engine"}}});
    EXPECT_EQ(r["position"], held);
    EXPECT_EQ(r["paused"], true);
    EXPECT_EQ(r["engine"]["underruns"], 0);
    ASSERT_TRUE(c.ask({{"cmd", "resume"}})["ok"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    r = c.ask({{"cmd", "get"}, {"what", {"position", "engine"}}});
    EXPECT_GT(r["position"].get<double>(), held + 0.1);
    EXPECT_EQ(r["engine"]["underruns"], 0);
    EXPECT_TRUE(c.ask({{"cmd", "quit"}})["ok"]);
    EXPECT_EQ(player.stop(0, 10), 0) << read_file(at("player.log"));
}

// A controlled mix goes on past the end of the scene's own sounds and
// streams: a script plays a sound after a short stream has ended, and the
// render ends where the script's quit says.
TEST_F(ControlCli, AControlledMixOutlivesItsStreams) {
    sh("sox -n -r 48000 -c 2 -b 16 -t raw " + at("voice.raw") + " synth 0.2 sine 300 vol 0.5");
    write_file(at("script.jsonl"), "{\"frame\":48000,\"cmd\":\"play\",\"file\":\"" + at("tone.wav") +
                                       "\"}\n{\"frame\":72000,\"cmd\":\"quit\"}\n");
    RunResult r = simvx({"--stream", at("voice.raw"), "--control-script", at("script.jsonl"), "--render", at("o.wav"),
                         "--render-format", "f32"});
    ASSERT_EQ(r.status, 0) << r.err;
    const Pcm out = sox_read(at("o.wav"));
    EXPECT_EQ(out.frames(), 72000u + 721u);  // the quit's 15 ms fade
    const auto left = out.channel(0);
    EXPECT_GT(peak_db(std::span<const float>(left).subspan(0, 9600)), -7);        // the stream
    EXPECT_LT(peak_db(std::span<const float>(left).subspan(12000, 36000)), -120);  // nothing between
    EXPECT_GT(peak_db(std::span<const float>(left).subspan(48000, 24000)), -7);    // the scripted play
}

TEST_F(ControlCli, BadOptionCombinationsAreUsageErrors) {
    RunResult r = simvx({"--control", at("s"), "--render", at("o.wav")});
    EXPECT_EQ(r.status, 2);
    r = simvx({"--control", "-", "--stream", "-", "--null"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("both read standard input"), std::string::npos) << r.err;
    r = simvx({at("tone.wav"), "--null", "--record-control", at("x.jsonl")});
    EXPECT_EQ(r.status, 2);
    write_file(at("bad.jsonl"), "{\"frame\":10,\"cmd\":\"quit\"}\n{\"frame\":5,\"cmd\":\"quit\"}\n");
    r = simvx({"--control-script", at("bad.jsonl"), "--render", at("o.wav")});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("bad.jsonl:2: frame 5 comes before the previous line's 10"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(at("o.wav")));
}

// Live meters over the socket: a half-scale tone 6 dB down reads -12 dBFS
// peak on its bus and the output, ten times a second of scene time.
TEST_F(ControlCli, MetersEventsReportTheBusLevelsLive) {
    const std::string sock = at("mix.sock");
    Child player({bin(), "--null", "--control", sock, "--latency-ms", "100"}, at("player.log"));
    ControlClient c(sock);
    json r = c.ask({{"cmd", "subscribe"}, {"events", "meters"}, {"interval", 0.1}});
    ASSERT_TRUE(r["ok"]) << r.dump();
    ASSERT_TRUE(c.ask({{"cmd", "play"}, {"file", at("low.wav")}, {"loop", true}, {"volume_db", -6}})["ok"]);
    std::vector<json> meters;
    while (meters.size() < 12) {
        json e = json::parse(c.line());
        if (e.value("event", "") == "meters") meters.push_back(e);
    }
    ASSERT_TRUE(c.ask({{"cmd", "quit"}})["ok"]);
    EXPECT_EQ(player.stop(0, 10), 0) << read_file(at("player.log"));
    // The last few are all tone (the first may straddle the start).
    for (size_t i = 8; i < meters.size(); ++i) {
        EXPECT_NEAR(meters[i]["position"].get<double>() - meters[i - 1]["position"].get<double>(), 0.1, 0.06);
        EXPECT_EQ(meters[i]["buses"][0]["bus"], "Master");
        EXPECT_NEAR(meters[i]["buses"][0]["peak_db"].get<double>(), -12.04, 0.1) << meters[i].dump();
        EXPECT_NEAR(meters[i]["buses"][0]["rms_db"].get<double>(), -15.05, 0.15) << meters[i].dump();
    }
}


// Transport under control, live and replayed: a scene of four one-second
// tones (300, 600, 900, 1200 Hz, on the right) while a control voice plays on
// the left; the client seeks, pauses the whole mix, resumes and seeks back.
// The recorded session renders again to the same samples, silence held by
// the pause included.
class ControlTransport : public ControlCli {
protected:
    void SetUp() override {
        ControlCli::SetUp();
        std::string parts;
        for (int f : {300, 600, 900, 1200}) {
            const std::string part = at("part" + std::to_string(f) + ".wav");
            sh("sox -D -n -r 48000 -c 1 -b 16 " + part + " synth 1 sine " + std::to_string(f) + " vol 0.5");
            parts += part + " ";
        }
        sh("sox " + parts + at("steps.wav"));
        write_file(at("scene.toml"), "version = 1\n[[sound]]\nfile = \"steps.wav\"\npan = 1\n");
    }
};

std::vector<json> read_lines(const std::string& path) {
    std::vector<json> out;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

std::vector<float> frames_of(const std::vector<float>& x, size_t from, size_t n) {
    return {x.begin() + static_cast<std::ptrdiff_t>(std::min(from, x.size())),
            x.begin() + static_cast<std::ptrdiff_t>(std::min(from + n, x.size()))};
}

TEST_F(ControlTransport, SeeksAndAPauseRenderAgainSampleExact) {
    const std::string sock = at("mix.sock");
    Child player({bin(), at("scene.toml"), "--null", "--control", sock, "--record", at("live.wav"), "--record-control",
                  at("session.jsonl"), "--latency-ms", "10"},
                 at("player.log"));
    ControlClient c(sock);
    ASSERT_TRUE(c.ask({{"cmd", "play"}, {"file", at("low.wav")}, {"loop", true}, {"pan", -1}})["ok"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    json r = c.ask({{"cmd", "seek"}, {"to", 2.5}});
    ASSERT_TRUE(r["ok"]) << r.dump();
    const double after_seek = c.ask({{"cmd", "get"}, {"what", "position"}})["position"];
    EXPECT_GE(after_seek, 2.5);
    EXPECT_LT(after_seek, 2.6);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(c.ask({{"cmd", "pause"}})["ok"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ASSERT_TRUE(c.ask({{"cmd", "resume"}})["ok"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    r = c.ask({{"cmd", "seek"}, {"by", -2.0}});
    ASSERT_TRUE(r["ok"]) << r.dump();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(c.ask({{"cmd", "quit"}})["ok"]);
    ASSERT_EQ(player.stop(0, 10), 0) << read_file(at("player.log"));

    // What the session recorded: the seeks where they went, the held silence with the resume.
    const auto lines = read_lines(at("session.jsonl"));
    ASSERT_EQ(lines.size(), 6u) << read_file(at("session.jsonl"));
    EXPECT_EQ(lines[1]["cmd"], "seek");
    EXPECT_EQ(lines[1]["to"], 2.5);
    EXPECT_EQ(lines[3]["cmd"], "resume");
    const uint64_t held = lines[3]["held"];
    EXPECT_GT(held, 48000u * 0.3);  // about 0.4 s, less the fade
    EXPECT_EQ(lines[4]["cmd"], "seek");
    const double back = lines[4]["to"];
    EXPECT_GT(back, 0.9);
    EXPECT_LT(back, 1.9);

    // Live: 900 Hz after the first seek, the pause's silence (as long as
    // recorded), 600 Hz after the seek back; the control voice (220 Hz) throughout.
    const Pcm live = sox_read(at("live.wav"));
    const auto left = live.channel(0), right = live.channel(1);
    const size_t landed = static_cast<size_t>(lines[1]["frame"].get<uint64_t>()) + 720;
    EXPECT_NEAR(peak_frequency(frames_of(right, landed + 1440, 9600), 48000), 900, 10);
    EXPECT_NEAR(peak_frequency(frames_of(left, landed + 1440, 9600), 48000), 220, 10);
    size_t longest = 0;
    for (size_t i = 0, run = 0; i < live.frames(); ++i) {
        run = live.samples[2 * i] == 0.0f && live.samples[2 * i + 1] == 0.0f ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    EXPECT_GE(longest, held);
    EXPECT_LE(longest, held + 2);
    EXPECT_NEAR(peak_frequency(frames_of(right, live.frames() - 6000, 4800), 48000), 600, 10);

    // Replayed offline: the same samples, the same length.
    RunResult render = simvx({at("scene.toml"), "--control-script", at("session.jsonl"), "--render", at("again.wav"),
                              "--render-format", "f32"});
    ASSERT_EQ(render.status, 0) << render.err;
    const Pcm again = sox_read(at("again.wav"));
    EXPECT_EQ(live.frames(), again.frames());
    EXPECT_LT(worst_residual_db(live, again), -90) << read_file(at("session.jsonl"));
}

// A script written by hand: "held" holds a paused mix for that many output
// frames, and the lines after a seek count from where it went.
TEST_F(ControlTransport, AHandWrittenScriptHoldsAPauseAndSeeksBack) {
    write_file(at("script.jsonl"),
               "{\"frame\":24000,\"cmd\":\"pause\"}\n"
               "{\"frame\":24720,\"held\":48000,\"cmd\":\"resume\"}\n"
               "{\"frame\":96000,\"cmd\":\"seek\",\"to\":0.25}\n"
               "{\"frame\":36000,\"cmd\":\"quit\"}\n");
    RunResult r = simvx({at("scene.toml"), "--control-script", at("script.jsonl"), "--render", at("o.wav"),
                         "--render-format", "f32"});
    ASSERT_EQ(r.status, 0) << r.err;
    const Pcm out = sox_read(at("o.wav"));
    // Scene 0..0.515 s (with the pause's fade), 48000 held frames, on to 2 s
    // and the seek's fade, then from 0.25 s to the quit at 0.75 s and its fade.
    const size_t pause_end = 24720 + 48000, landed = pause_end + (96000 - 24720) + 720;
    EXPECT_EQ(out.frames(), landed + (36000 - 12000) + 721);
    const auto right = out.channel(1);
    const auto held = frames_of(right, 24720, 48000);
    EXPECT_TRUE(std::all_of(held.begin(), held.end(), [](float x) { return x == 0.0f; }));
    EXPECT_GT(std::abs(right[pause_end + 2040]), 0.4f);  // a crest of the 300 Hz tone: playing again
    EXPECT_NEAR(peak_frequency(frames_of(right, pause_end + 1440, 9600), 48000), 300, 10);
    EXPECT_NEAR(peak_frequency(frames_of(right, landed - 10000, 9000), 48000), 600, 10);
    EXPECT_NEAR(peak_frequency(frames_of(right, landed + 1440, 9600), 48000), 300, 10);
    // Out of order within a stretch of scene time is still refused, with the line.
    write_file(at("bad.jsonl"), "{\"frame\":24000,\"cmd\":\"pause\"}\n{\"frame\":24000,\"held\":5,\"cmd\":\"resume\"}\n"
                                "{\"frame\":24000,\"cmd\":\"quit\"}\n");
    r = simvx({at("scene.toml"), "--control-script", at("bad.jsonl"), "--render", at("bad.wav")});
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("bad.jsonl:3: frame 24000 comes before the previous line's 24000 (held 5)"), std::string::npos)
        << r.err;
}

}  // namespace
}  // namespace simvx::test
