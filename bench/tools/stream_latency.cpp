// Latency of live PCM input, from the moment bytes are written into
// `simvxplay --stream -` to the moment they sound at the PulseAudio sink.
//
// A producer writes silence paced in real time (5 ms writes, like a synthesizer
// would), with a click every half second; a recorder reads the sink's monitor
// (parec, 5 ms fragments) and notes when each click arrives, corrected for
// where in the fragment it lies. Each latency is arrival minus write time; the
// monitor's own delay is included, so the figures are upper bounds.
//
//   simvx_stream_latency SIMVXPLAY SINK [BUFFER_MS] [CLICKS]
// (bench/stream-latency.sh starts a private daemon with a null sink and runs this)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "click_recorder.hpp"

namespace {

using simvx::bench::Clock;
constexpr int kRate = 48000;
constexpr int kWriteFrames = 240;        // 5 ms
constexpr int kClickEvery = kRate / 2;   // frames between clicks
constexpr int16_t kClick = 29000;

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s SIMVXPLAY SINK [BUFFER_MS] [CLICKS]\n", argv[0]);
        return 2;
    }
    const std::string bin = argv[1], sink = argv[2];
    const std::string buffer_ms = argc > 3 ? argv[3] : "20";
    const int clicks = argc > 4 ? std::atoi(argv[4]) : 20;
    signal(SIGPIPE, SIG_IGN);

    simvx::bench::ClickRecorder recorder(sink, kRate, kClick / 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int play_fd = -1;
    const pid_t play = simvx::bench::spawn({bin, "--stream", "-", "--stream-buffer-ms", buffer_ms, "--stream-channels",
                                            "1", "--latency-ms", "20", "-q"},
                                           &play_fd, true);
    std::vector<Clock::time_point> written;

    // The producer: silence in real time, a 5 ms click (a square burst) every half second.
    std::vector<int16_t> silence(kWriteFrames, 0), click(kWriteFrames);
    for (int i = 0; i < kWriteFrames; ++i) click[i] = (i / 12) % 2 ? kClick : -kClick;
    auto next = Clock::now();
    const long total_frames = static_cast<long>(clicks + 2) * kClickEvery;
    for (long frame = 0; frame < total_frames; frame += kWriteFrames) {
        const bool is_click = frame > kClickEvery && frame % kClickEvery == 0;
        const auto& chunk = is_click ? click : silence;
        if (write(play_fd, chunk.data(), chunk.size() * 2) != static_cast<ssize_t>(chunk.size() * 2)) break;
        if (is_click) written.push_back(Clock::now());
        next += std::chrono::microseconds(kWriteFrames * 1000000 / kRate);
        std::this_thread::sleep_until(next);
    }
    close(play_fd);
    int status = 0;
    waitpid(play, &status, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    recorder.stop();
    const std::vector<Clock::time_point> heard = recorder.heard();

    std::vector<double> lat;
    for (size_t i = 0; i < std::min(written.size(), heard.size()); ++i) lat.push_back(ms(heard[i] - written[i]));
    if (lat.size() != written.size() || lat.empty()) {
        std::fprintf(stderr, "heard %zu of %zu clicks (simvxplay exit status %d)\n", heard.size(), written.size(),
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return 1;
    }
    std::vector<double> sorted = lat;
    std::sort(sorted.begin(), sorted.end());
    std::printf("--stream-buffer-ms %s, --latency-ms 20: %zu clicks, latency min %.1f ms, median %.1f ms, max %.1f ms\n",
                buffer_ms.c_str(), lat.size(), sorted.front(), sorted[sorted.size() / 2], sorted.back());
    return 0;
}
