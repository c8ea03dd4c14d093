#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace simvx::test {
namespace {

// `input` is written from the poll loop; or, with `produce`, by a thread of its own.
RunResult run_impl(const std::vector<std::string>& argv, const std::string& input,
                   const std::function<void(int)>* produce, double timeout_s) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe");
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork");
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    signal(SIGPIPE, SIG_IGN);
    RunResult r;
    size_t written = 0;
    int infd = in[1];
    std::thread producer;
    if (produce) {
        producer = std::thread([produce, infd] {
            (*produce)(infd);
            close(infd);
        });
        infd = -1;
    } else if (input.empty()) {
        close(infd);
        infd = -1;
    } else {
        fcntl(infd, F_SETFL, O_NONBLOCK);
    }
    bool out_open = true, err_open = true;
    bool killed = false;
    char buf[65536];
    while (out_open || err_open) {
        pollfd fds[3];
        int n = 0;
        if (out_open) fds[n++] = {out[0], POLLIN, 0};
        if (err_open) fds[n++] = {err[0], POLLIN, 0};
        if (infd >= 0) fds[n++] = {infd, POLLOUT, 0};
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!killed && elapsed > timeout_s) {
            kill(pid, SIGKILL);
            killed = true;
        }
        poll(fds, static_cast<nfds_t>(n), 100);
        for (int i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            if (fds[i].fd == infd) {
                ssize_t w = write(infd, input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<size_t>(w);
                if (w < 0 || written == input.size()) {
                    close(infd);
                    infd = -1;
                }
                continue;
            }
            ssize_t got = read(fds[i].fd, buf, sizeof buf);
            if (got <= 0) {
                if (fds[i].fd == out[0]) out_open = false; else err_open = false;
                continue;
            }
            (fds[i].fd == out[0] ? r.out : r.err).append(buf, static_cast<size_t>(got));
        }
    }
    if (infd >= 0) close(infd);
    close(out[0]);
    close(err[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    if (producer.joinable()) producer.join();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.status = killed ? 124 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return r;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const std::string& input, double timeout_s) {
    return run_impl(argv, input, nullptr, timeout_s);
}

RunResult run_fed(const std::vector<std::string>& argv, const std::function<void(int fd)>& produce, double timeout_s) {
    return run_impl(argv, {}, &produce, timeout_s);
}

bool write_all(int fd, const char* bytes, size_t size) {
    while (size > 0) {
        const ssize_t n = write(fd, bytes, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

void sh(const std::string& command) {
    RunResult r = run({"/bin/sh", "-c", command});
    if (r.status != 0)
        throw std::runtime_error("command failed (" + std::to_string(r.status) + "): " + command + "\n" + r.err);
}

bool have_tool(const std::string& name) {
    return run({"/bin/sh", "-c", "command -v " + name}).status == 0;
}

std::string bin() { return SIMVX_BIN; }

}  // namespace simvx::test

namespace simvx::test {

Child::Child(const std::vector<std::string>& argv, const std::string& log_path) {
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
        const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        setpgid(0, 0);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
}

bool Child::running() {
    if (pid_ < 0) return false;
    int st = 0;
    const pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        pid_ = -1;
        return false;
    }
    return true;
}

int Child::stop(int sig, double timeout_s) {
    if (!running()) return status_;
    kill(pid_, sig);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (running()) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid_, SIGKILL);
            int st = 0;
            waitpid(pid_, &st, 0);
            pid_ = -1;
            status_ = 124;
            break;
        }
        usleep(10000);
    }
    return status_;
}

Child::~Child() { stop(SIGKILL, 1); }

}  // namespace simvx::test
