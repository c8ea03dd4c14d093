#include "pulse_server.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace simvx::test {

bool PulseServer::available() { return have_tool("pulseaudio") && have_tool("pactl") && have_tool("parec"); }

PulseServer::PulseServer() {
    const std::string runtime = dir_ / "runtime";
    mkdir(runtime.c_str(), 0700);
    setenv("XDG_RUNTIME_DIR", runtime.c_str(), 1);
    setenv("HOME", dir_.path().c_str(), 1);  // the daemon writes its cookie under HOME
    setenv("PULSE_SERVER", ("unix:" + runtime + "/pulse/native").c_str(), 1);
    unsetenv("PULSE_RUNTIME_PATH");
    start_daemon();
}

void PulseServer::start_daemon() {
    daemon_ = std::make_unique<Child>(
        std::vector<std::string>{"pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
                                 "--use-pid-file=no", "--disable-shm",
                                 // norewinds: a rewind would rewrite what the monitor already
                                 // delivered, losing the start of each new stream from the recording.
                                 std::string("--load=module-null-sink sink_name=") + kSink + " rate=48000 channels=2 norewinds=1",
                                 "--load=module-native-protocol-unix"},
        dir_ / "pulseaudio.log");
    for (int i = 0; i < 100; ++i) {
        if (run({"pactl", "info"}, {}, 5).status == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (run({"pactl", "info"}, {}, 5).status != 0)
        throw std::runtime_error("private PulseAudio did not start:\n" + read_file(dir_ / "pulseaudio.log"));
    keep_busy(kSink, 2, {});
}

// The null sink renders in blocks of its current latency (up to 2 s): a
// low-latency silent stream keeps those blocks short.
void PulseServer::keep_busy(const std::string& sink, uint32_t channels, const std::string& channel_map) {
    std::vector<std::string> argv{"pacat", "--playback", "--device", sink, "--latency-msec=10", "--format=s16le",
                                  "--rate=48000", "--channels=" + std::to_string(channels), "--raw"};
    if (!channel_map.empty()) argv.push_back("--channel-map=" + channel_map);
    argv.push_back("/dev/zero");
    keepalive_.push_back(std::make_unique<Child>(argv));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

void PulseServer::add_sink(const std::string& name, uint32_t channels, const std::string& channel_map) {
    RunResult r = run({"pactl", "load-module", "module-null-sink", "sink_name=" + name, "rate=48000",
                       "channels=" + std::to_string(channels), "channel_map=" + channel_map, "norewinds=1"});
    if (r.status != 0) throw std::runtime_error("cannot add the sink " + name + ": " + r.err);
    keep_busy(name, channels, channel_map);
}

PulseServer::~PulseServer() {
    if (recorder_) recorder_->stop(SIGINT);
    kill_daemon();
    unsetenv("PULSE_SERVER");
}

void PulseServer::kill_daemon() {
    for (auto& k : keepalive_) k->stop();
    keepalive_.clear();
    if (daemon_) daemon_->stop(SIGKILL);
}

void PulseServer::pause_daemon() {
    if (daemon_) ::kill(daemon_->pid(), SIGSTOP);
}

void PulseServer::resume_daemon() {
    if (daemon_) ::kill(daemon_->pid(), SIGCONT);
}

std::string PulseServer::log() const { return read_file(dir_ / "pulseaudio.log"); }

void PulseServer::start_recorder(const std::string& path, const std::string& sink, uint32_t channels,
                                 const std::string& channel_map) {
    std::string command = "exec parec --device=" + sink + ".monitor --latency-msec=10 --format=float32le --rate=48000 " +
                          "--channels=" + std::to_string(channels) + " --raw";
    if (!channel_map.empty()) command += " --channel-map=" + channel_map;
    recorder_ = std::make_unique<Child>(std::vector<std::string>{"sh", "-c", command + " > '" + path + "'"});
    // Recording has begun once the monitor's (silent) frames arrive: waiting
    // for them, not for a fixed time, so that a loaded machine does not start
    // the recorder after the sound (a clip once arrived with only its tail).
    wait_for_frames(path, 0, 0.05, 10.0, channels);
}

// Waits until the recording at `path` holds `seconds` more than `from` bytes
// (the keep-alive stream keeps the monitor delivering), or `timeout_s` passed
// (a test that killed the daemon has no monitor any more).
void PulseServer::wait_for_frames(const std::string& path, uintmax_t from, double seconds, double timeout_s,
                                  uint32_t channels) {
    const auto want = from + static_cast<uintmax_t>(seconds * 48000) * 4 * channels;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                                  std::chrono::duration<double>(timeout_s));
    std::error_code ec;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto size = std::filesystem::file_size(path, ec);
        if (!ec && size >= want) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

Pcm PulseServer::stop_recorder(const std::string& path, uint32_t channels) {
    // Let the last blocks reach the monitor before stopping: 400 ms more of it.
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    wait_for_frames(path, ec ? 0 : size, 0.4, 3.0, channels);
    recorder_->stop(SIGINT);
    recorder_.reset();
    return from_f32le(read_file(path), 48000, channels);
}

}  // namespace simvx::test
