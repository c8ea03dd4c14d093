#include "app/signals.hpp"

#include <csignal>

namespace simvx::signals {
namespace {
volatile std::sig_atomic_t g_signal = 0;

void on_signal(int sig) {
    if (g_signal == 0) g_signal = sig;
}
}  // namespace

void install() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    // A closed stdout (render to a pipe whose reader left) is an I/O error to
    // report, not a silent death.
    std::signal(SIGPIPE, SIG_IGN);
}

int received() { return g_signal; }

int exit_code(int sig) { return 128 + sig; }

}  // namespace simvx::signals
