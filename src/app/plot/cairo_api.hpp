// cairo (and fontconfig, for FcFini), loaded when the first picture is drawn
// (--plot): cairo pulls in some twenty shared libraries (X11, xcb, pixman,
// freetype, libpng), which cost every start of simvxplay one to two
// milliseconds though few runs draw anything. The functions the plots call
// are looked up once, by their own declared types (core/dynamic_library.hpp).
#pragma once
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "core/dynamic_library.hpp"

namespace simvx::cairo_lib {

// Every cairo function the plots call (FcFini from fontconfig), one list for the table and the loader.
#define SIMVX_CAIRO_FUNCTIONS(X) \
    X(cairo_clip) \
    X(cairo_create) \
    X(cairo_debug_reset_static_data) \
    X(cairo_destroy) \
    X(cairo_fill) \
    X(cairo_get_source) \
    X(cairo_image_surface_create) \
    X(cairo_image_surface_get_data) \
    X(cairo_image_surface_get_stride) \
    X(cairo_line_to) \
    X(cairo_move_to) \
    X(cairo_paint) \
    X(cairo_pattern_set_filter) \
    X(cairo_rectangle) \
    X(cairo_restore) \
    X(cairo_save) \
    X(cairo_select_font_face) \
    X(cairo_set_antialias) \
    X(cairo_set_dash) \
    X(cairo_set_font_size) \
    X(cairo_set_line_width) \
    X(cairo_set_source_rgba) \
    X(cairo_set_source_surface) \
    X(cairo_show_text) \
    X(cairo_status) \
    X(cairo_status_to_string) \
    X(cairo_stroke) \
    X(cairo_surface_destroy) \
    X(cairo_surface_finish) \
    X(cairo_surface_flush) \
    X(cairo_surface_mark_dirty) \
    X(cairo_surface_status) \
    X(cairo_surface_write_to_png) \
    X(cairo_svg_surface_create) \
    X(cairo_text_extents)

struct Api {
    SIMVX_CAIRO_FUNCTIONS(SIMVX_LIBRARY_MEMBER)
    decltype(&::FcFini) FcFini;
};

// The loaded functions; throws OutputError saying why when cairo cannot be
// loaded. --plot asks this before the render starts, so a missing library is
// reported before any work; after that, lib() is enough. Thread-safe; loads once.
const Api& require();
inline const Api& lib() { return require(); }

}  // namespace simvx::cairo_lib
