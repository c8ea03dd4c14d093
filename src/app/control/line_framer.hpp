// Cuts one client's byte stream into lines. Bytes arrive in pieces of any
// size (a line split over several writes, several lines in one read), and
// only whole lines may reach the protocol; a line longer than the limit is
// not held in memory but reported once (too_long) and skipped to its '\n'.
// Shared by the socket channel (one framer per client) and the standard
// input channel.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "app/control/control_channel.hpp"

namespace simvx::control_io {

class LineFramer {
public:
    explicit LineFramer(size_t max_line_bytes) : max_(max_line_bytes) {}

    // Appends to `out`, in order, a `line` event for each line `bytes`
    // completes (without its '\n', nor a '\r' just before it) and one
    // `too_long` event (empty text) for each line longer than the limit.
    void feed(std::string_view bytes, ControlChannel::ClientId client, std::vector<ControlChannel::Event>& out);

    // Part of a line is held or being skipped (at end of input it is dropped:
    // a client that leaves mid-line has sent nothing).
    bool mid_line() const noexcept { return !partial_.empty() || skipping_; }

private:
    size_t max_;
    std::string partial_;   // the line so far (at most max_ + 1 bytes: room for a '\r')
    bool skipping_ = false; // in a line already reported too long, until its '\n'
};

}  // namespace simvx::control_io
