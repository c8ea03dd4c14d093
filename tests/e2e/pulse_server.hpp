// A private PulseAudio daemon for one test suite: its own runtime folder, a
// null sink, a low-latency silent stream that keeps the sink's blocks short,
// and a recorder of the sink's monitor.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>
#include <string>

#include "support/audio.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx::test {

class PulseServer {
public:
    static constexpr const char* kSink = "simvx_e2e";

    // Starts the daemon and points PULSE_SERVER/XDG_RUNTIME_DIR of this
    // process (and so of the programs it runs) at it. Throws when it does not come up.
    PulseServer();
    ~PulseServer();
    static bool available();  // pulseaudio and pactl are installed

    // Records the monitor of `sink` (`channels` of it, in that sink's
    // `channel_map`, PulseAudio's names: empty for the default) while `play`
    // runs, plus a moment before and after.
    template <typename F>
    Pcm record_while(F&& play, const std::string& sink = kSink, uint32_t channels = 2, const std::string& channel_map = {});
    // Another null sink, of `channels` in `channel_map` (PulseAudio's names,
    // comma-separated), kept busy by a silent low-latency stream as the
    // first. Gone when the daemon is restarted.
    void add_sink(const std::string& name, uint32_t channels, const std::string& channel_map);

    void kill_daemon();
    // SIGSTOP / SIGCONT the daemon: a server that stops answering, then comes back.
    void pause_daemon();
    void resume_daemon();
    // Starts the daemon again (same socket, same sink) after kill_daemon().
    void start_daemon();
    // The daemon's log so far.
    std::string log() const;

private:
    void start_recorder(const std::string& path, const std::string& sink, uint32_t channels, const std::string& channel_map);
    Pcm stop_recorder(const std::string& path, uint32_t channels);
    static void wait_for_frames(const std::string& path, uintmax_t from, double seconds, double timeout_s, uint32_t channels);
    void keep_busy(const std::string& sink, uint32_t channels, const std::string& channel_map);

    TempDir dir_;
    std::unique_ptr<Child> daemon_;
    std::vector<std::unique_ptr<Child>> keepalive_;
    std::unique_ptr<Child> recorder_;
};

// First and last frame above a threshold on channel 0 of a recording
// (first == frames() when nothing arrived).
inline std::pair<size_t, size_t> active_span(const Pcm& p, float threshold = 1e-3f) {
    const auto l = p.channel(0);
    size_t first = l.size(), last = 0;
    for (size_t i = 0; i < l.size(); ++i)
        if (std::fabs(l[i]) > threshold) {
            first = std::min(first, i);
            last = i;
        }
    return {first, last};
}

// A test suite with its own daemon, started once for the suite; its tests
// are skipped where pulseaudio is not installed.
class PulseTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (PulseServer::available()) server = new PulseServer();
    }
    static void TearDownTestSuite() {
        delete server;
        server = nullptr;
    }
    void SetUp() override {
        if (!server) GTEST_SKIP() << "pulseaudio is not installed";
    }
    // A sine at amplitude 0.5 with a short fade-in, so the only possible step is at the end.
    std::string tone(const std::string& name, double seconds) {
        const std::string path = dir / name;
        sh("sox -n -r 48000 -c 2 -b 16 " + path + " synth " + std::to_string(seconds) + " sine 500 vol 0.5 fade h 0.01");
        return path;
    }
    static double seconds_since(std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    }
    static inline PulseServer* server = nullptr;
    TempDir dir;
};

template <typename F>
Pcm PulseServer::record_while(F&& play, const std::string& sink, uint32_t channels, const std::string& channel_map) {
    const std::string path = dir_ / "monitor.raw";
    start_recorder(path, sink, channels, channel_map);
    play();
    return stop_recorder(path, channels);
}

}  // namespace simvx::test
