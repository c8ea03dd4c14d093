// --check on a scene the loader rejected: the files its sounds name are
// still opened and decoded, so a broken file (at its `file` key) and a sound
// whose from_position or loop region lies past its file's end (at its
// [[sound]]) are reported in the same run as the scene's key and value
// errors, all in line order.
#pragma once
#include "scene/loader.hpp"

namespace simvx {

// The loader's diagnostics plus one for each existing sound file that cannot
// be decoded and one for each sound whose timing its file cannot play. `scene_path`: the scene file as given on the command line.
SceneError with_file_problems(const SceneError& error, const std::string& scene_path);

}  // namespace simvx
