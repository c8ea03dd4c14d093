// The rules of a scene that span several keys or tables, run once every
// table is read: names that must resolve (buses, sends, sidechains), unique
// sound names, one reader of standard input, no bus feeding itself, and each
// effect's own check at the engine rate (a cutoff below Nyquist).
//
// The effect check is the one rule also needed after loading: a scene can
// reach prepare_scene (assemble) at another rate than the one it was loaded
// with (--sample-rate), or built in code. effect_problems() is that check,
// in one place; Scene::effects_checked_rate says at which rate it last ran.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "scene/scene.hpp"

namespace simvx {

namespace schema {
class Checker;
}
namespace scene_format {
struct Draft;
}

// The loader's rules across keys, reported to `c` with their file:line:col.
// Stamps d.scene.effects_checked_rate.
void check_scene(schema::Checker& c, scene_format::Draft& d);

// An effect whose type's check fails at a rate.
struct EffectProblem {
    const BusDesc* bus;
    const EffectDesc* effect;
    std::string problem;  // the type's words: "cutoff_hz 20000 Hz is above the Nyquist frequency ..."
};

// Runs each effect's check (dsp's EffectType::check) at `rate`, in bus and effect order.
std::vector<EffectProblem> effect_problems(const Scene& scene, uint32_t rate);
// One effect's: its values, then each automated value at each of its envelope's
// points (its curves stay between them). Empty when all is well.
std::string effect_problem(const EffectType& type, const EffectDesc& effect, uint32_t rate);

}  // namespace simvx
