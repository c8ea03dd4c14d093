// The colours of a --plot page, named once: the drawing uses them and the
// tests look for them in the pixels.
#pragma once
#include <cstdint>

namespace simvx {

struct Rgb {
    uint8_t r, g, b;
};

namespace plot_colour {
inline constexpr Rgb page{255, 255, 255};
inline constexpr Rgb strip{246, 246, 246};     // a strip's background
inline constexpr Rgb grid{220, 220, 220};
inline constexpr Rgb frame{120, 120, 120};
inline constexpr Rgb text{30, 30, 30};
inline constexpr Rgb channel[2] = {{31, 119, 180}, {255, 127, 14}};  // waveform: left (or mono), right
inline constexpr Rgb loudness{31, 119, 180};
inline constexpr Rgb true_peak{214, 39, 40};
inline constexpr Rgb residual{214, 39, 40};
inline constexpr Rgb tolerance{30, 30, 30};
}  // namespace plot_colour

// The spectrogram's colour for f in [0, 1] (0 = the range's bottom, dark;
// 1 = its top, bright): black through purple, red and orange to pale yellow.
Rgb heat_colour(double f);
// Perceived brightness 0..255 (Rec. 601 weights), for tests and contrast.
double brightness(Rgb c);

}  // namespace simvx
