// The socket side of open_control_channel: kept apart from the dispatch in
// control_channel.cpp so that each kind of channel lives in its own file.
#pragma once
#include <memory>
#include <string>

#include "app/control/control_channel.hpp"

namespace simvx::control_io {

// A Unix domain socket listening at `path` (see open_control_channel).
std::unique_ptr<ControlChannel> open_socket_channel(const std::string& path, ControlChannel::Limits limits);

}  // namespace simvx::control_io
