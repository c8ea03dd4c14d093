// --normalize's first pass: the scene rendered as --render would render it,
// measured (integrated loudness, true peak) and thrown away. A render is
// deterministic, so the second pass is the same audio.
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
std::optional<OutputLoudness> measure_render(const Scene& scene, const Options& o, DecodedSounds* decoded);

}  // namespace simvx
