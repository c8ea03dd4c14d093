// The keys a terminal player answers to, read from a terminal put in
// non-canonical, no-echo mode for as long as the reader lives. The terminal
// is restored by the destructor, which every exit path (end, q, Ctrl-C,
// SIGTERM, an error) runs. Signals still work: ISIG stays on.
#pragma once
#include <termios.h>

#include <chrono>
#include <optional>
#include <string_view>

namespace simvx {

enum class Key { pause, quit, seek_back, seek_forward, volume_up, volume_down };

// Parses one key press from the bytes a terminal sent; `used` is how many it
// consumed (0 = an incomplete escape sequence). Unknown bytes give no key.
std::optional<Key> parse_key(std::string_view bytes, size_t& used);

class TerminalKeys {
public:
    // Reads standard input when it is a terminal and `stdin_free` (no live
    // stream reads it); otherwise the controlling terminal, /dev/tty, as mpv
    // and ffplay do (`producer | simvxplay --stream -` still takes keys),
    // when standard error is a terminal too (an interactive run). Inactive
    // when there is no terminal.
    explicit TerminalKeys(bool stdin_free);
    ~TerminalKeys();
    TerminalKeys(const TerminalKeys&) = delete;
    TerminalKeys& operator=(const TerminalKeys&) = delete;

    bool active() const noexcept { return active_; }
    // Waits up to `timeout` for a key (just sleeps when inactive).
    std::optional<Key> wait(std::chrono::milliseconds timeout);

private:
    bool active_ = false;
    int fd_ = -1;            // standard input, or /dev/tty opened here
    bool own_fd_ = false;
    termios saved_{};
    std::string pending_;
};

}  // namespace simvx
