#include "app/ui/terminal_keys.hpp"

#include <fcntl.h>
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

TerminalKeys::TerminalKeys(bool stdin_free) {
    if (stdin_free && isatty(STDIN_FILENO)) {
        fd_ = STDIN_FILENO;
    } else if (isatty(STDERR_FILENO)) {
        fd_ = ::open("/dev/tty", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        own_fd_ = fd_ >= 0;
    }
    if (fd_ < 0 || tcgetattr(fd_, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(fd_, TCSANOW, &raw) == 0;
}

TerminalKeys::~TerminalKeys() {
    if (active_) tcsetattr(fd_, TCSANOW, &saved_);
    if (own_fd_) ::close(fd_);
}

std::optional<Key> TerminalKeys::wait(std::chrono::milliseconds timeout) {
    if (!active_) {
        std::this_thread::sleep_for(timeout);
        return std::nullopt;
    }
    pollfd fd{fd_, POLLIN, 0};
    if (pending_.empty() && poll(&fd, 1, static_cast<int>(timeout.count())) > 0) {
        char buf[64];
        const ssize_t n = read(fd_, buf, sizeof buf);
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
