// --check: what a scene will do, printed after everything was validated.
#pragma once
#include <string>

#include "assemble/prepare.hpp"
#include "scene/scene.hpp"

namespace simvx {

std::string describe_scene(const Scene& scene, const PreparedScene& prepared);

}  // namespace simvx
