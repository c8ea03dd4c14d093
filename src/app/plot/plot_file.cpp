#include "app/plot/plot_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"

namespace simvx {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
    if (s.size() < tail.size()) return false;
    return std::equal(tail.rbegin(), tail.rend(), s.rbegin(),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

// cairo's status as a reason, the system's for a failed write.
std::string reason(cairo_status_t status) {
    if (status == CAIRO_STATUS_WRITE_ERROR && errno) return std::strerror(errno);
    return cairo_lib::lib().cairo_status_to_string(status);
}

}  // namespace

std::optional<PlotFormat> plot_format(const std::string& path) {
    if (ends_with(path, ".png")) return PlotFormat::png;
    if (ends_with(path, ".svg")) return PlotFormat::svg;
    return std::nullopt;
}

void write_picture(const std::string& path, int width, int height, const std::function<void(cairo_t*)>& draw) {
    const auto format = plot_format(path);
    if (!format) throw OutputError(path + ": a plot is a .png or .svg file");
    const std::filesystem::path p(path);
    const std::string temp = (p.parent_path() / ("." + p.filename().string() + ".partial-" + std::to_string(::getpid()))).string();
    errno = 0;
    cairo_surface_t* surface = *format == PlotFormat::svg
                                   ? cairo_lib::lib().cairo_svg_surface_create(temp.c_str(), width, height)
                                   : cairo_lib::lib().cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t* cr = cairo_lib::lib().cairo_create(surface);
    draw(cr);
    cairo_status_t status = cairo_lib::lib().cairo_status(cr);
    cairo_lib::lib().cairo_destroy(cr);
    if (status == CAIRO_STATUS_SUCCESS) {
        if (*format == PlotFormat::png) status = cairo_lib::lib().cairo_surface_write_to_png(surface, temp.c_str());
        cairo_lib::lib().cairo_surface_finish(surface);  // the SVG's last bytes
        if (status == CAIRO_STATUS_SUCCESS) status = cairo_lib::lib().cairo_surface_status(surface);
    }
    cairo_lib::lib().cairo_surface_destroy(surface);
    // cairo and fontconfig keep their font caches for the life of the
    // process; nothing of cairo is alive now, so give them back (a later
    // picture builds them again) and a leak checker sees a clean exit.
    cairo_lib::lib().cairo_debug_reset_static_data();
    cairo_lib::lib().FcFini();
    if (status != CAIRO_STATUS_SUCCESS) {
        std::remove(temp.c_str());
        throw OutputError(path + ": cannot write the plot: " + reason(status));
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(temp.c_str());
        throw OutputError(path + ": cannot write the plot: " + why);
    }
}

}  // namespace simvx
