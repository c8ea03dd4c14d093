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
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRate = 48000;
constexpr int kWriteFrames = 240;        // 5 ms
constexpr int kClickEvery = kRate / 2;   // frames between clicks
constexpr int16_t kClick = 29000;

// Starts argv with its stdin or stdout connected to the returned fd.
pid_t spawn(const std::vector<std::string>& argv, int& fd, bool feed_stdin) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) std::exit(1);
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(feed_stdin ? p[0] : p[1], feed_stdin ? 0 : 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(feed_stdin ? p[0] : p[1]);
    fd = feed_stdin ? p[1] : p[0];
    return pid;
}

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

    int rec_fd = -1, play_fd = -1;
    const pid_t rec = spawn({"parec", "--device=" + sink + ".monitor", "--latency-msec=5", "--format=s16le",
                             "--rate=48000", "--channels=1", "--raw"},
                            rec_fd, false);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const pid_t play = spawn({bin, "--stream", "-", "--stream-buffer-ms", buffer_ms, "--stream-channels", "1",
                              "--latency-ms", "20", "-q"},
                             play_fd, true);

    std::mutex m;
    std::vector<Clock::time_point> written, heard;
    std::atomic<bool> done{false};

    std::thread recorder([&] {
        std::vector<int16_t> buf(4096);
        bool quiet = true;
        size_t carry = 0;  // a byte of a sample split across reads
        std::vector<uint8_t> bytes(buf.size() * 2 + 1);
        while (!done) {
            const ssize_t n = read(rec_fd, bytes.data() + carry, bytes.size() - carry);
            const auto now = Clock::now();
            if (n <= 0) break;
            const size_t total = carry + static_cast<size_t>(n), samples = total / 2;
            for (size_t i = 0; i < samples; ++i) {
                const int v = static_cast<int16_t>(bytes[2 * i] | bytes[2 * i + 1] << 8);
                if (quiet && std::abs(v) > kClick / 2) {
                    quiet = false;
                    // The click sounded (samples - i) samples before the end of this read.
                    const auto at = now - std::chrono::microseconds((samples - i) * 1000000 / kRate);
                    std::lock_guard lock(m);
                    heard.push_back(at);
                } else if (!quiet && std::abs(v) < 100) {
                    quiet = true;
                }
            }
            carry = total % 2;
            if (carry) bytes[0] = bytes[total - 1];
        }
    });

    // The producer: silence in real time, a 5 ms click (a square burst) every half second.
    std::vector<int16_t> silence(kWriteFrames, 0), click(kWriteFrames);
    for (int i = 0; i < kWriteFrames; ++i) click[i] = (i / 12) % 2 ? kClick : -kClick;
    auto next = Clock::now();
    const long total_frames = static_cast<long>(clicks + 2) * kClickEvery;
    for (long frame = 0; frame < total_frames; frame += kWriteFrames) {
        const bool is_click = frame > kClickEvery && frame % kClickEvery == 0;
        const auto& chunk = is_click ? click : silence;
        if (write(play_fd, chunk.data(), chunk.size() * 2) != static_cast<ssize_t>(chunk.size() * 2)) break;
        if (is_click) {
            std::lock_guard lock(m);
            written.push_back(Clock::now());
        }
        next += std::chrono::microseconds(kWriteFrames * 1000000 / kRate);
        std::this_thread::sleep_until(next);
    }
    close(play_fd);
    int status = 0;
    waitpid(play, &status, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    done = true;
    kill(rec, SIGINT);
    waitpid(rec, nullptr, 0);
    recorder.join();

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
