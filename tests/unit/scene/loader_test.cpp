#include "scene/loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "dsp/effect_types.hpp"
#include "support/audio.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

namespace fs = std::filesystem;
using test::write_file;

class SceneLoader : public ::testing::Test {
protected:
    void SetUp() override {
        touch("a.wav");
        touch("b.wav");
    }
    // The loader only checks that sound files can be opened; content does not matter here.
    void touch(const std::string& name) { write_file(dir / name, "RIFF"); }
    std::string scene_path() const { return dir / "mix.toml"; }

    Scene load(const std::string& text) {
        write_file(scene_path(), text);
        return load_scene_file(scene_path());
    }

    // Every diagnostic of the scene as "line:col: message".
    std::vector<std::string> errors(const std::string& text) {
        try {
            load(text);
        } catch (const SceneError& e) {
            std::vector<std::string> out;
            for (const auto& d : e.diagnostics()) {
                EXPECT_EQ(d.where.file, scene_path());
                out.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                              d.message);
            }
            return out;
        }
        ADD_FAILURE() << "the scene loaded without error:\n" << text;
        return {};
    }

    // The one diagnostic of a scene expected to have exactly one.
    std::string error(const std::string& text) {
        const auto all = errors(text);
        EXPECT_EQ(all.size(), 1u) << ::testing::PrintToString(all);
        return all.empty() ? std::string() : all.front();
    }

    test::TempDir dir;
};

TEST_F(SceneLoader, FullSceneRoundTripsIntoTheStruct) {
    const Scene scene = load(R"(version = 1

[engine]
sample_rate = 44100
channels = 1
latency_ms = 50
duration = 12.5
pan_law = "constant_power"

[[bus]]
name = "Master"
volume_db = -3
mute = true

[[sound]]
name = "rain"
file = "a.wav"
bus = "Master"
volume_db = -6.5
pitch = 1.0
loop = true
loop_start = 0.5
loop_end = 2.25
start = 1
from_position = 0.25
fade_in = 0.1
fade_out = 0.2
pan = -0.5
stream = "auto"

[[sound]]
file = "b.wav"
stream = false
)");
    EXPECT_EQ(scene.path, scene_path());
    EXPECT_EQ(scene.engine.sample_rate, 44100u);
    EXPECT_EQ(scene.engine.channels, 1u);
    EXPECT_EQ(scene.engine.latency_ms, 50u);
    EXPECT_EQ(scene.engine.duration, 12.5);
    EXPECT_EQ(scene.engine.pan_law, PanLaw::constant_power);

    ASSERT_EQ(scene.buses.size(), 1u);
    EXPECT_EQ(scene.buses[0].name, "Master");
    EXPECT_EQ(scene.buses[0].volume_db, -3.0);
    EXPECT_TRUE(scene.buses[0].mute);
    EXPECT_EQ(scene.buses[0].where.str(), scene_path() + ":10:1");

    ASSERT_EQ(scene.sounds.size(), 2u);
    const SoundDesc& rain = scene.sounds[0];
    EXPECT_EQ(rain.name, "rain");
    EXPECT_EQ(rain.file, dir / "a.wav");
    EXPECT_EQ(rain.bus, "Master");
    EXPECT_EQ(rain.volume_db, -6.5);
    EXPECT_EQ(rain.pitch, 1.0);
    EXPECT_TRUE(rain.loop);
    EXPECT_EQ(rain.loop_start, 0.5);
    EXPECT_EQ(rain.loop_end, 2.25);
    EXPECT_EQ(rain.start, 1.0);
    EXPECT_EQ(rain.from_position, 0.25);
    EXPECT_EQ(rain.fade_in, 0.1);
    EXPECT_EQ(rain.fade_out, 0.2);
    EXPECT_EQ(rain.pan, -0.5);
    EXPECT_EQ(rain.stream, StreamMode::automatic);
    EXPECT_EQ(rain.where.str(), scene_path() + ":15:1");
    EXPECT_EQ(rain.file_where.str(), scene_path() + ":17:8");

    const SoundDesc& second = scene.sounds[1];
    EXPECT_EQ(second.name, "b.wav");
    EXPECT_EQ(second.file, dir / "b.wav");
    EXPECT_EQ(second.where.line, 31u);
    EXPECT_EQ(second.stream, StreamMode::never);
}

TEST_F(SceneLoader, DefaultsFillWhatIsNotGiven) {
    const Scene scene = load("version = 1\n[[sound]]\nfile = \"a.wav\"\n");
    const EngineSettings engine;
    EXPECT_EQ(scene.engine.sample_rate, engine.sample_rate);
    EXPECT_EQ(scene.engine.channels, engine.channels);
    EXPECT_EQ(scene.engine.latency_ms, engine.latency_ms);
    EXPECT_FALSE(scene.engine.duration.has_value());
    EXPECT_EQ(scene.engine.pan_law, PanLaw::balance);

    ASSERT_EQ(scene.buses.size(), 1u);
    EXPECT_EQ(scene.buses[0].name, "Master");
    EXPECT_EQ(scene.buses[0].volume_db, 0.0);
    EXPECT_FALSE(scene.buses[0].mute);
    EXPECT_EQ(scene.buses[0].where.line, 0u);  // not declared

    ASSERT_EQ(scene.sounds.size(), 1u);
    const SoundDesc& s = scene.sounds[0];
    EXPECT_EQ(s.name, "a.wav");  // the file name without its folder
    EXPECT_EQ(s.bus, "Master");
    EXPECT_EQ(s.volume_db, 0.0);
    EXPECT_EQ(s.pitch, 1.0);
    EXPECT_FALSE(s.loop);
    EXPECT_EQ(s.loop_start, 0.0);
    EXPECT_EQ(s.loop_end, 0.0);
    EXPECT_EQ(s.start, 0.0);
    EXPECT_EQ(s.from_position, 0.0);
    EXPECT_EQ(s.fade_in, 0.0);
    EXPECT_EQ(s.fade_out, 0.0);
    EXPECT_EQ(s.pan, 0.0);
    EXPECT_EQ(s.where.str(), scene_path() + ":2:1");
    EXPECT_EQ(s.file_where.str(), scene_path() + ":3:8");
}

TEST_F(SceneLoader, SceneWithoutSoundsHasMaster) {
    const Scene scene = load("version = 1\n");
    EXPECT_TRUE(scene.sounds.empty());
    ASSERT_EQ(scene.buses.size(), 1u);
    EXPECT_EQ(scene.buses[0].name, "Master");
}

TEST_F(SceneLoader, IntegersAreAcceptedForNumbers) {
    const Scene scene = load("version = 1\n[engine]\nduration = 30\n[[sound]]\nfile = \"a.wav\"\npan = 1\n");
    EXPECT_EQ(scene.engine.duration, 30.0);
    EXPECT_EQ(scene.sounds[0].pan, 1.0);
}

TEST_F(SceneLoader, BoundsThemselvesAreAccepted) {
    const Scene scene = load(R"(version = 1
[engine]
sample_rate = 192000
channels = 2
latency_ms = 2000
duration = 86400
[[sound]]
file = "a.wav"
volume_db = 24
pan = -1
[[sound]]
file = "b.wav"
volume_db = -120
)");
    EXPECT_EQ(scene.engine.sample_rate, 192000u);
    EXPECT_EQ(scene.sounds[0].volume_db, 24.0);
    EXPECT_EQ(scene.sounds[1].volume_db, -120.0);
}

// ---- range checks ------------------------------------------------------------

struct RangeCase {
    const char* table;     // line 2
    const char* key_line;  // line 4
    const char* expected;  // "line:col: message"
};

void PrintTo(const RangeCase& c, std::ostream* os) { *os << c.table << " " << c.key_line; }

class SceneLoaderRange : public SceneLoader, public ::testing::WithParamInterface<RangeCase> {};

TEST_P(SceneLoaderRange, ReportsTheKeyValueAndAllowedRangeAtTheValue) {
    const RangeCase& c = GetParam();
    const std::string table = c.table;
    // Line 3 names the sound's file, the Master bus, or is a comment in [engine].
    const std::string line3 = table == "[[sound]]" ? "file = \"a.wav\"" : table == "[[bus]]" ? "name = \"Master\"" : "#";
    EXPECT_EQ(error("version = 1\n" + table + "\n" + line3 + "\n" + c.key_line + "\n"), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Keys, SceneLoaderRange,
    ::testing::Values(
        RangeCase{"[[sound]]", "volume_db = 30", "4:13: 'volume_db' in [[sound]] must be between -120 and 24 dB, found 30"},
        RangeCase{"[[sound]]", "volume_db = -120.5", "4:13: 'volume_db' in [[sound]] must be between -120 and 24 dB, found -120.5"},
        RangeCase{"[[sound]]", "volume_db = nan", "4:13: 'volume_db' in [[sound]] must be between -120 and 24 dB, found nan"},
        RangeCase{"[[sound]]", "pitch = 0", "4:9: 'pitch' in [[sound]] must be between 0.01 and 16, found 0"},
        RangeCase{"[[sound]]", "pitch = 17.0", "4:9: 'pitch' in [[sound]] must be between 0.01 and 16, found 17.0"},
        RangeCase{"[[sound]]", "loop_start = -1", "4:14: 'loop_start' in [[sound]] must be between 0 and 86400 s, found -1"},
        RangeCase{"[[sound]]", "loop_end = -0.5", "4:12: 'loop_end' in [[sound]] must be between 0 and 86400 s, found -0.5"},
        RangeCase{"[[sound]]", "start = -2", "4:9: 'start' in [[sound]] must be between 0 and 86400 s, found -2"},
        RangeCase{"[[sound]]", "start = inf", "4:9: 'start' in [[sound]] must be between 0 and 86400 s, found inf"},
        RangeCase{"[[sound]]", "start = 1e15", "4:9: 'start' in [[sound]] must be between 0 and 86400 s, found 1e+15"},
        RangeCase{"[[sound]]", "from_position = -1", "4:17: 'from_position' in [[sound]] must be between 0 and 86400 s, found -1"},
        RangeCase{"[[sound]]", "fade_in = -1", "4:11: 'fade_in' in [[sound]] must be between 0 and 86400 s, found -1"},
        RangeCase{"[[sound]]", "fade_out = -0.1", "4:12: 'fade_out' in [[sound]] must be between 0 and 86400 s, found -0.1"},
        RangeCase{"[[sound]]", "pan = 1.5", "4:7: 'pan' in [[sound]] must be between -1 and 1, found 1.5"},
        RangeCase{"[[sound]]", "pan = -2", "4:7: 'pan' in [[sound]] must be between -1 and 1, found -2"},
        RangeCase{"[engine]", "sample_rate = 4000", "4:15: 'sample_rate' in [engine] must be an integer between 8000 and 192000 Hz, found 4000"},
        RangeCase{"[engine]", "sample_rate = 200000", "4:15: 'sample_rate' in [engine] must be an integer between 8000 and 192000 Hz, found 200000"},
        RangeCase{"[engine]", "channels = 3",
                  "4:12: 'channels' in [engine] must be 1 (mono), 2 (stereo), 4 (quad), 6 (5.1) or 8 (7.1), found 3"},
        RangeCase{"[engine]", "channels = 0",
                  "4:12: 'channels' in [engine] must be 1 (mono), 2 (stereo), 4 (quad), 6 (5.1) or 8 (7.1), found 0"},
        RangeCase{"[engine]", "latency_ms = 0", "4:14: 'latency_ms' in [engine] must be an integer between 1 and 2000 ms, found 0"},
        RangeCase{"[engine]", "latency_ms = 2001", "4:14: 'latency_ms' in [engine] must be an integer between 1 and 2000 ms, found 2001"},
        RangeCase{"[engine]", "duration = 0", "4:12: 'duration' in [engine] must be greater than 0 and at most 86400 s, found 0"},
        RangeCase{"[engine]", "duration = 90000.0", "4:12: 'duration' in [engine] must be greater than 0 and at most 86400 s, found 90000.0"},
        RangeCase{"[[bus]]", "volume_db = 25", "4:13: 'volume_db' in [[bus]] must be between -120 and 24 dB, found 25"}));

TEST_F(SceneLoader, LoopEndMustFollowLoopStart) {
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nloop_start = 2\nloop_end = 1.5\n"),
              "5:12: 'loop_end' in [[sound]] must be greater than loop_start (2 s), or 0 for the end of the file, "
              "found 1.5");
    // 0 means "the end of the file", whatever loop_start is.
    EXPECT_EQ(load("version = 1\n[[sound]]\nfile = \"a.wav\"\nloop_start = 2\nloop_end = 0\n").sounds[0].loop_end, 0.0);
}

TEST_F(SceneLoader, BadEnumNamesTheChoicesAndSuggests) {
    EXPECT_EQ(error("version = 1\n[engine]\npan_law = \"balanse\"\n"),
              "3:11: 'pan_law' in [engine] must be one of \"balance\", \"constant_power\", found \"balanse\"; "
              "did you mean \"balance\"?");
    EXPECT_EQ(error("version = 1\n[engine]\npan_law = \"linear\"\n"),
              "3:11: 'pan_law' in [engine] must be one of \"balance\", \"constant_power\", found \"linear\"");
}

// ---- unknown keys --------------------------------------------------------------

TEST_F(SceneLoader, UnknownKeySuggestsTheClosest) {
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nvolme_db = -6\n"),
              "4:1: unknown key 'volme_db' in [[sound]]; did you mean 'volume_db'?");
    EXPECT_EQ(error("version = 1\n[engine]\n  smaple_rate = 44100\n"),
              "3:3: unknown key 'smaple_rate' in [engine]; did you mean 'sample_rate'?");
    EXPECT_EQ(error("verison = 1\nversion = 1\n"), "1:1: unknown key 'verison' at the top level; did you mean 'version'?");
}

TEST_F(SceneLoader, UnknownKeyWithoutCloseNameListsTheAllowedKeys) {
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nreverb_mix = 0.5\n"),
              "4:1: unknown key 'reverb_mix' in [[sound]]; allowed keys: name, file, files, pick, bus, volume_db, pitch, "
              "loop, loop_start, loop_end, start, from_position, fade_in, fade_out, pan, [sound.repeat], max_voices, steal, "
              "stop, enabled, "
              "stream, sends, [sound.spatial]");
    EXPECT_EQ(error("version = 1\n[engine]\ngain = 1\n"),
              "3:1: unknown key 'gain' in [engine]; allowed keys: sample_rate, channels, latency_ms, duration, pan_law, resampler, "
              "speed_of_sound, doppler_factor, air_absorption, spatial, hrtf_file, seed, virtual_below_db, lfe_db, lfe_cutoff_hz, "
              "title, artist, album, comment, date, genre");
}

TEST_F(SceneLoader, EngineTagsBecomeTheRendersTags) {
    const Scene scene = load("version = 1\n[engine]\ntitle = \"Night mix\"\ndate = \"2026\"\n"
                             "comment = \"Zoë's\"\n[[sound]]\nfile = \"a.wav\"\n");
    // Vorbis comment names; toml++ hands a table's keys over sorted.
    EXPECT_EQ(scene.engine.tags, (Tags{{"COMMENT", "Zoë's"}, {"DATE", "2026"}, {"TITLE", "Night mix"}}));
    EXPECT_EQ(error("version = 1\n[engine]\ntitle = 3\n"), "3:9: 'title' in [engine] must be a string, found an integer (3)");
}

TEST_F(SceneLoader, UnknownTableSuggestsTheClosest) {
    EXPECT_EQ(error("version = 1\n[engin]\nchannels = 2\n"), "2:2: unknown table '[engin]'; did you mean '[engine]'?");
    EXPECT_EQ(error("version = 1\n[[sonud]]\nfile = \"a.wav\"\n"),
              "2:3: unknown table '[[sonud]]'; did you mean '[[sound]]'?");
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\n[sound.spatail]\nposition = [1, 0, 0]\n"),
              "4:8: unknown table '[sound.spatail]'; did you mean '[sound.spatial]'?");
    EXPECT_EQ(error("version = 1\n[mixer]\n"),
              "2:2: unknown table '[mixer]'; allowed keys: version, [engine], [listener], [[bus]], [[sound]], [[stream]]");
}

// ---- types -----------------------------------------------------------------------

TEST_F(SceneLoader, WrongTypeNamesWhatWasExpectedAndFound) {
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nvolume_db = \"loud\"\n"),
              "4:13: 'volume_db' in [[sound]] must be a number or an envelope ({ points = [[t, value], ...] }), found "
              "a string (\"loud\")");
    EXPECT_EQ(error("version = 1\n[engine]\nsample_rate = 48000.0\n"),
              "3:15: 'sample_rate' in [engine] must be an integer, found a floating-point number (48000.0)");
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nloop = 1\n"),
              "4:8: 'loop' in [[sound]] must be true or false, found an integer (1)");
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = 3\n"), "3:8: 'file' in [[sound]] must be a string, found an integer (3)");
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nname = [\"x\"]\n"),
              "4:8: 'name' in [[sound]] must be a string, found an array");
    EXPECT_EQ(error("version = 1\n[engine]\npan_law = 1\n"),
              "3:11: 'pan_law' in [engine] must be one of \"balance\", \"constant_power\", found an integer (1)");
    EXPECT_EQ(error("version = 1\nengine = 3\n"), "2:10: 'engine' at the top level must be a table ([engine]), found an integer (3)");
    EXPECT_EQ(error("version = 1\n[sound]\nfile = \"a.wav\"\n"),
              "2:1: 'sound' at the top level must be an array of tables ([[sound]]), found a table");
    EXPECT_EQ(error("version = 1\nsound = [1]\n"), "2:10: each entry of 'sound' must be a table ([[sound]]), found an integer (1)");
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nstream = \"yes\"\n"),
              "4:10: 'stream' in [[sound]] must be \"auto\", true or false, found a string (\"yes\")");
}

TEST_F(SceneLoader, EmptyStringsAreRejected) {
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"\"\n"), "3:8: 'file' in [[sound]] must not be empty");
}

TEST_F(SceneLoader, ListenerAndSpatialSoundsLoad) {
    const Scene scene = load(R"(version = 1
[engine]
speed_of_sound = 340
doppler_factor = 0.5
[listener]
position = [1, 2, 3]
direction = [1, 0, 0]
world_up = [0, 0, 1]
velocity = [0, 0, 2.5]
path = [[0, 0, 0, 0], [2, 10, 0, 0]]
[[sound]]
file = "a.wav"
[sound.spatial]
position = [5, 0, -2]
velocity = [1, 0, 0]
path = [[0.5, -20, 0, -5], [4, 20, 0, -5]]
attenuation = "exponential"
min_distance = 2
max_distance = 50
rolloff = 0.5
doppler = 2
cone = { inner_deg = 90, outer_deg = 180, outer_gain_db = -12, direction = [0, 0, 1] }
[[sound]]
file = "a.wav"
pan = 0.5
)");
    EXPECT_EQ(scene.engine.speed_of_sound, 340);
    EXPECT_EQ(scene.engine.doppler_factor, 0.5);
    EXPECT_EQ(scene.listener.position, (Vec3{1, 2, 3}));
    EXPECT_EQ(scene.listener.direction, (Vec3{1, 0, 0}));
    EXPECT_EQ(scene.listener.world_up, (Vec3{0, 0, 1}));
    EXPECT_EQ(scene.listener.velocity, (Vec3{0, 0, 2.5}));
    ASSERT_EQ(scene.listener.path.keyframes.size(), 2u);
    EXPECT_EQ(scene.listener.path.keyframes[1].t, 2);
    EXPECT_EQ(scene.listener.path.keyframes[1].position, (Vec3{10, 0, 0}));
    ASSERT_TRUE(scene.sounds.at(0).spatial);
    const SpatialDesc& s = *scene.sounds[0].spatial;
    EXPECT_EQ(s.position, (Vec3{5, 0, -2}));
    EXPECT_EQ(s.velocity, (Vec3{1, 0, 0}));
    ASSERT_EQ(s.path.keyframes.size(), 2u);
    EXPECT_EQ(s.path.keyframes[0].t, 0.5);
    EXPECT_EQ(s.attenuation, Attenuation::exponential);
    EXPECT_EQ(s.min_distance, 2);
    EXPECT_EQ(s.max_distance, 50);
    EXPECT_EQ(s.rolloff, 0.5);
    EXPECT_EQ(s.doppler, 2);
    EXPECT_EQ(s.cone.inner_deg, 90);
    EXPECT_EQ(s.cone.outer_deg, 180);
    EXPECT_EQ(s.cone.outer_gain_db, -12);
    EXPECT_EQ(s.cone.direction, (Vec3{0, 0, 1}));
    EXPECT_FALSE(scene.sounds.at(1).spatial);
}

TEST_F(SceneLoader, PathsNameTheirCurvesAndMayLoop) {
    const std::string sound = "version = 1\n[[sound]]\nfile = \"a.wav\"\n[sound.spatial]\n";
    const Scene scene = load(sound + "path = { points = [[0, 1, 0, -1], [2, 4, 0, -1, \"exponential\"], "
                                     "[3, 0, 0, -1, \"target\", 0.2], [4, 1, 0, -1]], curve = \"step\", loop = true }\n");
    const MotionPath& p = scene.sounds.at(0).spatial->path;
    ASSERT_EQ(p.keyframes.size(), 4u);
    EXPECT_TRUE(p.loop);
    EXPECT_EQ(p.keyframes[1].curve, EnvelopeCurve::exponential);
    EXPECT_EQ(p.keyframes[2].curve, EnvelopeCurve::target);
    EXPECT_EQ(p.keyframes[2].time_constant, 0.2);
    EXPECT_EQ(p.keyframes[3].curve, EnvelopeCurve::step);  // the table's default
    // A plain keyframe may name its curve too.
    EXPECT_EQ(load(sound + "path = [[0, 0, 0, -1], [1, 2, 0, -1, \"step\"]]\n").sounds.at(0).spatial->path.keyframes[1].curve,
              EnvelopeCurve::step);
    EXPECT_EQ(error(sound + "path = [[0, -1, 0, -1], [1, 2, 0, -1, \"exponential\"]]\n"),
              "5:25: keyframe 2 of 'path' in [sound.spatial]: x: an exponential ramp from -1 to 2 is impossible: "
              "both ends must be non-zero and of the same sign");
    EXPECT_EQ(error(sound + "path = [[0, 0, 0, -1], [1, 2, 0, -1, \"wobble\"]]\n"),
              "5:38: 'curve' of a keyframe of 'path' in [sound.spatial] must be one of \"step\", \"linear\", "
              "\"exponential\", \"target\", found \"wobble\"");
    EXPECT_EQ(error(sound + "path = { points = [[0, 0, 0, -1], [1, 2, 0, -1]], loop = \"yes\" }\n"),
              "5:58: 'loop' in an envelope must be true or false, found a string (\"yes\")");
}

TEST_F(SceneLoader, BadSpatialValuesNameTheirPlace) {
    const std::string sound = "version = 1\n[[sound]]\nfile = \"a.wav\"\n[sound.spatial]\n";
    EXPECT_EQ(error(sound + "position = [1, 2]\n"),
              "5:12: 'position' in [sound.spatial] must be an array of 3 numbers [x, y, z], found an array");
    EXPECT_EQ(error(sound + "velocity = [1, \"a\", 2]\n"),
              "5:16: each value of 'velocity' in [sound.spatial] must be a finite number ([x, y, z]), found a string "
              "(\"a\")");
    EXPECT_EQ(error(sound + "path = [[0, 0, 0, 0], [0, 1, 1, 1]]\n"),
              "5:23: keyframe times in 'path' in [sound.spatial] must increase: 0 s comes after 0 s");
    EXPECT_EQ(error(sound + "path = [[0, 0, 0]]\n"),
              "5:9: each keyframe of 'path' in [sound.spatial] must be [t, x, y, z] (4 numbers), [t, x, y, z, \"curve\"] "
              "or [t, x, y, z, \"target\", time_constant], found an array");
    EXPECT_EQ(error(sound + "attenuation = \"inverse_clamped\"\n"),
              "5:15: 'attenuation' in [sound.spatial] must be one of \"none\", \"inverse\", \"linear\", "
              "\"exponential\", found \"inverse_clamped\"");
    EXPECT_EQ(error(sound + "min_distance = 0\n"),
              "5:16: 'min_distance' in [sound.spatial] must be greater than 0 and at most 10000 m, found 0");
    EXPECT_EQ(error(sound + "min_distance = 10\nmax_distance = 5\n"),
              "6:16: 'max_distance' in [sound.spatial] must be at least min_distance (10 m), found 5");
    EXPECT_EQ(error(sound + "cone = { inner_deg = 90, outer_deg = 60 }\n"),
              "5:38: 'outer_deg' of the cone must be at least inner_deg (90), found 60");
    EXPECT_EQ(error(sound + "cone = { inner = 90 }\n"),
              "5:10: unknown key 'inner' in the cone of [sound.spatial]; allowed keys: inner_deg, outer_deg, "
              "outer_gain_db, direction");
    EXPECT_EQ(error(sound + "cone = { direction = [0, 0, 0] }\n"),
              "5:22: 'direction' in the cone of [sound.spatial] is a direction and must not be [0, 0, 0]");
    EXPECT_EQ(error(sound + "rollof = 2\n"), "5:1: unknown key 'rollof' in [sound.spatial]; did you mean 'rolloff'?");
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\npan = 0.5\n[sound.spatial]\nposition = [1, 0, 0]\n"),
              "4:7: 'pan' in [[sound]] is for 2D sounds; a sound with [sound.spatial] is panned by its position");
    EXPECT_EQ(error("version = 1\n[listener]\ndirection = [0, 2, 0]\n"),
              "3:13: 'world_up' and 'direction' in [listener] must not be parallel (the listener's right would be "
              "undefined)");
    EXPECT_EQ(error("version = 1\n[listener]\nposition = 3\n"),
              "3:12: 'position' in [listener] must be an array of 3 numbers [x, y, z], found an integer (3)");
    EXPECT_EQ(error("version = 1\n[engine]\nspeed_of_sound = 0\n"),
              "3:18: 'speed_of_sound' in [engine] must be greater than 0 and at most 10000 m/s, found 0");
    EXPECT_EQ(error("version = 1\n[engine]\ndoppler_factor = -1\n"),
              "3:18: 'doppler_factor' in [engine] must be between 0 and 100, found -1");
}

TEST_F(SceneLoader, PitchAndResamplerLoad) {
    const Scene scene = load("version = 1\n[engine]\nresampler = \"cubic\"\n[[sound]]\nfile = \"a.wav\"\npitch = 1.5\n");
    EXPECT_EQ(scene.engine.interpolator, Interpolator::cubic);
    EXPECT_EQ(scene.sounds.at(0).pitch, 1.5);
    EXPECT_EQ(load("version = 1\n").engine.interpolator, Interpolator::sinc);
    EXPECT_EQ(error("version = 1\n[engine]\nresampler = \"cubc\"\n"),
              "3:13: 'resampler' in [engine] must be one of \"sinc\", \"cubic\", \"linear\", found \"cubc\"; "
              "did you mean \"cubic\"?");
}

// ---- live streams ---------------------------------------------------------------------

TEST_F(SceneLoader, StreamsLoadWithDefaultsAndPathsResolved) {
    touch("voice.fifo");
    const Scene scene = load(R"(version = 1
[[bus]]
name = "Voice"
[[stream]]
source = "-"
[[stream]]
source = "voice.fifo"
format = "wav"
rate = 24000
channels = 1
bus = "Voice"
volume_db = -3
buffer_ms = 40
)");
    ASSERT_EQ(scene.streams.size(), 2u);
    const StreamDesc& a = scene.streams[0];
    EXPECT_EQ(a.source, "-");
    EXPECT_EQ(a.format, PcmFormat::s16);
    EXPECT_EQ(a.rate, 48000u);
    EXPECT_EQ(a.channels, 2u);
    EXPECT_EQ(a.bus, "Master");
    EXPECT_EQ(a.buffer_ms, 250u);
    const StreamDesc& b = scene.streams[1];
    EXPECT_EQ(b.source, std::string(dir / "voice.fifo"));
    EXPECT_EQ(b.format, PcmFormat::wav);
    EXPECT_EQ(b.rate, 24000u);
    EXPECT_EQ(b.channels, 1u);
    EXPECT_EQ(b.bus, "Voice");
    EXPECT_EQ(b.volume_db, -3.0);
    EXPECT_EQ(b.buffer_ms, 40u);
    EXPECT_EQ(b.where.line, 6u);
}

TEST_F(SceneLoader, BadStreamsAreReportedWithSuggestions) {
    EXPECT_EQ(error("version = 1\n[[stream]]\nsource = \"-\"\nformat = \"s61\"\n"),
              "4:10: 'format' in [[stream]] must be one of \"s16\", \"s24\", \"s32\", \"f32\", \"wav\", found "
              "\"s61\"; did you mean \"s16\"?");
    EXPECT_EQ(error("version = 1\n[[stream]]\nsource = \"-\"\nchanels = 1\n"),
              "4:1: unknown key 'chanels' in [[stream]]; did you mean 'channels'?");
    EXPECT_EQ(error("version = 1\n[[stream]]\nsource = \"-\"\nchannels = 9\n"),
              "4:12: 'channels' in [[stream]] must be an integer between 1 and 8, found 9");
    EXPECT_EQ(error("version = 1\n[[stream]]\nsource = \"-\"\nrate = 4000\n"),
              "4:8: 'rate' in [[stream]] must be an integer between 8000 and 192000 Hz, found 4000");
    EXPECT_EQ(error("version = 1\n[[stream]]\nsource = \"-\"\nbuffer_ms = 0\n"),
              "4:13: 'buffer_ms' in [[stream]] must be an integer between 5 and 10000 ms, found 0");
    EXPECT_EQ(error("version = 1\n[[stream]]\nformat = \"s16\"\n"),
              "2:1: missing required key 'source' in [[stream]] (\"-\" for standard input)");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"Voice\"\n[[stream]]\nsource = \"-\"\nbus = \"Voise\"\n"),
              "6:7: unknown bus \"Voise\" in [[stream]]; did you mean \"Voice\"? (buses: Master, Voice)");
    EXPECT_EQ(error("version = 1\n[[stream]]\nsource = \"-\"\n[[stream]]\nsource = \"-\"\n"),
              "5:10: only one stream can read standard input (\"-\"); the first is at " + scene_path() +
                  ":3:10; give the others a FIFO path");
    const auto missing = error("version = 1\n[[stream]]\nsource = \"nope.fifo\"\n");
    EXPECT_NE(missing.find("3:10: 'source' in [[stream]]: cannot open \"nope.fifo\""), std::string::npos) << missing;
}

// ---- buses, sends and effects ----------------------------------------------------------

TEST_F(SceneLoader, BusesRoutingSendsAndEffectsLoad) {
    const Scene scene = load(R"(version = 1
[[bus]]
name = "Music"
volume_db = -6
solo = true
bypass_effects = true
sends = [ { bus = "Verb", volume_db = -12 } ]
[[bus.effect]]
type = "compressor"
threshold_db = -30
ratio = 8
sidechain = "Voice"
[[bus.effect]]
type = "eq"
enabled = false
bands = [ { type = "lowshelf", freq = 120, gain_db = -3 }, { freq = 3000, q = 2, gain_db = 2 } ]
[[bus]]
name = "Verb"
send_to = "Master"
[[bus.effect]]
type = "reverb"
freeze = true
[[bus]]
name = "Voice"
[[sound]]
file = "a.wav"
bus = "Music"
sends = [ { bus = "Verb" } ]
)");
    ASSERT_EQ(scene.buses.size(), 4u);
    EXPECT_EQ(scene.buses[0].name, "Master");
    EXPECT_EQ(scene.buses[0].send_to, "");
    const BusDesc& music = scene.buses[1];
    EXPECT_EQ(music.name, "Music");
    EXPECT_EQ(music.send_to, "Master");
    EXPECT_TRUE(music.solo);
    EXPECT_TRUE(music.bypass_effects);
    ASSERT_EQ(music.sends.size(), 1u);
    EXPECT_EQ(music.sends[0].bus, "Verb");
    EXPECT_EQ(music.sends[0].volume_db, -12.0);
    ASSERT_EQ(music.effects.size(), 2u);
    const EffectConfig& comp = music.effects[0].config;
    const EffectType* type = find_effect_type("compressor");
    ASSERT_NE(type, nullptr);
    EXPECT_EQ(comp.value(type->params, "threshold_db"), -30.0);
    EXPECT_EQ(comp.value(type->params, "ratio"), 8.0);
    EXPECT_EQ(comp.value(type->params, "attack_ms"), 5.0);  // the default
    EXPECT_EQ(comp.sidechain, "Voice");
    const EffectConfig& eq = music.effects[1].config;
    EXPECT_FALSE(eq.enabled);
    ASSERT_EQ(eq.bands.size(), 2u);
    EXPECT_EQ(eq.bands[0].type, EqBand::Type::lowshelf);
    EXPECT_EQ(eq.bands[1].type, EqBand::Type::peaking);
    EXPECT_EQ(eq.bands[1].q, 2.0);
    EXPECT_EQ(scene.buses[2].effects[0].config.value(find_effect_type("reverb")->params, "freeze"), 1.0);
    ASSERT_EQ(scene.sounds[0].sends.size(), 1u);
    EXPECT_EQ(scene.sounds[0].sends[0].volume_db, 0.0);
}

TEST_F(SceneLoader, UnknownBusNamesSuggestTheClosest) {
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"Music\"\nsend_to = \"Musik\"\n"),
              "4:11: unknown bus \"Musik\" in 'send_to' of bus \"Music\"; did you mean \"Music\"? (buses: Master, Music)");
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nsends = [{ bus = \"Revrb\" }]\n"),
              "4:18: unknown bus \"Revrb\" in the sends of [[sound]] (buses: Master)");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"Music\"\n[[bus.effect]]\ntype = \"compressor\"\nsidechain = \"voice\"\n"
                    "[[bus]]\nname = \"Voice\"\n"),
              "6:13: unknown bus \"voice\" in the sidechain of bus \"Music\"; did you mean \"Voice\"? (bus names are "
              "case-sensitive) (buses: Master, Music, Voice)");
}

TEST_F(SceneLoader, CyclesNameTheirBuses) {
    const std::string e = error("version = 1\n[[bus]]\nname = \"A\"\nsend_to = \"B\"\n[[bus]]\nname = \"B\"\nsend_to = \"A\"\n");
    EXPECT_NE(e.find("bus cycle: "), std::string::npos) << e;
    EXPECT_NE(e.find("A → B"), std::string::npos) << e;
    EXPECT_NE(e.find("B → A"), std::string::npos) << e;
    // A sidechain counts: Music is keyed by Master, which Music feeds.
    const std::string k = error("version = 1\n[[bus]]\nname = \"Music\"\n[[bus.effect]]\ntype = \"compressor\"\n"
                                "sidechain = \"Master\"\n");
    EXPECT_NE(k.find("bus cycle: "), std::string::npos) << k;
}

TEST_F(SceneLoader, MasterIsTheOutput) {
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"Master\"\nsend_to = \"Master\"\n"),
              "4:11: bus \"Master\" is the output and has no 'send_to'");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"Music\"\n[[bus]]\nname = \"Music\"\n"),
              "5:8: bus \"Music\" is declared twice (first at " + scene_path() + ":2:1)");
}

TEST_F(SceneLoader, EffectParametersAreValidated) {
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"M\"\n[[bus.effect]]\ntype = \"lowpass\"\nq = 0\n"),
              "6:5: 'q' in [[bus.effect]] of type \"lowpass\" must be greater than 0 and at most 100, found 0");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"M\"\n[[bus.effect]]\ntype = \"delay\"\ntime_seconds = -1\n"),
              "6:16: 'time_seconds' in [[bus.effect]] of type \"delay\" must be greater than 0 and at most 10 s, found -1");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"M\"\n[[bus.effect]]\ntype = \"compressor\"\nratio = 0.5\n"),
              "6:9: 'ratio' in [[bus.effect]] of type \"compressor\" must be between 1 and 100, found 0.5");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"M\"\n[[bus.effect]]\ntype = \"reverb\"\nroom_sise = 0.5\n"),
              "6:1: unknown key 'room_sise' in [[bus.effect]] of type \"reverb\"; did you mean 'room_size'?");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"M\"\n[[bus.effect]]\ntype = \"reverb\"\nmix = 0.5\n"),
              "6:1: unknown key 'mix' in [[bus.effect]] of type \"reverb\"; allowed keys: type, enabled, room_size, "
              "damping, wet, dry, width, freeze");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"M\"\n[[bus.effect]]\ntype = \"reverbb\"\n"),
              "5:8: 'type' in [[bus.effect]] must be one of gain, lowpass, highpass, bandpass, notch, eq, delay, reverb, "
              "compressor, limiter, softclip, found a string (\"reverbb\"); did you mean \"reverb\"?");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"M\"\n[[bus.effect]]\nenabled = true\n"),
              "4:1: missing required key 'type' in [[bus.effect]]; one of: gain, lowpass, highpass, bandpass, notch, eq, "
              "delay, reverb, compressor, limiter, softclip");
    // A cutoff above Nyquist at the scene's rate.
    const std::string nyq = error("version = 1\n[engine]\nsample_rate = 32000\n[[bus]]\nname = \"M\"\n[[bus.effect]]\n"
                                  "type = \"lowpass\"\ncutoff_hz = 20000\n");
    EXPECT_NE(nyq.find("6:1: effect \"lowpass\" of bus \"M\": "), std::string::npos) << nyq;
    EXPECT_NE(nyq.find("Nyquist"), std::string::npos) << nyq;
}

// ---- version ------------------------------------------------------------------------

TEST_F(SceneLoader, VersionIsRequired) {
    EXPECT_EQ(error("[[sound]]\nfile = \"a.wav\"\n"),
              "1:1: missing required key 'version' at the top level; a scene starts with version = 1");
    EXPECT_EQ(error(""), "1:1: missing required key 'version' at the top level; a scene starts with version = 1");
}

TEST_F(SceneLoader, OnlyVersionOneIsRead) {
    EXPECT_EQ(error("version = 2\n"), "1:11: unsupported scene format version 2; simvxplay 0.1 reads version = 1");
    EXPECT_EQ(error("version = \"1\"\n"),
              "1:11: 'version' at the top level must be the integer 1, found a string (\"1\")");
}

// ---- names, buses and files ---------------------------------------------------------------

TEST_F(SceneLoader, SoundNamesMustBeUnique) {
    EXPECT_EQ(error("version = 1\n[[sound]]\nname = \"rain\"\nfile = \"a.wav\"\n[[sound]]\nname = \"rain\"\nfile = "
                    "\"b.wav\"\n"),
              "6:8: duplicate sound name \"rain\" (first used at " + scene_path() +
                  ":3:8); sound names must be unique");
}

TEST_F(SceneLoader, DefaultNamesMayRepeat) {
    // The same file played twice without names is fine: only given names must be unique.
    const Scene scene = load("version = 1\n[[sound]]\nfile = \"a.wav\"\n[[sound]]\nfile = \"a.wav\"\nstart = 2\n");
    ASSERT_EQ(scene.sounds.size(), 2u);
    EXPECT_EQ(scene.sounds[0].name, "a.wav");
    EXPECT_EQ(scene.sounds[1].name, "a.wav");
}

TEST_F(SceneLoader, FileIsRequired) {
    EXPECT_EQ(error("version = 1\n[[sound]]\nname = \"x\"\n"), "2:1: missing required key 'file' in [[sound]] (or 'files')");
}

TEST_F(SceneLoader, BusNeedsAName) {
    EXPECT_EQ(error("version = 1\n[[bus]]\nvolume_db = -3\n"), "2:1: missing required key 'name' in [[bus]]");
}

TEST_F(SceneLoader, MasterDeclaredTwice) {
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"Master\"\n[[bus]]\nname = \"Master\"\n"),
              "5:8: bus \"Master\" is declared twice (first at " + scene_path() + ":2:1)");
}

TEST_F(SceneLoader, UnknownBusListsTheBusesAndSuggests) {
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nbus = \"master\"\n"),
              "4:7: unknown bus \"master\" in [[sound]]; did you mean \"Master\"? (bus names are case-sensitive) "
              "(buses: Master)");
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"a.wav\"\nbus = \"Drums\"\n"),
              "4:7: unknown bus \"Drums\" in [[sound]] (buses: Master)");
}

TEST_F(SceneLoader, MissingFileIsReportedAtItsKey) {
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"nope.wav\"\n"),
              "3:8: 'file' in [[sound]]: cannot open \"nope.wav\" (resolved to \"" + (dir / "nope.wav") +
                  "\"): No such file or directory");
    fs::create_directory(dir / "folder");
    EXPECT_EQ(error("version = 1\n[[sound]]\nfile = \"folder\"\n"),
              "3:8: 'file' in [[sound]]: cannot open \"folder\" (resolved to \"" + (dir / "folder") +
                  "\"): it is a directory, not a file");
}

TEST_F(SceneLoader, RelativePathsResolveAgainstTheSceneFolder) {
    fs::create_directories(dir.path() / "scenes" / "assets");
    write_file(dir / "scenes/assets/rain.wav", "RIFF");
    const std::string scene_file = dir / "scenes/mix.toml";
    write_file(scene_file, "version = 1\n[[sound]]\nfile = \"assets/rain.wav\"\n[[sound]]\nfile = \"../a.wav\"\n"
                           "[[sound]]\nfile = \"" + (dir / "b.wav") + "\"\n");
    const Scene scene = load_scene_file(scene_file);
    ASSERT_EQ(scene.sounds.size(), 3u);
    EXPECT_EQ(scene.sounds[0].file, dir / "scenes/assets/rain.wav");
    EXPECT_EQ(scene.sounds[0].name, "rain.wav");
    EXPECT_TRUE(fs::equivalent(scene.sounds[1].file, dir / "a.wav"));
    EXPECT_EQ(scene.sounds[2].file, dir / "b.wav");  // absolute: unchanged
}

TEST_F(SceneLoader, TextIsResolvedAgainstTheFolderOfItsPath) {
    // load_scene_text: the path names the scene in messages and sets the folder.
    const Scene scene = load_scene_text("version = 1\n[[sound]]\nfile = \"a.wav\"\n", dir / "virtual.toml");
    EXPECT_EQ(scene.path, dir / "virtual.toml");
    EXPECT_EQ(scene.sounds[0].file, dir / "a.wav");
    EXPECT_EQ(scene.sounds[0].where.file, dir / "virtual.toml");
}

// ---- collecting, ordering, syntax -----------------------------------------------------------

TEST_F(SceneLoader, CollectsEveryErrorInFileOrder) {
    const auto all = errors(R"(version = 1
[[sound]]
file = "a.wav"
pitch = 0
volme_db = 3
[engine]
channels = 3
[[sound]]
file = "missing.wav"
bus = "master"
)");
    ASSERT_EQ(all.size(), 5u) << ::testing::PrintToString(all);
    EXPECT_EQ(all[0].substr(0, 4), "4:9:");
    EXPECT_EQ(all[1], "5:1: unknown key 'volme_db' in [[sound]]; did you mean 'volume_db'?");
    EXPECT_EQ(all[2].substr(0, 5), "7:12:");
    EXPECT_EQ(all[3].substr(0, 4), "9:8:");
    EXPECT_EQ(all[4].substr(0, 5), "10:7:");
}

TEST_F(SceneLoader, ErrorTextJoinsTheDiagnosticsOnePerLine) {
    write_file(scene_path(), "version = 2\n[[sound]]\nfile = \"a.wav\"\npan = 9\n");
    try {
        load_scene_file(scene_path());
        FAIL() << "expected a SceneError";
    } catch (const SceneError& e) {
        EXPECT_EQ(std::string(e.what()),
                  scene_path() + ":1:11: unsupported scene format version 2; simvxplay 0.1 reads version = 1\n" +
                      scene_path() + ":4:7: 'pan' in [[sound]] must be between -1 and 1, found 9");
        EXPECT_EQ(e.code(), ExitCode::bad_input);
    }
}

TEST_F(SceneLoader, SyntaxErrorHasTomlsPosition) {
    const auto all = errors("version = 1\n[[sound]]\nvolume_db = = 3\n");
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].substr(0, 6), "3:13: ");
    EXPECT_NE(all[0].find("TOML syntax error: "), std::string::npos) << all[0];
    EXPECT_NE(all[0].find("could not determine value type"), std::string::npos) << all[0];

    const auto duplicate = errors("version = 1\n[[sound]]\nfile = \"a.wav\"\nfile = \"b.wav\"\n");
    ASSERT_EQ(duplicate.size(), 1u);
    EXPECT_EQ(duplicate[0].substr(0, 5), "4:8: ");
    EXPECT_NE(duplicate[0].find("file"), std::string::npos);
}

TEST_F(SceneLoader, MissingSceneFileIsAnInputError) {
    const std::string missing = dir / "nope.toml";
    try {
        load_scene_file(missing);
        FAIL() << "expected an InputError";
    } catch (const SceneError&) {
        FAIL() << "a missing file is not a scene diagnostic";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), missing + ": cannot open: No such file or directory");
    }
    EXPECT_THROW(load_scene_file(dir.path().string()), InputError);
}

// ---- looks_like_scene ------------------------------------------------------------------------

TEST_F(SceneLoader, LooksLikeSceneRecognisesScenesByContent) {
    write_file(dir / "scene.txt", "# no extension needed\nversion = 1\n[[sound]]\nfile = \"x.wav\"\n");
    EXPECT_TRUE(looks_like_scene(dir / "scene.txt"));
    // Content that is wrong for the loader is still a scene: the loader reports it.
    write_file(dir / "bad.toml", "version = 1\n[[sound]]\nvolme_db = 3\n");
    EXPECT_TRUE(looks_like_scene(dir / "bad.toml"));
}

TEST_F(SceneLoader, LooksLikeSceneTakesBrokenScenesToTheLoader) {
    // Named .toml, or shaped like TOML: the loader says what is wrong (a
    // missing or unsupported version, a syntax error), with line and column.
    write_file(dir / "other.toml", "[package]\nname = \"x\"\n");
    EXPECT_TRUE(looks_like_scene(dir / "other.toml"));
    write_file(dir / "v2.toml", "version = 2\n");
    EXPECT_TRUE(looks_like_scene(dir / "v2.toml"));
    write_file(dir / "float", "version = 1.0\n[engine]\nsample_rate = 48000,\n");
    EXPECT_TRUE(looks_like_scene(dir / "float"));
    write_file(dir / "multi", "version = 1\n[[sound]]\nname = \"\"\"\nsome text\n(free form)\n\"\"\"\n");
    EXPECT_TRUE(looks_like_scene(dir / "multi"));
    write_file(dir / "unterminated.TOML", "version = 1\n[[sound]]\nfile = \"x.wav\n");
    EXPECT_TRUE(looks_like_scene(dir / "unterminated.TOML"));
}

TEST_F(SceneLoader, LooksLikeSceneRejectsOtherFiles) {
    write_file(dir / "notes.txt", "I wrote version 1 of this\nand then some notes = many\nand more prose here\n");
    EXPECT_FALSE(looks_like_scene(dir / "notes.txt"));
    write_file(dir / "code.c", "int main(void) {\n    int x = 1;\n    return x;\n}\n");
    EXPECT_FALSE(looks_like_scene(dir / "code.c"));
    write_file(dir / "empty.txt", "");
    EXPECT_FALSE(looks_like_scene(dir / "empty.txt"));
    EXPECT_FALSE(looks_like_scene(dir / "missing.toml"));
    EXPECT_FALSE(looks_like_scene(dir.path().string()));

    test::Pcm pcm;
    pcm.rate = 48000;
    pcm.channels = 1;
    pcm.samples = test::sine(440, 48000, 4800);
    test::write_wav(dir / "tone.wav", pcm, test::WavFormat::s16);
    EXPECT_FALSE(looks_like_scene(dir / "tone.wav"));

    // Binary data after a scene-like start.
    write_file(dir / "mixed", std::string("version = 1\n") + std::string(8, '\0'));
    EXPECT_FALSE(looks_like_scene(dir / "mixed"));
}

TEST_F(SceneLoader, LooksLikeSceneReadsAtMostAMebibyte) {
    std::string big = "version = 1\n";
    big += std::string(size_t{1} << 20, '#');  // one long comment
    big += "\n";
    write_file(dir / "big.toml", big);
    EXPECT_FALSE(looks_like_scene(dir / "big.toml"));
    write_file(dir / "small.toml", "version = 1\n" + std::string(10000, '#') + "\n");
    EXPECT_TRUE(looks_like_scene(dir / "small.toml"));
}

// ---- SourceLocation --------------------------------------------------------------------------

TEST(SceneLocation, FormatsFileLineAndColumn) {
    EXPECT_EQ((SourceLocation{"mix.toml", 3, 7}).str(), "mix.toml:3:7");
    EXPECT_EQ((SourceLocation{"mix.toml", 3, 0}).str(), "mix.toml:3");
    EXPECT_EQ((SourceLocation{"mix.toml", 0, 0}).str(), "mix.toml");
    EXPECT_EQ(SourceLocation{}.str(), "command line");
    EXPECT_EQ((SceneDiagnostic{{"a/mix.toml", 1, 2}, "bad"}).str(), "a/mix.toml:1:2: bad");
}

// ---- automation ------------------------------------------------------------------

TEST_F(SceneLoader, NumberKeysMayFollowEnvelopes) {
    const Scene s = load(R"(version = 1
[[bus]]
name = "Fx"
volume_db = { points = [[0, -12], [1, -3, "target", 0.2]] }
[[bus.effect]]
type = "delay"
feedback = { points = [[0, 0.2], [4, 0.8]], loop = true }
wet = 0.25
[[sound]]
file = "a.wav"
bus = "Fx"
volume_db = { points = [[0.5, -30], [2, -6]], curve = "exponential" }
pan = { points = [[0, 0.25], [1, -0.75, "step"]] }
)");
    const BusDesc& fx = s.buses.at(1);
    ASSERT_TRUE(fx.volume_db_envelope);
    EXPECT_EQ(fx.volume_db, -12.0);  // the plain number holds the value at 0 s
    EXPECT_EQ(fx.volume_db_envelope->points()[1].curve, EnvelopeCurve::target);
    EXPECT_EQ(fx.volume_db_envelope->points()[1].time_constant, 0.2);
    const EffectDesc& delay = fx.effects.at(0);
    ASSERT_EQ(delay.envelopes.size(), 1u);
    const EffectType& type = *find_effect_type("delay");
    EXPECT_EQ(type.params[delay.envelopes[0].slot.index].key, "feedback");
    EXPECT_TRUE(delay.envelopes[0].envelope.loop());
    EXPECT_EQ(delay.config.value(type.params, "feedback"), 0.2);
    EXPECT_EQ(delay.config.value(type.params, "wet"), 0.25);
    const SoundDesc& sound = s.sounds.at(0);
    ASSERT_TRUE(sound.volume_db_envelope && sound.pan_envelope);
    EXPECT_EQ(sound.volume_db, -30.0);
    EXPECT_EQ(sound.volume_db_envelope->points()[1].curve, EnvelopeCurve::exponential);
    EXPECT_EQ(sound.pan, 0.25);
}

TEST_F(SceneLoader, AnEffectParametersEnvelopeIsCheckedAgainstItsRange) {
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"Master\"\n[[bus.effect]]\ntype = \"delay\"\n"
                    "feedback = { points = [[0, 0.5], [1, 1.5]] }\n"),
              "6:38: the value of a point of 'feedback' in [[bus.effect]] of type \"delay\" must be between 0 and "
              "0.99, found 1.5");
    EXPECT_EQ(error("version = 1\n[[bus]]\nname = \"Master\"\n[[bus.effect]]\ntype = \"reverb\"\n"
                    "freeze = { points = [[0, 1]] }\n"),
              "6:10: 'freeze' in [[bus.effect]] of type \"reverb\" must be true or false, found a table");
}

}  // namespace
}  // namespace simvx

namespace simvx {
namespace {

// Variation keys: read into the sound, and every misuse is an error at its place.
TEST_F(SceneLoader, VariationKeysAreReadAndTheirMisusesReported) {
    const Scene s = load(R"(version = 1
[engine]
seed = 42
[[sound]]
name = "step"
files = ["a.wav", "b.wav"]
pick = "sequence"
pitch = { random = [0.9, 1.1] }
volume_db = { random = [-6, 0] }
pan = { random = [-1, 1] }
from_position = { random = [0, 0.5] }
repeat = { every = 0.5, jitter = 0.1, count = 4 }
)");
    EXPECT_EQ(s.engine.seed, 42u);
    ASSERT_EQ(s.sounds.size(), 1u);
    const SoundVariation& v = s.sounds[0].variation;
    EXPECT_EQ(v.files, (std::vector<std::string>{dir / "a.wav", dir / "b.wav"}));
    EXPECT_EQ(v.files_where[1].column, 19u);
    EXPECT_EQ(v.pick, FilePick::sequence);
    ASSERT_TRUE(v.pitch && v.volume_db && v.pan && v.from_position && v.repeat);
    EXPECT_EQ(v.pitch->lo, 0.9);
    EXPECT_EQ(v.volume_db->lo, -6);
    EXPECT_EQ(v.repeat->every, 0.5);
    EXPECT_EQ(v.repeat->jitter, 0.1);
    EXPECT_EQ(v.repeat->count, 4u);

    const std::string head = "version = 1\n[[sound]]\n";
    EXPECT_EQ(error(head + "file = \"a.wav\"\nfiles = [\"b.wav\"]\n"),
              "4:9: 'files' in [[sound]] picks among several files: give 'file' or 'files', not both");
    EXPECT_EQ(error(head + "file = \"a.wav\"\npick = \"shuffle\"\n"), "4:8: 'pick' in [[sound]] chooses among 'files': give the files");
    EXPECT_EQ(error(head + "files = [\"a.wav\"]\npick = \"shufle\"\n"),
              "4:8: 'pick' in [[sound]] must be one of \"random\", \"shuffle\", \"sequence\", found \"shufle\"; did you "
              "mean \"shuffle\"?");
    EXPECT_EQ(error(head + "files = []\n"), "3:9: 'files' in [[sound]] must be a list of one or more file names, found an array");
    EXPECT_NE(error(head + "files = [\"a.wav\", \"missing.wav\"]\n").find("3:19: 'files' in [[sound]]: cannot open"),
              std::string::npos);
    EXPECT_EQ(error(head + "file = \"a.wav\"\nloop = true\nrepeat = { every = 1, count = 2 }\n"),
              "5:10: 'repeat' in [[sound]] triggers the sound again and again; a looping sound never ends: give 'loop' "
              "or 'repeat'");
    EXPECT_EQ(error(head + "file = \"a.wav\"\nrepeat = { every = 1, jitter = 1 }\n"),
              "4:32: 'jitter' in [sound.repeat] must be less than 'every' (1 s), so that each trigger comes after the one "
              "before; found 1");
    EXPECT_EQ(error(head + "file = \"a.wav\"\nrepeat = { count = 3 }\n"),
              "4:10: missing required key 'every' in [sound.repeat] (the seconds between triggers)");
    EXPECT_EQ(error(head + "file = \"a.wav\"\npitch = { random = [1.1, 0.9] }\n"),
              "4:20: 'random' of 'pitch' in [[sound]] must be [low, high] with low <= high, found [1.1, 0.9]");
    EXPECT_EQ(error(head + "file = \"a.wav\"\npitch = { random = [0.5, 20] }\n"),
              "4:26: 'pitch' in [[sound]] must be between 0.01 and 16, found 20");
    // A table without "random" is an envelope, and says what an envelope takes.
    const auto typo = errors(head + "file = \"a.wav\"\nvolume_db = { randm = [0, 1] }\n");
    ASSERT_EQ(typo.size(), 2u);
    EXPECT_EQ(typo[1], "4:15: unknown key 'randm' in an envelope; allowed keys: points, curve, time_constant, loop");
}

TEST_F(SceneLoader, SpatialRenderingAndTheHrtfFile) {
    EXPECT_EQ(load("version = 1\n").engine.spatial, SpatialRendering::pan);
    fs::create_directories(dir / "sets");
    touch("sets/kemar.sofa");
    const Scene s = load("version = 1\n[engine]\nspatial = \"hrtf\"\nhrtf_file = \"sets/kemar.sofa\"\n");
    EXPECT_EQ(s.engine.spatial, SpatialRendering::hrtf);
    EXPECT_EQ(s.engine.hrtf_file, dir / "sets/kemar.sofa");  // against the scene's folder
    EXPECT_EQ(hrtf_file_of(load("version = 1\n[engine]\nspatial = \"hrtf\"\n").engine), kDefaultHrtfFile);
    EXPECT_EQ(error("version = 1\n[engine]\nspatial = \"hrft\"\n"),
              "3:11: 'spatial' in [engine] must be one of \"pan\", \"hrtf\", found \"hrft\"; did you mean \"hrtf\"?");
}

}  // namespace
}  // namespace simvx
