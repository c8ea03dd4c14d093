// Where control commands come from and where replies and events go (--control):
// a Unix domain socket with several clients, or standard input and output.
// Lines in, lines out; what the lines mean is the protocol's business
// (control_protocol). Every call comes from one thread, the control thread,
// which owns the channel; poll() never blocks longer than asked, and a client
// that stops reading never blocks it (its queue is bounded; past the bound
// the client is dropped).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace simvx {

class ControlChannel {
public:
    using ClientId = uint32_t;  // never reused within a run; standard input is client 1

    struct Limits {
        size_t max_clients = 16;               // one more is accepted, told why in one line, and closed
        size_t max_line_bytes = 1 << 20;       // a longer line is reported (too_long) and skipped to its end
        size_t max_pending_bytes = 4 << 20;    // unread replies and events held for a client; past it, it is dropped
    };

    struct Event {
        enum class Kind { line, too_long, connected, disconnected, dropped } kind;
        ClientId client = 0;
        std::string text;  // line: without its '\n' (nor a '\r' before it); dropped: why
    };

    virtual ~ControlChannel() = default;
    // Waits up to `timeout` for activity and returns what happened, in order
    // (possibly nothing). Also writes what is queued to clients that can take it.
    virtual std::vector<Event> poll(std::chrono::milliseconds timeout) = 0;
    // Queues `line` and a '\n' for the client; nothing when it has gone.
    virtual void send(ClientId client, std::string_view line) = 0;
    // Closes one client (after writing what is queued for it, as far as it reads without blocking).
    virtual void close(ClientId client) = 0;
    // The clients connected now.
    virtual std::vector<ClientId> clients() const = 0;
    // Standard input has ended (the stdin channel; never for a socket): no more commands will come.
    virtual bool input_ended() const = 0;
    // "socket /run/user/1000/mix.sock" or "standard input": for messages and -v.
    virtual std::string describe() const = 0;
    // Any thread: makes a poll() in progress return now (to stop the control thread).
    virtual void wake() noexcept = 0;
};

// "-": standard input and standard output (one client, id 1). Otherwise a
// Unix domain socket bound at `path` and created with mode 0600 (only its
// owner can connect). A stale socket there (a killed run's: nobody accepts
// connections on it) is replaced; a live one (another instance), or anything
// that is not a socket, is an error that says what is there, and is left
// alone. The socket file is removed when the channel is destroyed.
// Throws simvx::UsageError for a path that cannot be used (too long for a
// socket address, its folder missing, in use), simvx::Error otherwise.
std::unique_ptr<ControlChannel> open_control_channel(const std::string& path, ControlChannel::Limits limits = {});

// The stdin-style channel over any two descriptors (tests; a pipe pair).
// The descriptors are not closed by the channel.
std::unique_ptr<ControlChannel> open_control_channel_fds(int in_fd, int out_fd, ControlChannel::Limits limits = {});

}  // namespace simvx
