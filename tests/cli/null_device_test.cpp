// --null --device MODE: the simulated device's stalls, losses and jitter
// reach the reports a real device's would (--json events, the warnings),
// and the audio is never the worse for them: what the null output was given
// (--record) equals the offline render of the same scene.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

class NullDeviceCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    // A 440 Hz tone of `seconds`, and a scene that plays it.
    std::string tone_scene(double seconds) {
        sh("sox -n -r 48000 -c 2 -b 16 " + at("tone.wav") + " synth " + std::to_string(seconds) + " sine 440 vol 0.5");
        write_file(at("scene.toml"), "version = 1\n[[sound]]\nfile = \"tone.wav\"\n");
        return at("scene.toml");
    }
    // The largest sample difference between the recording and the render, in dB.
    double residual_db(const Pcm& a, const Pcm& b) {
        EXPECT_EQ(a.samples.size(), b.samples.size());
        double worst = 0;
        for (size_t i = 0; i < std::min(a.samples.size(), b.samples.size()); ++i)
            worst = std::max(worst, std::abs(static_cast<double>(a.samples[i]) - b.samples[i]));
        return 20 * std::log10(worst + 1e-12);
    }
};

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

TEST_F(NullDeviceCli, ALostDeviceIsReportedAndNotAFrameIsLost) {
    const std::string scene = tone_scene(1.2);
    RunResult r = simvx({scene, "--null", "--device", "lost:0.5:0.2", "--json", "--record", at("rec.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    // Away after 0.5 and 1.0 s of audio: two reconnect events, and the warning.
    EXPECT_EQ(count_of(r.out, "\"type\":\"reconnect\""), 2u) << r.out;
    EXPECT_NE(r.err.find("the output device went away; playback resumed twice"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("\"output\":\"null output, 20 ms periods, lost for 0.2 s every 0.5 s\""), std::string::npos) << r.out;
    const Pcm rendered = render_f32(scene, at("ref.wav"));
    EXPECT_LT(residual_db(sox_read(at("rec.wav")), rendered), -90.0);
}

TEST_F(NullDeviceCli, AStalledDeviceCountsUnderrunsInEveryReport) {
    const std::string scene = tone_scene(1.0);
    RunResult r = simvx({scene, "--null", "--device", "stall:0.3:0.1", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    // Three stalls of five periods each (at 0.3, 0.6 and 0.9 s): at least three underruns,
    // as events with a running total, in the end's status and as the warning.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex("([0-9]+) underruns: the machine could not render in time"))) << r.err;
    const int total = std::stoi(m[1]);
    EXPECT_GE(total, 3);
    EXPECT_GE(count_of(r.out, "\"type\":\"underrun\""), 1u) << r.out;
    EXPECT_NE(r.out.find("\"total\":" + std::to_string(total)), std::string::npos) << r.out;
}

TEST_F(NullDeviceCli, UntimedAndJitteredDevicesPlayTheWholeScene) {
    tone_scene(20.0);
    // Twenty seconds through the live path with no clock: done in a fraction of that, to the end.
    RunResult r = simvx({at("scene.toml"), "--null", "--device", "untimed", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_LT(r.seconds, 10.0);
    EXPECT_NE(r.out.find("{\"type\":\"end\",\"position\":20,"), std::string::npos) << r.out;
    // Jittered wake-ups: what the device was given is exactly the render.
    write_file(at("short.toml"), "version = 1\n[engine]\nduration = 1\n[[sound]]\nfile = \"tone.wav\"\n");
    const Pcm short_render = render_f32(at("short.toml"), at("short.wav"));
    r = simvx({at("short.toml"), "--null", "--device", "jitter:0.9", "--latency-ms", "10", "--record", at("jitter.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_LT(residual_db(sox_read(at("jitter.wav")), short_render), -90.0);
}

TEST_F(NullDeviceCli, AWrongModeFailsBeforePlayingWithASuggestion) {
    const std::string scene = tone_scene(0.2);
    RunResult r = simvx({scene, "--null", "--device", "stal"});
    EXPECT_EQ(r.status, 4);
    EXPECT_NE(r.err.find("null device 'stal': no such mode of the null output; did you mean 'stall'?"), std::string::npos) << r.err;
    r = simvx({scene, "--render", at("o.wav"), "--device", "x"});
    EXPECT_EQ(r.status, 2) << r.err;  // a render has no device
}

// Every output answers, and one that cannot (no server here) says why in its
// place while the others are still listed.
TEST_F(NullDeviceCli, ListDevicesAsksEveryOutput) {
    RunResult r = run({"env", "PULSE_SERVER=unix:" + at("nobody-here"), bin(), "--list-devices"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("pulse: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("no PulseAudio server"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("null: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("* realtime"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  stall[:EVERY[:FOR]]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("file: "), std::string::npos) << r.out;
    r = run({"env", "PULSE_SERVER=unix:" + at("nobody-here"), bin(), "--list-devices", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    write_file(at("devices.json"), r.out);
    RunResult check = run({"python3", "-c",
                           "import json,sys; o=json.load(open(sys.argv[1])); "
                           "names=[x['name'] for x in o['outputs']]; assert names==['pulse','null','file'], names; "
                           "assert 'error' in o['outputs'][0]; "
                           "assert [d['name'] for d in o['outputs'][1]['devices'] if d['default']]==['realtime']; "
                           "assert o['outputs'][2]['offline'] is True",
                           at("devices.json")});
    EXPECT_EQ(check.status, 0) << check.err << r.out;
}

}  // namespace
}  // namespace simvx::test
