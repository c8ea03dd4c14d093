#include "app/terminal_keys.hpp"

#include <poll.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace simvx {

std::optional<Key> parse_key(std::string_view b, size_t& used) {
    used = 0;
    if (b.empty()) return std::nullopt;
    if (b[0] == '\033') {
        // Arrow keys: ESC [ A..D (or ESC O A..D in application mode).
        if (b.size() < 3) {
            if (b.size() == 2 && b[1] != '[' && b[1] != 'O') used = 1;  // a lone ESC and another key
            return std::nullopt;
        }
        if (b[1] != '[' && b[1] != 'O') {
            used = 1;
            return std::nullopt;
        }
        used = 3;
        switch (b[2]) {
            case 'A': return Key::volume_up;
            case 'B': return Key::volume_down;
            case 'C': return Key::seek_forward;
            case 'D': return Key::seek_back;
            default: return std::nullopt;
        }
    }
    used = 1;
    switch (b[0]) {
        case ' ': return Key::pause;
        case 'q': case 'Q': return Key::quit;
        case '+': case '=': return Key::volume_up;
        case '-': return Key::volume_down;
        default: return std::nullopt;
    }
}

TerminalKeys::TerminalKeys(bool wanted) {
    if (!wanted || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

TerminalKeys::~TerminalKeys() {
    if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
}

std::optional<Key> TerminalKeys::wait(std::chrono::milliseconds timeout) {
    if (!active_) {
        std::this_thread::sleep_for(timeout);
        return std::nullopt;
    }
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    if (pending_.empty() && poll(&fd, 1, static_cast<int>(timeout.count())) > 0) {
        char buf[64];
        const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n > 0) pending_.append(buf, static_cast<size_t>(n));
    }
    while (!pending_.empty()) {
        size_t used = 0;
        const auto key = parse_key(pending_, used);
        if (used == 0) {  // half an escape sequence: the rest follows at once, or it was a lone ESC
            if (pending_.size() > 8) pending_.clear();
            break;
        }
        pending_.erase(0, used);
        if (key) return key;
    }
    return std::nullopt;
}

}  // namespace simvx
