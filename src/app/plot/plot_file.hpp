// A picture file, PNG or SVG by its extension, drawn through cairo under a
// temporary name beside it and renamed into place when complete, so a
// failed or interrupted write never leaves a partial picture.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "app/plot/cairo_api.hpp"

namespace simvx {

enum class PlotFormat { png, svg };

// By the extension (case-insensitive); none for any other.
std::optional<PlotFormat> plot_format(const std::string& path);

// Draws a width × height page with `draw` and writes it to `path`; throws
// OutputError naming the file when it cannot.
void write_picture(const std::string& path, int width, int height, const std::function<void(cairo_t*)>& draw);

}  // namespace simvx
