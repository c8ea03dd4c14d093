// The control channel over a Unix domain socket: several clients, each with
// its own line framer and its own bounded queue of replies, served by one
// thread that never blocks on any of them.
//
// Choices the interface leaves open:
// - Socket clients are numbered from 2 (1 is standard input's, in the other channel).
// - The client past max_clients is told why in one line and closed; nothing
//   is reported for it (it never had an id).
// - close(id) reports nothing; a client lost to a failed write is reported
//   `disconnected`, one whose replies pile up past max_pending_bytes `dropped`.
// - A client whose input ends (EOF: `echo cmd | socat - UNIX:path` shuts its
//   side after the command) is reported `disconnected` at once but still gets
//   what is sent to it before the next poll(): the replies to its last lines.
//   It is closed when that is written, when it goes, or after kLingerLimit.
#include "app/control/socket_channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <optional>

#include "app/control/line_framer.hpp"
#include "app/control/owned_fd.hpp"
#include "app/control/wake_fd.hpp"
#include "core/error.hpp"

namespace simvx::control_io {
namespace {

using Event = ControlChannel::Event;
using ClientId = ControlChannel::ClientId;
using Clock = std::chrono::steady_clock;

constexpr size_t kReadPerPoll = 64 * 1024;  // per client and poll: a flooding client cannot starve the others
constexpr size_t kCompactAfter = 64 * 1024;  // written bytes dropped from the front of a queue past this
constexpr int kBacklog = 16;
constexpr auto kLingerLimit = std::chrono::seconds(5);

std::string reason(int error_number) { return std::strerror(error_number); }

[[noreturn]] void fail(const std::string& what, int error_number) {
    throw Error(ExitCode::internal, "control socket: " + what + ": " + reason(error_number));
}

sockaddr_un address_of(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty()) throw UsageError("the control socket's path is empty");
    if (path.find('\0') != std::string::npos) throw UsageError("the control socket's path holds a NUL byte");
    if (path.size() >= sizeof addr.sun_path) {
        throw UsageError(path + ": too long for a Unix socket address (" + std::to_string(path.size()) +
                         " bytes; at most " + std::to_string(sizeof addr.sun_path - 1) + ")");
    }
    std::memcpy(addr.sun_path, path.data(), path.size());
    return addr;
}

// Leaves nothing at `path`, or throws saying what is there and why it stays:
// only a socket nobody accepts connections on (a killed run's) is removed.
void clear_the_way(const std::string& path, const sockaddr_un& addr) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return;  // nothing there, or no folder: bind() says which
        throw UsageError(path + ": " + reason(errno));
    }
    if (!S_ISSOCK(st.st_mode)) throw UsageError(path + " exists and is not a socket; not replacing it");
    OwnedFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!probe) fail("socket", errno);
    if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 || errno == EAGAIN ||
        errno == EINPROGRESS) {
        throw UsageError(path + ": another simvxplay (or another program) is listening there");
    }
    if (errno != ECONNREFUSED) {
        throw UsageError(path + ": a socket that cannot be tried (" + reason(errno) + "); not replacing it");
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        throw UsageError(path + ": a stale socket that cannot be removed: " + reason(errno));
    }
}

int pending_error(int fd) {
    int error_number = 0;
    socklen_t size = sizeof error_number;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error_number, &size) != 0 || error_number == 0) return EIO;
    return error_number;
}

[[noreturn]] void throw_bind_error(const std::string& path, int error_number) {
    const std::string there = path + ": cannot create a socket there: ";
    switch (error_number) {
        case ENOENT:
        case ENOTDIR: throw UsageError(there + "its folder does not exist");
        case EADDRINUSE: throw UsageError(there + "something else was created there just now");
        case EACCES:
        case EPERM:
        case EROFS:
        case ELOOP: throw UsageError(there + reason(error_number));
        default: fail("bind " + path, error_number);
    }
}

// The socket file we bound: removed when the channel goes, unless something
// else has taken its place since (another run that replaced it, a user).
class BoundPath {
public:
    BoundPath(std::string path, const struct stat& st) : path_(std::move(path)), dev_(st.st_dev), ino_(st.st_ino) {}
    BoundPath(const BoundPath&) = delete;
    BoundPath& operator=(const BoundPath&) = delete;
    ~BoundPath() {
        struct stat st {};
        if (path_.empty() || ::lstat(path_.c_str(), &st) != 0) return;
        if (S_ISSOCK(st.st_mode) && st.st_dev == dev_ && st.st_ino == ino_) ::unlink(path_.c_str());
    }

private:
    std::string path_;
    dev_t dev_;
    ino_t ino_;
};

struct Client {
    Client(OwnedFd socket, size_t max_line_bytes) : fd(std::move(socket)), framer(max_line_bytes) {}
    OwnedFd fd;
    LineFramer framer;
    std::string outbox;  // queued bytes, the first `sent` of them already written
    size_t sent = 0;
    bool input_ended = false;  // reported disconnected; still takes replies until the next poll
    Clock::time_point ended_at{};

    size_t pending() const noexcept { return outbox.size() - sent; }
};

enum class Flush { done, partial, failed };

// Writes what the socket takes without blocking.
Flush flush(Client& c) {
    while (c.pending() > 0) {
        const ssize_t n = ::send(c.fd.get(), c.outbox.data() + c.sent, c.pending(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            return Flush::failed;
        }
        c.sent += static_cast<size_t>(n);
    }
    if (c.pending() == 0) {
        c.outbox.clear();
        c.sent = 0;
        return Flush::done;
    }
    if (c.sent > kCompactAfter && c.sent > c.outbox.size() / 2) {  // keep the queue from only growing
        c.outbox.erase(0, c.sent);
        c.sent = 0;
    }
    return Flush::partial;
}

class SocketChannel final : public ControlChannel {
public:
    SocketChannel(const std::string& path, Limits limits);
    ~SocketChannel() override;

    std::vector<Event> poll(std::chrono::milliseconds timeout) override;
    void send(ClientId client, std::string_view line) override;
    void close(ClientId client) override;
    std::vector<ClientId> clients() const override;
    bool input_ended() const override { return false; }
    std::string describe() const override { return "socket " + path_; }
    void wake() noexcept override { wake_.wake(); }

private:
    using Clients = std::map<ClientId, Client>;
    void retire_ended(Clock::time_point now);
    void accept_pending(std::vector<Event>& events);
    void refuse(int fd) const;
    void read_from(Clients::iterator it, std::vector<Event>& events);
    void lose(Clients::iterator it, std::vector<Event>& events);

    std::string path_;
    Limits limits_;
    OwnedFd listener_;
    std::optional<BoundPath> bound_;  // declared after listener_: the file goes before the socket closes
    WakeFd wake_;
    Clients clients_;
    ClientId next_id_ = 2;
    std::vector<Event> later_;  // what send() found (a client dropped or gone), for the next poll()
    std::string buffer_ = std::string(kReadPerPoll, '\0');
};

SocketChannel::SocketChannel(const std::string& path, Limits limits) : path_(path), limits_(limits) {
    const sockaddr_un addr = address_of(path);
    clear_the_way(path, addr);
    OwnedFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!listener) fail("socket", errno);
    // The file is created 0600 from the start: the socket inode's own mode
    // (fchmod before bind) and the umask both say so; neither leaves a moment
    // in which someone else could connect. The umask is the process's: set
    // only around bind().
    ::fchmod(listener.get(), 0600);
    const mode_t old_mask = ::umask(0177);
    const int bound = ::bind(listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    const int bind_errno = errno;
    ::umask(old_mask);
    if (bound != 0) throw_bind_error(path, bind_errno);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        const int e = errno;
        ::unlink(path.c_str());
        fail("stat " + path + " after bind", e);
    }
    bound_.emplace(path, st);
    if (::listen(listener.get(), kBacklog) != 0) fail("listen " + path, errno);
    listener_ = std::move(listener);
}

SocketChannel::~SocketChannel() = default;

std::vector<ClientId> SocketChannel::clients() const {
    std::vector<ClientId> ids;
    for (const auto& [id, c] : clients_) {
        if (!c.input_ended) ids.push_back(id);
    }
    return ids;
}

void SocketChannel::send(ClientId client, std::string_view line) {
    const auto it = clients_.find(client);
    if (it == clients_.end()) return;
    Client& c = it->second;
    c.outbox.append(line);
    c.outbox.push_back('\n');
    if (flush(c) == Flush::failed) return lose(it, later_);
    if (c.pending() > limits_.max_pending_bytes) {
        if (!c.input_ended) {
            later_.push_back({Event::Kind::dropped, client,
                              "does not read its replies (over " + std::to_string(limits_.max_pending_bytes) +
                                  " bytes queued)"});
        }
        clients_.erase(it);
    }
}

void SocketChannel::close(ClientId client) {
    const auto it = clients_.find(client);
    if (it == clients_.end()) return;
    flush(it->second);
    clients_.erase(it);
}

// A client that is gone (a failed read or write): reported unless it already was.
void SocketChannel::lose(Clients::iterator it, std::vector<Event>& events) {
    if (!it->second.input_ended) events.push_back({Event::Kind::disconnected, it->first, {}});
    clients_.erase(it);
}

// Clients whose input ended at an earlier poll: closed once what was sent to
// them is written (or cannot be).
void SocketChannel::retire_ended(Clock::time_point now) {
    for (auto it = clients_.begin(); it != clients_.end();) {
        Client& c = it->second;
        const bool retire = c.input_ended && (flush(c) != Flush::partial || now - c.ended_at > kLingerLimit);
        it = retire ? clients_.erase(it) : std::next(it);
    }
}

std::vector<Event> SocketChannel::poll(std::chrono::milliseconds timeout) {
    std::vector<Event> events = std::exchange(later_, {});
    retire_ended(Clock::now());

    std::vector<pollfd> fds{{listener_.get(), POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
    std::vector<ClientId> ids;
    for (const auto& [id, c] : clients_) {
        const short interest = static_cast<short>((c.input_ended ? 0 : POLLIN) | (c.pending() > 0 ? POLLOUT : 0));
        fds.push_back({c.fd.get(), interest, 0});
        ids.push_back(id);
    }
    // What is already known is returned without waiting.
    const int wait_ms = events.empty() ? static_cast<int>(std::clamp<int64_t>(timeout.count(), 0, INT_MAX)) : 0;
    const int ready = ::poll(fds.data(), fds.size(), wait_ms);
    if (ready < 0) {
        if (errno == EINTR) return events;
        fail("poll", errno);
    }
    if (ready == 0) return events;
    if (fds[1].revents != 0) wake_.drain();

    for (size_t i = 0; i < ids.size(); ++i) {
        const short got = fds[i + 2].revents;
        const auto it = clients_.find(ids[i]);
        if (got == 0 || it == clients_.end()) continue;
        Client& c = it->second;
        if (!c.input_ended && (got & (POLLIN | POLLHUP | POLLERR))) {
            read_from(it, events);  // may end the client's input, or lose it
            if (!clients_.contains(ids[i])) continue;
        }
        if (c.input_ended && (got & (POLLHUP | POLLERR))) {
            clients_.erase(it);  // gone for good: nothing more can reach it
        } else if ((got & POLLOUT) && flush(c) == Flush::failed) {
            lose(it, events);
        }
    }

    if (fds[0].revents & (POLLERR | POLLNVAL)) fail("listening at " + path_, pending_error(listener_.get()));
    if (fds[0].revents & POLLIN) accept_pending(events);
    return events;
}

void SocketChannel::read_from(Clients::iterator it, std::vector<Event>& events) {
    Client& c = it->second;
    const ssize_t n = ::recv(c.fd.get(), buffer_.data(), buffer_.size(), MSG_DONTWAIT);
    if (n > 0) {
        c.framer.feed(std::string_view(buffer_.data(), static_cast<size_t>(n)), it->first, events);
    } else if (n == 0) {
        events.push_back({Event::Kind::disconnected, it->first, {}});  // a partial line is dropped with it
        c.input_ended = true;
        c.ended_at = Clock::now();
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        lose(it, events);
    }
}

void SocketChannel::accept_pending(std::vector<Event>& events) {
    for (;;) {
        OwnedFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!fd) {
            switch (errno) {
                case EINTR:
                case ECONNABORTED:
                case EPROTO: continue;
                case EAGAIN:
#if EWOULDBLOCK != EAGAIN
                case EWOULDBLOCK:
#endif
                case EMFILE:  // out of descriptors: the connection waits in the backlog
                case ENFILE:
                case ENOBUFS:
                case ENOMEM: return;
                default: fail("accept at " + path_, errno);
            }
        }
        if (clients().size() >= limits_.max_clients) {
            refuse(fd.get());
            continue;
        }
        const ClientId id = next_id_++;
        clients_.emplace(id, Client(std::move(fd), limits_.max_line_bytes));
        events.push_back({Event::Kind::connected, id, {}});
    }
}

void SocketChannel::refuse(int fd) const {
    const std::string line =
        R"({"ok":false,"error":"too many clients ()" + std::to_string(limits_.max_clients) + R"(); try again later"})" "\n";
    // Best effort: a fresh socket's buffer takes one short line.
    [[maybe_unused]] const ssize_t n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

std::unique_ptr<ControlChannel> open_socket_channel(const std::string& path, ControlChannel::Limits limits) {
    return std::make_unique<SocketChannel>(path, limits);
}

}  // namespace simvx::control_io
