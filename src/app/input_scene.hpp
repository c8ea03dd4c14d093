// Turns the command line's inputs into one Scene: a scene file as loaded, or
// audio files as a gapless playlist (or layered with --mix), with the
// command-line overrides applied on top.
#pragma once
#include "app/options.hpp"
#include "scene/scene.hpp"

namespace simvx {

// Throws UsageError for contradictory inputs/options, InputError for bad files.
Scene scene_from_options(const Options& options);

}  // namespace simvx
