// --normalize's first pass: the scene rendered as --render would render it,
// measured (integrated loudness, true peak) and thrown away. A render is
// deterministic, so the second pass is the same audio. --normalize-limit's
// further passes render with a gain and the output limiter, as the render
// will.
#pragma once
#include <optional>

#include "app/measure/normalization.hpp"
#include "app/options.hpp"
#include "assemble/prepare.hpp"
#include "scene/scene.hpp"

namespace simvx {

// Refuses (UsageError) what cannot be rendered twice: live streams, which
// are read once, and --control-script. None when a signal interrupted it.
// What it decodes into memory is kept in `decoded`, for the second pass.
// `gain_db` at the output, then the limiter aiming at `limiter_ceiling_db` when given.
std::optional<LimitedPass> measure_render(const Scene& scene, const Options& o, DecodedSounds* decoded,
                                          double gain_db = 0, std::optional<double> limiter_ceiling_db = {});

}  // namespace simvx
