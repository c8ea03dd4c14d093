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
    // Active only when standard input is a terminal (and `wanted`).
    explicit TerminalKeys(bool wanted);
    ~TerminalKeys();
    TerminalKeys(const TerminalKeys&) = delete;
    TerminalKeys& operator=(const TerminalKeys&) = delete;

    bool active() const noexcept { return active_; }
    // Waits up to `timeout` for a key (just sleeps when inactive).
    std::optional<Key> wait(std::chrono::milliseconds timeout);

private:
    bool active_ = false;
    termios saved_{};
    std::string pending_;
};

}  // namespace simvx
