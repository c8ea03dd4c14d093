// The control channel over standard input and output (--control -), or any
// two descriptors (open_control_channel_fds): one client, id 1.
//
// Input: poll() then one read(), which does not block once poll() said the
// descriptor is readable. The descriptor is never switched to non-blocking:
// standard input may be a terminal or pipe shared with other processes, and
// O_NONBLOCK would change it for them too.
// Output: written at once, blocking until it is taken (a reader of our
// standard output that stops reading stops the control thread; there is no
// one else to tell). Standard output also carries the program's other JSON
// lines, written with stdio, so replies there go through `stdout` too, one
// whole line under its lock; other descriptors get write().
//
// Choices the interface leaves open:
// - The first poll() reports client 1 `connected`.
// - At the end of the input (reported `disconnected`, input_ended()), output
//   stays open: replies to the last commands still go out.
// - When output fails (its reader went away), client 1 is reported `dropped`
//   with the reason, input is no longer read and input_ended() is true.
// - close(1) stops reading input and writing output (input_ended() becomes
//   true); the descriptors themselves stay open.
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "app/control/control_channel.hpp"
#include "app/control/line_framer.hpp"
#include "app/control/wake_fd.hpp"
#include "core/error.hpp"

namespace simvx {
namespace {

using Event = ControlChannel::Event;
using ClientId = ControlChannel::ClientId;

constexpr ClientId kClient = 1;
constexpr size_t kReadPerPoll = 64 * 1024;

// Writing to a pipe whose reader has gone raises SIGPIPE in the writing
// thread, which would end the process unless the program ignores it. While
// one of these lives, SIGPIPE is blocked in this thread; one raised meanwhile
// is taken off the pending set before the mask is restored, and the write
// fails with EPIPE instead.
class SigpipeBlocked {
public:
    SigpipeBlocked() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
        was_pending_ = pending();
    }
    ~SigpipeBlocked() {
        if (!was_pending_ && pending()) {
            const timespec no_wait{};
            sigtimedwait(&pipe_, nullptr, &no_wait);
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

private:
    bool pending() const {
        sigset_t set;
        sigemptyset(&set);
        return sigpending(&set) == 0 && sigismember(&set, SIGPIPE) == 1;
    }
    sigset_t pipe_{}, old_{};
    bool was_pending_ = false;
};

// One line and its '\n' to standard output, through stdio: 0, or errno.
int write_stdout_line(std::string_view line) {
    flockfile(stdout);
    errno = 0;
    const bool ok = std::fwrite(line.data(), 1, line.size(), stdout) == line.size() && std::fputc('\n', stdout) != EOF &&
                    std::fflush(stdout) == 0;
    const int error_number = errno;
    funlockfile(stdout);
    return ok ? 0 : (error_number != 0 ? error_number : EIO);
}

// All of `bytes` to `fd`, waiting as long as it takes: 0, or errno.
int write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n >= 0) {
            bytes.remove_prefix(static_cast<size_t>(n));
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {  // someone made it non-blocking: wait for room
            pollfd room{fd, POLLOUT, 0};
            ::poll(&room, 1, -1);
        } else if (errno != EINTR) {
            return errno;
        }
    }
    return 0;
}

std::string name_of(int fd, int standard, const char* standard_name) {
    return fd == standard ? standard_name : "descriptor " + std::to_string(fd);
}

class StdioChannel final : public ControlChannel {
public:
    StdioChannel(int in_fd, int out_fd, Limits limits)
        : in_(in_fd), out_(out_fd), framer_(limits.max_line_bytes) {}

    std::vector<Event> poll(std::chrono::milliseconds timeout) override;
    void send(ClientId client, std::string_view line) override;
    void close(ClientId client) override {
        if (client != kClient) return;
        closed_ = true;
        input_ended_ = true;
    }
    std::vector<ClientId> clients() const override {
        if (input_ended_) return {};
        return {kClient};
    }
    bool input_ended() const override { return input_ended_; }
    std::string describe() const override { return name_of(in_, STDIN_FILENO, "standard input"); }
    void wake() noexcept override { wake_.wake(); }

private:
    void read_input(std::vector<Event>& events);
    void end_input(std::vector<Event>& events) {
        events.push_back({Event::Kind::disconnected, kClient, {}});
        input_ended_ = true;
    }

    int in_, out_;
    control_io::LineFramer framer_;
    control_io::WakeFd wake_;
    bool greeted_ = false;      // `connected` reported
    bool input_ended_ = false;  // end of input, output failed, or close(1)
    bool closed_ = false;       // close(1): nothing more goes out either
    bool output_failed_ = false;
    std::vector<Event> later_;  // what send() found (output failed), for the next poll()
    std::string buffer_ = std::string(kReadPerPoll, '\0');
};

std::vector<Event> StdioChannel::poll(std::chrono::milliseconds timeout) {
    std::vector<Event> events = std::exchange(later_, {});
    if (!greeted_) {
        greeted_ = true;
        if (!input_ended_) events.push_back({Event::Kind::connected, kClient, {}});
    }
    pollfd fds[2] = {{wake_.fd(), POLLIN, 0}, {in_, POLLIN, 0}};
    const nfds_t count = input_ended_ ? 1 : 2;  // after the end, only wake() can end the wait
    const int wait_ms = events.empty() ? static_cast<int>(std::clamp<int64_t>(timeout.count(), 0, INT_MAX)) : 0;
    const int ready = ::poll(fds, count, wait_ms);
    if (ready <= 0) return events;  // nothing, or EINTR (no other error is possible with valid arguments)
    if (fds[0].revents != 0) wake_.drain();
    if (count == 2 && fds[1].revents != 0) read_input(events);
    return events;
}

void StdioChannel::read_input(std::vector<Event>& events) {
    const ssize_t n = ::read(in_, buffer_.data(), buffer_.size());
    if (n > 0) {
        framer_.feed(std::string_view(buffer_.data(), static_cast<size_t>(n)), kClient, events);
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        end_input(events);  // a last line without its '\n' is dropped, as for a socket client
    }
}

void StdioChannel::send(ClientId client, std::string_view line) {
    if (client != kClient || closed_ || output_failed_) return;
    int error_number = 0;
    {
        const SigpipeBlocked quiet;
        if (out_ == STDOUT_FILENO) {
            error_number = write_stdout_line(line);
        } else {
            std::string whole(line);
            whole.push_back('\n');
            error_number = write_all(out_, whole);
        }
    }
    if (error_number == 0) return;
    output_failed_ = true;
    if (input_ended_) return;  // already reported gone
    input_ended_ = true;
    const std::string output = name_of(out_, STDOUT_FILENO, "standard output");
    later_.push_back({Event::Kind::dropped, kClient,
                      output + ": " + (error_number == EPIPE ? "the reader went away" : std::strerror(error_number))});
}

}  // namespace

std::unique_ptr<ControlChannel> open_control_channel_fds(int in_fd, int out_fd, ControlChannel::Limits limits) {
    return std::make_unique<StdioChannel>(in_fd, out_fd, limits);
}

}  // namespace simvx
