// libFuzzer target: the scene loader, TOML text in, a validated Scene (its
// variations then expanded into their triggers) or a SceneError out.
// Relative `file` keys are resolved against the scene's folder, so the
// target makes a temporary folder holding a tiny valid WAV
// ("a.wav") once: inputs naming it get past the file checks into the rest of
// the validation instead of stopping at "no such file".
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "quiet_log.hpp"
#include "tiny_wav.hpp"
#include "scene/loader.hpp"
#include "scene/variation.hpp"

namespace {

const std::string& scene_path() {
    static const TinyWavFolder folder("scene", {"a.wav", "b.wav"});
    static const std::string path = folder.dir() + "/scene.toml";
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace simvx;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        Scene scene = load_scene_text(text, scene_path());
        expand_variations(scene);  // what a run does next: every trigger of every variation
    } catch (const InputError&) {
        // SceneError (an InputError) is the expected answer to a bad scene.
    }
    return 0;
}
