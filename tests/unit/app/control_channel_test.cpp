// The control channel's I/O (--control): lines in and out over a real Unix
// socket in a temp folder with real clients, and over a pipe pair; the line
// framer on its own.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "app/control/control_channel.hpp"
#include "app/control/line_framer.hpp"
#include "core/error.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Kind = ControlChannel::Event::Kind;
using Events = std::vector<ControlChannel::Event>;

constexpr const char* kRefusal = R"({"ok":false,"error":"too many clients (16); try again later"})";

// Polls until `done` holds for everything seen so far, or `limit` passes.
Events poll_until(ControlChannel& channel, const std::function<bool(const Events&)>& done,
                  std::chrono::milliseconds limit = 5s) {
    Events seen;
    const auto end = Clock::now() + limit;
    while (!done(seen) && Clock::now() < end) {
        for (auto& e : channel.poll(20ms)) seen.push_back(std::move(e));
    }
    return seen;
}

size_t count(const Events& events, Kind kind) {
    size_t n = 0;
    for (const auto& e : events) n += e.kind == kind;
    return n;
}

std::function<bool(const Events&)> has(Kind kind, size_t n = 1) {
    return [kind, n](const Events& events) { return count(events, kind) >= n; };
}

std::vector<std::string> lines_of(const Events& events, ControlChannel::ClientId client) {
    std::vector<std::string> lines;
    for (const auto& e : events) {
        if (e.kind == Kind::line && e.client == client) lines.push_back(e.text);
    }
    return lines;
}

ControlChannel::ClientId connected_id(const Events& events) {
    for (const auto& e : events) {
        if (e.kind == Kind::connected) return e.client;
    }
    ADD_FAILURE() << "no connected event";
    return 0;
}

// What a program talking to the channel does: a connected socket, blocking.
class Client {
public:
    explicit Client(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
            ADD_FAILURE() << "connect " << path << ": " << std::strerror(errno);
        }
    }
    ~Client() { close(); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    int fd() const { return fd_; }
    void write(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            ASSERT_GT(n, 0) << std::strerror(errno);
            bytes.remove_prefix(static_cast<size_t>(n));
        }
    }
    // The next line, "<eof>" at the end, "<timeout>" when nothing comes.
    std::string read_line(std::chrono::milliseconds limit = 5s) {
        for (;;) {
            if (const size_t nl = buffer_.find('\n'); nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return "<timeout>";
            char chunk[4096];
            const ssize_t n = ::read(fd_, chunk, sizeof chunk);
            if (n <= 0) return "<eof>";
            buffer_.append(chunk, static_cast<size_t>(n));
        }
    }
    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
    std::string buffer_;
};

// A channel at a fresh path, with its first client connected.
struct Connected {
    test::TempDir dir;
    std::string path = dir / "control.sock";
    std::unique_ptr<ControlChannel> channel;
    std::unique_ptr<Client> client;
    ControlChannel::ClientId id = 0;

    explicit Connected(ControlChannel::Limits limits = {}) : channel(open_control_channel(path, limits)) {
        client = std::make_unique<Client>(path);
        id = connected_id(poll_until(*channel, has(Kind::connected)));
    }
};

template <typename Fn>
std::string usage_error_of(Fn&& fn) {
    try {
        fn();
    } catch (const UsageError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not a UsageError: ") + e.what();
    }
    return "<no error>";
}

// ---- the line framer ----

Events feed(control_io::LineFramer& framer, std::string_view bytes) {
    Events out;
    framer.feed(bytes, 7, out);
    return out;
}

TEST(ControlChannelLineFramer, LinesAreCutAtNewlinesAcrossPieces) {
    control_io::LineFramer framer(100);
    EXPECT_TRUE(feed(framer, "hel").empty());
    EXPECT_TRUE(framer.mid_line());
    const Events events = feed(framer, "lo\nworld\n\nlast");
    EXPECT_EQ(lines_of(events, 7), (std::vector<std::string>{"hello", "world", ""}));
    EXPECT_TRUE(framer.mid_line());
    EXPECT_EQ(lines_of(feed(framer, "\n"), 7), std::vector<std::string>{"last"});
    EXPECT_FALSE(framer.mid_line());
}

TEST(ControlChannelLineFramer, CarriageReturnBeforeNewlineIsDropped) {
    control_io::LineFramer framer(100);
    EXPECT_EQ(lines_of(feed(framer, "a\r\n\r\nb\rc\n"), 7), (std::vector<std::string>{"a", "", "b\rc"}));
    feed(framer, "split\r");
    EXPECT_EQ(lines_of(feed(framer, "\n"), 7), std::vector<std::string>{"split"});
}

TEST(ControlChannelLineFramer, TheLimitIsTheLineWithoutItsEnd) {
    control_io::LineFramer framer(4);
    EXPECT_EQ(lines_of(feed(framer, "abcd\nabcd\r\n"), 7), (std::vector<std::string>{"abcd", "abcd"}));
    Events events = feed(framer, "abcde\nok\n");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, Kind::too_long);
    EXPECT_EQ(events[0].client, 7u);
    EXPECT_EQ(lines_of(events, 7), std::vector<std::string>{"ok"});
    // Reported once however many pieces the long line comes in.
    events = feed(framer, "abc");
    for (const char* piece : {"def", "ghijkl", "mnop", "q\nnext\n"}) {
        for (auto& e : feed(framer, piece)) events.push_back(std::move(e));
    }
    EXPECT_EQ(count(events, Kind::too_long), 1u);
    EXPECT_EQ(lines_of(events, 7), std::vector<std::string>{"next"});
}

// ---- the socket ----

TEST(ControlChannel, LineRoundTrip) {
    Connected c;
    EXPECT_EQ(c.channel->describe(), "socket " + c.path);
    EXPECT_EQ(c.channel->clients(), std::vector<ControlChannel::ClientId>{c.id});
    EXPECT_FALSE(c.channel->input_ended());
    c.client->write("hello\n");
    const Events events = poll_until(*c.channel, has(Kind::line));
    EXPECT_EQ(lines_of(events, c.id), std::vector<std::string>{"hello"});
    c.channel->send(c.id, "world");
    poll_until(*c.channel, [](const Events&) { return false; }, 50ms);
    EXPECT_EQ(c.client->read_line(), "world");
}

TEST(ControlChannel, TwoClientsKeepTheirIds) {
    Connected c;
    Client other(c.path);
    const auto other_id = connected_id(poll_until(*c.channel, has(Kind::connected)));
    EXPECT_NE(other_id, c.id);
    c.client->write("a1\n");
    other.write("b1\n");
    c.client->write("a2\n");
    other.write("b2\nb3\n");
    const Events events = poll_until(*c.channel, has(Kind::line, 5));
    EXPECT_EQ(lines_of(events, c.id), (std::vector<std::string>{"a1", "a2"}));
    EXPECT_EQ(lines_of(events, other_id), (std::vector<std::string>{"b1", "b2", "b3"}));
    c.channel->send(other_id, "to b");
    c.channel->send(c.id, "to a");
    EXPECT_EQ(other.read_line(), "to b");
    EXPECT_EQ(c.client->read_line(), "to a");
}

TEST(ControlChannel, LineSplitAcrossWritesArrivesWhole) {
    Connected c;
    Events events;
    for (const char* piece : {"hel", "lo wor", "ld\r", "\n"}) {
        c.client->write(piece);
        for (auto& e : poll_until(*c.channel, [](const Events&) { return false; }, 60ms)) events.push_back(e);
    }
    EXPECT_EQ(lines_of(events, c.id), std::vector<std::string>{"hello world"});
    c.client->write("one\r\ntwo\r\n");
    EXPECT_EQ(lines_of(poll_until(*c.channel, has(Kind::line, 2)), c.id), (std::vector<std::string>{"one", "two"}));
}

TEST(ControlChannel, TooLongLineIsReportedOnceThenTheNextLineWorks) {
    Connected c({.max_line_bytes = 1 << 20});
    const std::string data = std::string(3 << 20, 'x') + "\nafter\n";
    std::string_view rest = data;
    Events events;
    // The client writes what the socket takes while the channel reads.
    while (!rest.empty()) {
        const ssize_t n = ::send(c.client->fd(), rest.data(), rest.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) rest.remove_prefix(static_cast<size_t>(n));
        for (auto& e : c.channel->poll(1ms)) events.push_back(std::move(e));
    }
    for (auto& e : poll_until(*c.channel, has(Kind::line))) events.push_back(std::move(e));
    EXPECT_EQ(count(events, Kind::too_long), 1u);
    EXPECT_EQ(lines_of(events, c.id), std::vector<std::string>{"after"});
    for (const auto& e : events) {
        if (e.kind == Kind::too_long) {
            EXPECT_EQ(e.client, c.id);
        }
    }
}

TEST(ControlChannel, ClientThatLeavesMidLineSendsNothing) {
    Connected c;
    c.client->write("{\"cmd\":\"pau");
    poll_until(*c.channel, [](const Events&) { return false; }, 50ms);
    c.client->close();
    const Events events = poll_until(*c.channel, has(Kind::disconnected));
    EXPECT_EQ(count(events, Kind::disconnected), 1u);
    EXPECT_EQ(count(events, Kind::line), 0u);
    EXPECT_TRUE(c.channel->clients().empty());
    c.channel->send(c.id, "nobody hears this");  // nothing, and no SIGPIPE
    EXPECT_TRUE(poll_until(*c.channel, [](const Events&) { return false; }, 50ms).empty());
}

TEST(ControlChannel, ClientThatEndsItsInputStillGetsTheReply) {
    Connected c;  // `echo cmd | socat - UNIX:path`: the command, then the end of its input
    c.client->write("status\n");
    c.client->shutdown_write();
    const Events events = poll_until(*c.channel, has(Kind::disconnected));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, Kind::line);
    EXPECT_EQ(events[1].kind, Kind::disconnected);
    EXPECT_TRUE(c.channel->clients().empty());
    c.channel->send(c.id, "the reply");
    c.channel->poll(10ms);
    EXPECT_EQ(c.client->read_line(), "the reply");
    EXPECT_EQ(c.client->read_line(), "<eof>");
}

TEST(ControlChannel, SeventeenthClientIsToldWhyAndClosed) {
    Connected c;
    std::vector<std::unique_ptr<Client>> more;
    for (int i = 0; i < 15; ++i) more.push_back(std::make_unique<Client>(c.path));
    poll_until(*c.channel, has(Kind::connected, 15));
    ASSERT_EQ(c.channel->clients().size(), 16u);
    Client extra(c.path);
    const Events events = poll_until(*c.channel, [](const Events&) { return false; }, 200ms);
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(extra.read_line(), kRefusal);
    EXPECT_EQ(extra.read_line(), "<eof>");
    EXPECT_EQ(c.channel->clients().size(), 16u);
    // Once one leaves, there is room again.
    more.pop_back();
    poll_until(*c.channel, has(Kind::disconnected));
    Client later(c.path);
    EXPECT_EQ(count(poll_until(*c.channel, has(Kind::connected)), Kind::connected), 1u);
}

TEST(ControlChannel, ClientThatNeverReadsIsDroppedWithoutBlocking) {
    Connected c;
    Client reader(c.path);
    const auto reader_id = connected_id(poll_until(*c.channel, has(Kind::connected)));
    const std::string line(1000, 'r');
    Events events;
    auto timed_poll = [&](std::chrono::milliseconds timeout) {
        const auto start = Clock::now();
        for (auto& e : c.channel->poll(timeout)) events.push_back(std::move(e));
        EXPECT_LT(Clock::now() - start, 1s);
    };
    for (int i = 0; i < 10 * 1024; ++i) {  // 10 MB
        c.channel->send(c.id, line);
        if (i % 100 == 0) timed_poll(0ms);
    }
    for (int i = 0; i < 5 && count(events, Kind::dropped) == 0; ++i) timed_poll(100ms);
    ASSERT_EQ(count(events, Kind::dropped), 1u);
    for (const auto& e : events) {
        if (e.kind != Kind::dropped) continue;
        EXPECT_EQ(e.client, c.id);
        EXPECT_NE(e.text.find("does not read its replies"), std::string::npos) << e.text;
    }
    EXPECT_EQ(c.channel->clients(), std::vector<ControlChannel::ClientId>{reader_id});
    // The other client is served as before.
    c.channel->send(reader_id, "still here");
    EXPECT_EQ(reader.read_line(), "still here");
}

TEST(ControlChannel, SocketFileIsOwnerOnlyWhateverTheUmask) {
    test::TempDir dir;
    const mode_t before = ::umask(0);
    const auto channel = open_control_channel(dir / "c.sock");
    EXPECT_EQ(::umask(before), 0u);  // restored after bind
    struct stat st {};
    ASSERT_EQ(::lstat((dir / "c.sock").c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(ControlChannel, SecondChannelOnALivePathIsRefused) {
    Connected c;
    const std::string error = usage_error_of([&] { open_control_channel(c.path); });
    EXPECT_NE(error.find(c.path + ": another simvxplay"), std::string::npos) << error;
    // The first one serves on; the second's probe came and went as a client.
    Client again(c.path);
    const Events events = poll_until(*c.channel, [](const Events& seen) {
        return count(seen, Kind::connected) == 2 && count(seen, Kind::disconnected) == 1;
    });
    EXPECT_EQ(count(events, Kind::connected), 2u);
    EXPECT_EQ(c.channel->clients().size(), 2u);
}

TEST(ControlChannel, StaleSocketIsReplaced) {
    test::TempDir dir;
    const std::string path = dir / "c.sock";
    {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
        ::listen(fd, 1);
        ::close(fd);  // a killed run: the file stays
    }
    ASSERT_TRUE(std::filesystem::exists(path));
    const auto channel = open_control_channel(path);
    Client client(path);
    EXPECT_EQ(count(poll_until(*channel, has(Kind::connected)), Kind::connected), 1u);
}

TEST(ControlChannel, SomethingElseAtThePathIsLeftAlone) {
    test::TempDir dir;
    const std::string path = dir / "notes.txt";
    test::write_file(path, "keep me");
    const std::string error = usage_error_of([&] { open_control_channel(path); });
    EXPECT_EQ(error, path + " exists and is not a socket; not replacing it");
    EXPECT_EQ(test::read_file(path), "keep me");
}

TEST(ControlChannel, UnusablePathsSayWhy) {
    test::TempDir dir;
    const std::string too_long = dir / std::string(120, 'l');
    EXPECT_NE(usage_error_of([&] { open_control_channel(too_long); }).find("too long for a Unix socket address"),
              std::string::npos);
    const std::string missing = dir / "no/such/folder.sock";
    EXPECT_NE(usage_error_of([&] { open_control_channel(missing); }).find("its folder does not exist"),
              std::string::npos);
}

TEST(ControlChannel, SocketFileIsRemovedWithTheChannel) {
    test::TempDir dir;
    const std::string path = dir / "c.sock";
    auto channel = open_control_channel(path);
    ASSERT_TRUE(std::filesystem::exists(path));
    channel.reset();
    EXPECT_FALSE(std::filesystem::exists(path));
    // Unless something else has taken its place meanwhile.
    channel = open_control_channel(path);
    std::filesystem::remove(path);
    test::write_file(path, "someone else's");
    channel.reset();
    EXPECT_EQ(test::read_file(path), "someone else's");
}

void expect_wake_ends_a_long_poll(ControlChannel& channel) {
    channel.poll(0ms);  // what is reported at once (stdin's connected)
    std::thread waker([&] {
        std::this_thread::sleep_for(100ms);
        channel.wake();
    });
    const auto start = Clock::now();
    channel.poll(10s);
    EXPECT_LT(Clock::now() - start, 2s);
    waker.join();
}

TEST(ControlChannel, WakeEndsALongPoll) {
    test::TempDir dir;
    const auto channel = open_control_channel(dir / "c.sock");
    expect_wake_ends_a_long_poll(*channel);
}

// ---- standard input and output (a pipe pair) ----

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) ADD_FAILURE() << "pipe";
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    void close_read() {
        if (read >= 0) ::close(read);
        read = -1;
    }
    void close_write() {
        if (write >= 0) ::close(write);
        write = -1;
    }
    std::string take(size_t n) {
        std::string out(n, '\0');
        size_t got = 0;
        while (got < n) {
            const ssize_t r = ::read(read, out.data() + got, n - got);
            if (r <= 0) break;
            got += static_cast<size_t>(r);
        }
        out.resize(got);
        return out;
    }
};

TEST(ControlChannel, FdsChannelLinesInRepliesOutAndTheEnd) {
    Pipe in, out;
    const auto channel = open_control_channel_fds(in.read, out.write);
    EXPECT_EQ(channel->describe(), "descriptor " + std::to_string(in.read));
    ASSERT_EQ(::write(in.write, "first\r\nsec", 10), 10);
    Events events = poll_until(*channel, has(Kind::line));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, Kind::connected);
    EXPECT_EQ(events[0].client, 1u);
    EXPECT_EQ(lines_of(events, 1), std::vector<std::string>{"first"});
    EXPECT_EQ(channel->clients(), std::vector<ControlChannel::ClientId>{1});

    channel->send(1, "reply");
    EXPECT_EQ(out.take(6), "reply\n");

    ASSERT_EQ(::write(in.write, "ond\nunfinished", 14), 14);
    in.close_write();
    events = poll_until(*channel, has(Kind::disconnected));
    EXPECT_EQ(lines_of(events, 1), std::vector<std::string>{"second"});  // "unfinished" never ended
    EXPECT_EQ(count(events, Kind::disconnected), 1u);
    EXPECT_TRUE(channel->input_ended());
    EXPECT_TRUE(channel->clients().empty());
    // Replies to the last commands still go out.
    channel->send(1, "late");
    EXPECT_EQ(out.take(5), "late\n");
    expect_wake_ends_a_long_poll(*channel);
}

TEST(ControlChannel, FdsChannelOutputWithoutAReaderIsDroppedNotFatal) {
    Pipe in, out;
    const auto channel = open_control_channel_fds(in.read, out.write);
    poll_until(*channel, has(Kind::connected));
    out.close_read();
    channel->send(1, "into the void");  // EPIPE, and no SIGPIPE kills the test
    const Events events = poll_until(*channel, has(Kind::dropped));
    ASSERT_EQ(count(events, Kind::dropped), 1u);
    EXPECT_EQ(events.back().text, "descriptor " + std::to_string(out.write) + ": the reader went away");
    EXPECT_TRUE(channel->input_ended());
    channel->send(1, "again");  // nothing
}

TEST(ControlChannel, FdsChannelWakeEndsALongPoll) {
    Pipe in, out;
    const auto channel = open_control_channel_fds(in.read, out.write);
    expect_wake_ends_a_long_poll(*channel);
}

}  // namespace
}  // namespace simvx
