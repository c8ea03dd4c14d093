// Records a PulseAudio sink's monitor (parec, 5 ms fragments, mono s16) on a
// thread and notes when each click arrives: the first sample past
// `threshold` after a quiet stretch, its time corrected for where in the
// fragment it lies. Shared by the latency tools (stream and control).
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace simvx::bench {

using Clock = std::chrono::steady_clock;

// Starts argv; with `fd`, its stdin (feed_stdin) or stdout is connected to the returned *fd.
inline pid_t spawn(const std::vector<std::string>& argv, int* fd = nullptr, bool feed_stdin = false) {
    int p[2] = {-1, -1};
    if (fd && pipe2(p, O_CLOEXEC) != 0) std::exit(1);
    const pid_t pid = fork();
    if (pid == 0) {
        if (fd) dup2(feed_stdin ? p[0] : p[1], feed_stdin ? 0 : 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    if (fd) {
        close(feed_stdin ? p[0] : p[1]);
        *fd = feed_stdin ? p[1] : p[0];
    }
    return pid;
}

class ClickRecorder {
public:
    ClickRecorder(const std::string& sink, int rate, int threshold) : rate_(rate), threshold_(threshold) {
        pid_ = spawn({"parec", "--device=" + sink + ".monitor", "--latency-msec=5", "--format=s16le",
                      "--rate=" + std::to_string(rate), "--channels=1", "--raw"},
                     &fd_);
        thread_ = std::thread([this] { run(); });
    }
    ~ClickRecorder() { stop(); }
    ClickRecorder(const ClickRecorder&) = delete;
    ClickRecorder& operator=(const ClickRecorder&) = delete;

    // Stops the recorder (after what is in flight has been read).
    void stop() {
        if (!thread_.joinable()) return;
        done_ = true;
        kill(pid_, SIGINT);
        waitpid(pid_, nullptr, 0);
        thread_.join();
    }
    std::vector<Clock::time_point> heard() {
        std::lock_guard lock(m_);
        return heard_;
    }

private:
    void run() {
        bool quiet = true;
        size_t carry = 0;  // a byte of a sample split across reads
        std::vector<uint8_t> bytes(8193);
        while (!done_) {
            const ssize_t n = read(fd_, bytes.data() + carry, bytes.size() - carry);
            const auto now = Clock::now();
            if (n <= 0) break;
            const size_t total = carry + static_cast<size_t>(n), samples = total / 2;
            for (size_t i = 0; i < samples; ++i) {
                const int v = static_cast<int16_t>(bytes[2 * i] | bytes[2 * i + 1] << 8);
                if (quiet && std::abs(v) > threshold_) {
                    quiet = false;
                    // The click sounded (samples - i) samples before the end of this read.
                    const auto at = now - std::chrono::microseconds((samples - i) * 1000000 / rate_);
                    std::lock_guard lock(m_);
                    heard_.push_back(at);
                } else if (!quiet && std::abs(v) < 100) {
                    quiet = true;
                }
            }
            carry = total % 2;
            if (carry) bytes[0] = bytes[total - 1];
        }
    }

    int rate_, threshold_;
    pid_t pid_ = -1;
    int fd_ = -1;
    std::atomic<bool> done_{false};
    std::mutex m_;
    std::vector<Clock::time_point> heard_;
    std::thread thread_;
};

}  // namespace simvx::bench
