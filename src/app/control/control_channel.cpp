// open_control_channel: which kind of channel a --control argument names.
// The channels themselves live in socket_channel.cpp and stdio_channel.cpp.
#include "app/control/control_channel.hpp"

#include <unistd.h>

#include "app/control/socket_channel.hpp"

namespace simvx {

std::unique_ptr<ControlChannel> open_control_channel(const std::string& path, ControlChannel::Limits limits) {
    if (path == "-") return open_control_channel_fds(STDIN_FILENO, STDOUT_FILENO, limits);
    return control_io::open_socket_channel(path, limits);
}

}  // namespace simvx
