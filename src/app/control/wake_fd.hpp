// How another thread interrupts the control thread's poll() (ControlChannel::wake):
// an eventfd that every channel's poll() watches beside its inputs. Both
// channels (socket and standard input) need the same thing, hence one class.
#pragma once
#include "app/control/owned_fd.hpp"

namespace simvx::control_io {

class WakeFd {
public:
    WakeFd();  // throws simvx::Error when the system gives no eventfd
    int fd() const noexcept { return fd_.get(); }
    // Any thread: makes fd() readable until drain().
    void wake() noexcept;
    // The polling thread, once it has seen fd() readable.
    void drain() noexcept;

private:
    OwnedFd fd_;
};

}  // namespace simvx::control_io
