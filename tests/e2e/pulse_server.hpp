// A private PulseAudio daemon for one test suite: its own runtime folder, a
// null sink, a low-latency silent stream that keeps the sink's blocks short,
// and a recorder of the sink's monitor.
#pragma once
#include <memory>
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

    // Records the monitor while `play` runs, plus a moment before and after.
    template <typename F>
    Pcm record_while(F&& play);

    void kill_daemon();
    // Starts the daemon again (same socket, same sink) after kill_daemon().
    void start_daemon();
    // The daemon's log so far.
    std::string log() const;

private:
    void start_recorder(const std::string& path);
    Pcm stop_recorder(const std::string& path);

    TempDir dir_;
    std::unique_ptr<Child> daemon_;
    std::unique_ptr<Child> keepalive_;
    std::unique_ptr<Child> recorder_;
};

template <typename F>
Pcm PulseServer::record_while(F&& play) {
    const std::string path = dir_ / "monitor.raw";
    start_recorder(path);
    play();
    return stop_recorder(path);
}

}  // namespace simvx::test
