// Each effect's rate check (a cutoff below Nyquist) runs once per rate: the
// loader runs it with the file's other problems, prepare_scene only when the
// scene has not had it at the rate it prepares for (--sample-rate changed
// the rate, or the scene was built in code).
#include <gtest/gtest.h>

#include <string>

#include "assemble/prepare.hpp"
#include "scene/loader.hpp"

namespace simvx {
namespace {

const std::string kLowpass =
    "version = 1\n[[bus]]\nname = \"M\"\n[[bus.effect]]\ntype = \"lowpass\"\ncutoff_hz = 20000\n";

// Every problem prepare_scene reports, as its message says them.
std::string prepare_error(const Scene& scene) {
    try {
        prepare_scene(scene, StreamDecoding::none);
    } catch (const SceneError& e) {
        return e.what();
    }
    return {};
}

TEST(EffectCheck, TheLoaderChecksAtTheScenesRate) {
    const Scene scene = load_scene_text(kLowpass, "fx.toml");
    EXPECT_EQ(scene.effects_checked_rate, 48000u);
    EXPECT_EQ(prepare_error(scene), "");
}

TEST(EffectCheck, PrepareChecksAgainAtAnotherRate) {
    Scene scene = load_scene_text(kLowpass, "fx.toml");
    scene.engine.sample_rate = 32000;  // as --sample-rate 32000 does
    EXPECT_EQ(prepare_error(scene),
              "fx.toml:4:1: effect 'lowpass' of bus 'M': cutoff_hz 20000 Hz is above the Nyquist frequency (16000 Hz) "
              "at 32000 Hz");
}

TEST(EffectCheck, PrepareChecksASceneBuiltInCode) {
    Scene scene;
    scene.engine.sample_rate = 32000;
    scene.buses.push_back(BusDesc{.name = "Master", .send_to = ""});
    EffectDesc lowpass;
    lowpass.config = default_config(*find_effect_type("lowpass"));
    lowpass.config.set(find_effect_type("lowpass")->params, "cutoff_hz", 20000);
    scene.buses[0].effects.push_back(lowpass);
    ASSERT_EQ(scene.effects_checked_rate, 0u);
    EXPECT_EQ(prepare_error(scene),
              "effect 'lowpass' of bus 'Master': cutoff_hz 20000 Hz is above the Nyquist frequency (16000 Hz) at "
              "32000 Hz");
}

}  // namespace
}  // namespace simvx
