// Lines out of a byte stream, with a bound on their length (see line_framer.hpp).
#include "app/control/line_framer.hpp"

namespace simvx::control_io {

void LineFramer::feed(std::string_view bytes, ControlChannel::ClientId client,
                      std::vector<ControlChannel::Event>& out) {
    using Kind = ControlChannel::Event::Kind;
    while (!bytes.empty()) {
        const size_t newline = bytes.find('\n');
        const bool complete = newline != std::string_view::npos;
        const std::string_view piece = bytes.substr(0, newline);
        bytes.remove_prefix(complete ? newline + 1 : bytes.size());

        if (skipping_) {
            skipping_ = !complete;
            continue;
        }
        // One byte beyond the limit is kept: it may be the '\r' of a "\r\n".
        if (partial_.size() + piece.size() > max_ + 1) {
            partial_.clear();
            partial_.shrink_to_fit();
            out.push_back({Kind::too_long, client, {}});
            skipping_ = !complete;
            continue;
        }
        partial_.append(piece);
        if (!complete) continue;
        if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
        if (partial_.size() > max_) {
            out.push_back({Kind::too_long, client, {}});
        } else {
            out.push_back({Kind::line, client, std::move(partial_)});
        }
        partial_.clear();
    }
}

}  // namespace simvx::control_io
