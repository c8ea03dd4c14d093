// The one bound on every time value a user gives: scene keys (start,
// duration, fades, from_position, loop points, path keyframes) and the
// options (--duration, --start-at). A day is longer than any scene anyone
// plays, and short enough that lengths, frame counts and header sizes stay
// far from overflow at any sample rate (a day at 192 kHz is 1.7e10 frames).
// Without it, `start = 1e15` rendered until the disk was full.
#pragma once

namespace simvx {

inline constexpr double kMaxTimeSeconds = 86400;

}  // namespace simvx
