// The one-line progress display on stderr (a terminal only, never with -q).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "app/ui/line_in_place.hpp"

namespace simvx {

class ProgressLine {
public:
    // enabled: stderr is a terminal and output is not quiet.
    ProgressLine(bool enabled, std::string label) : enabled_(enabled), label_(std::move(label)) {}
    ~ProgressLine() { clear(); }
    void update(double position_s, std::optional<double> length_s);
    void clear();

private:
    bool enabled_;
    LineInPlace line_;
    std::string label_;
};

}  // namespace simvx
