#include "app/ui/line_in_place.hpp"

#include <cstdio>

#include "core/log.hpp"

namespace simvx {

void LineInPlace::show(const std::string& text) {
    std::fprintf(stderr, "\r%s\033[K", text.c_str());
    std::fflush(stderr);
    drawn_ = true;
    log::set_line_in_place(true);
}

void LineInPlace::clear() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
    log::set_line_in_place(false);
}

}  // namespace simvx
