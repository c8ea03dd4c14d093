// Command to sound: from the moment a client writes a `play` request to a
// running `simvxplay --control SOCKET` (an empty mix at --latency-ms 20) to
// the moment the sound is heard at the PulseAudio sink.
//
// The tool writes a click (a 5 ms square burst) as a WAV file, loads it by
// name, then plays it every half second; a recorder reads the sink's monitor
// (parec, 5 ms fragments) and notes when each click arrives, corrected for
// where in the fragment it lies. Each latency is arrival minus the request's
// write time; the monitor's own delay is included, so the figures are upper
// bounds.
//
//   simvx_control_latency SIMVXPLAY SINK [CLICKS]
// (bench/control-latency.sh starts a private daemon with a null sink and runs this)
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "click_recorder.hpp"

namespace {

using simvx::bench::Clock;
constexpr int kRate = 48000;
constexpr int16_t kClick = 29000;

// A mono 16-bit WAV of a 5 ms square burst at full level.
void write_click(const std::string& path) {
    std::vector<int16_t> s(kRate / 200);
    for (size_t i = 0; i < s.size(); ++i) s[i] = (i / 12) % 2 ? kClick : -kClick;
    const uint32_t data = static_cast<uint32_t>(s.size() * 2);
    std::ofstream f(path, std::ios::binary);
    auto u32 = [&](uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
    auto u16 = [&](uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
    f.write("RIFF", 4);
    u32(36 + data);
    f.write("WAVEfmt ", 8);
    u32(16);
    u16(1);
    u16(1);
    u32(kRate);
    u32(kRate * 2);
    u16(2);
    u16(16);
    f.write("data", 4);
    u32(data);
    f.write(reinterpret_cast<const char*>(s.data()), data);
}

int connect_to(const std::string& path) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
        if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
        close(fd);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
}

// Sends one request line and returns its reply line.
std::string request(int fd, const std::string& line) {
    const std::string out = line + "\n";
    if (write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) return {};
    std::string reply;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') reply += c;
    return reply;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s SIMVXPLAY SINK [CLICKS]\n", argv[0]);
        return 2;
    }
    const std::string bin = argv[1], sink = argv[2];
    const int clicks = argc > 3 ? std::atoi(argv[3]) : 20;
    signal(SIGPIPE, SIG_IGN);
    char dir_template[] = "/tmp/simvx-control-latency-XXXXXX";
    const std::string dir = mkdtemp(dir_template);
    const std::string sock = dir + "/mix.sock", click = dir + "/click.wav";
    write_click(click);

    simvx::bench::ClickRecorder recorder(sink, kRate, kClick / 4);  // a centred mono click: -3 dB per channel
    const pid_t player = simvx::bench::spawn({bin, "--control", sock, "--latency-ms", "20", "-q"});
    const int fd = connect_to(sock);
    if (fd < 0 || request(fd, R"({"cmd":"load","name":"click","file":")" + click + "\"}").find("\"ok\":true") ==
                      std::string::npos) {
        std::fprintf(stderr, "could not load the click into simvxplay --control %s\n", sock.c_str());
        kill(player, SIGTERM);
        return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the stream and the recorder settle

    std::vector<Clock::time_point> written;
    std::vector<std::string> failures;
    for (int i = 0; i < clicks; ++i) {
        const auto t = Clock::now();
        written.push_back(t);
        const std::string reply = request(fd, R"({"cmd":"play","sound":"click"})");
        if (reply.find("\"ok\":true") == std::string::npos) failures.push_back(reply);
        std::this_thread::sleep_until(t + std::chrono::milliseconds(500));
    }
    request(fd, R"({"cmd":"quit"})");
    close(fd);
    int status = 0;
    waitpid(player, &status, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    recorder.stop();
    const std::vector<Clock::time_point> heard = recorder.heard();
    unlink(click.c_str());
    rmdir(dir.c_str());

    if (!failures.empty()) {
        std::fprintf(stderr, "%zu plays failed, e.g. %s\n", failures.size(), failures.front().c_str());
        return 1;
    }
    std::vector<double> lat;
    for (size_t i = 0; i < std::min(written.size(), heard.size()); ++i) lat.push_back(ms(heard[i] - written[i]));
    if (lat.size() != written.size() || lat.empty()) {
        std::fprintf(stderr, "heard %zu of %zu clicks\n", heard.size(), written.size());
        return 1;
    }
    std::vector<double> sorted = lat;
    std::sort(sorted.begin(), sorted.end());
    std::printf("play request → sound at the sink, --latency-ms 20: %zu clicks, min %.1f ms, median %.1f ms, max %.1f ms\n",
                lat.size(), sorted.front(), sorted[sorted.size() / 2], sorted.back());
    return 0;
}
