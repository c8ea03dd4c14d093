// The eventfd behind ControlChannel::wake (see wake_fd.hpp).
#include "app/control/wake_fd.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/error.hpp"

namespace simvx::control_io {

WakeFd::WakeFd() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!fd_) throw Error(ExitCode::internal, std::string("control channel: eventfd failed: ") + std::strerror(errno));
}

void WakeFd::wake() noexcept {
    const uint64_t one = 1;
    // Fails only when the counter is about to overflow: it is readable then anyway.
    [[maybe_unused]] const ssize_t n = ::write(fd_.get(), &one, sizeof one);
}

void WakeFd::drain() noexcept {
    uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(fd_.get(), &count, sizeof count);
}

}  // namespace simvx::control_io
