// --watch's diff of two scenes: every edit is sorted into applied live (and
// how) or needing a restart; none falls through.
#include "assemble/scene_diff.hpp"

#include <gtest/gtest.h>

#include "dsp/effect_types.hpp"

namespace simvx {
namespace {

using Kind = SceneDiff::Sound::Kind;

EffectDesc effect(const char* type) {
    EffectDesc e;
    e.config = default_config(*find_effect_type(type));
    return e;
}

// Master and Music (a limiter on it); a tone on Music and a 3D bird on Master.
Scene base() {
    Scene s;
    s.path = "mix.toml";
    BusDesc master;
    master.name = "Master";
    master.send_to = "";
    BusDesc music;
    music.name = "Music";
    music.effects.push_back(effect("limiter"));
    s.buses = {master, music};
    SoundDesc tone;
    tone.name = "tone";
    tone.file = "tone.wav";
    tone.bus = "Music";
    SoundDesc bird;
    bird.name = "bird";
    bird.file = "bird.wav";
    bird.spatial = SpatialDesc{};
    s.sounds = {tone, bird};
    return s;
}

bool nothing_to_do(const SceneDiff& d) {
    return d.needs_restart.empty() && !d.rebuild_plan && d.bus_gains.empty() && d.effect_updates.empty() &&
           d.sounds.empty() && d.changes.empty();
}

TEST(SceneDiff, TheSameSceneIsNoChange) {
    EXPECT_TRUE(nothing_to_do(diff_scenes(base(), base())));
    Scene moved = base();
    moved.sounds[0].where.line = 40;  // only where the keys are: nothing to do
    EXPECT_TRUE(nothing_to_do(diff_scenes(base(), moved)));
}

TEST(SceneDiff, EngineListenerStreamAndBusListEditsNeedARestart) {
    struct Case {
        const char* what;
        void (*edit)(Scene&);
    };
    const Case cases[] = {
        {"[engine] sample_rate changed", [](Scene& s) { s.engine.sample_rate = 44100; }},
        {"[engine] channels changed", [](Scene& s) { s.engine.channels = 1; }},
        {"[engine] latency_ms changed", [](Scene& s) { s.engine.latency_ms = 40; }},
        {"[engine] duration changed", [](Scene& s) { s.engine.duration = 10.0; }},
        {"[engine] pan_law changed", [](Scene& s) { s.engine.pan_law = PanLaw::constant_power; }},
        {"[engine] resampler changed", [](Scene& s) { s.engine.interpolator = Interpolator::cubic; }},
        {"[engine] speed_of_sound changed", [](Scene& s) { s.engine.speed_of_sound = 300; }},
        {"[engine] doppler_factor changed", [](Scene& s) { s.engine.doppler_factor = 0; }},
        {"[listener] changed", [](Scene& s) { s.listener.position = {1, 0, 0}; }},
        {"[listener] changed", [](Scene& s) { s.listener.path.keyframes.push_back({1.0, {0, 0, 1}}); }},
        {"[[stream]] tables changed", [](Scene& s) { s.streams.emplace_back(); }},
        {"buses were added, removed, renamed or reordered", [](Scene& s) { s.buses[1].name = "Songs"; }},
        {"[engine] virtual_below_db changed", [](Scene& s) { s.engine.virtual_below_db = -80.0; }},
        {"max_voices of bus Music changed", [](Scene& s) { s.buses[1].voices = {2, StealPolicy::quietest}; }},
    };
    for (const Case& c : cases) {
        Scene now = base();
        now.sounds[0].volume_db = -6;  // alongside: not applied either (the reload is refused whole)
        c.edit(now);
        const SceneDiff d = diff_scenes(base(), now);
        ASSERT_EQ(d.needs_restart.size(), 1u) << c.what;
        EXPECT_EQ(d.needs_restart[0], c.what);
        EXPECT_TRUE(d.sounds.empty() && d.changes.empty()) << c.what;
    }
    Scene both = base();
    both.engine.pan_law = PanLaw::constant_power;
    both.listener.direction = {0, 0, 1};
    EXPECT_EQ(diff_scenes(base(), both).needs_restart.size(), 2u);  // each named
}

// An automated bus's fader stays at unity (its envelope carries the volume):
// muting ramps it to 0 and unmuting back to 1, not to the envelope's first value.
TEST(SceneDiff, MutingAnAutomatedBusRampsItsFaderToZeroAndBack) {
    Scene was = base();
    was.buses[1].volume_db_envelope = Envelope({{.time = 0, .value = -40}, {.time = 2, .value = 0}}, false);
    was.buses[1].volume_db = -40;
    Scene muted = was;
    muted.buses[1].mute = true;
    SceneDiff d = diff_scenes(was, muted);
    ASSERT_EQ(d.bus_gains.size(), 1u);
    EXPECT_EQ(d.bus_gains[0].gain, 0.0f);
    d = diff_scenes(muted, was);
    ASSERT_EQ(d.bus_gains.size(), 1u);
    EXPECT_EQ(d.bus_gains[0].gain, 1.0f);
}

TEST(SceneDiff, ASoundsVoiceLimitOrStopRestartsIt) {
    for (auto edit : {+[](SoundDesc& s) { s.voices.max = 3; }, +[](SoundDesc& s) { s.stop = 4.0; }}) {
        Scene now = base();
        edit(now.sounds[0]);
        const SceneDiff d = diff_scenes(base(), now);
        ASSERT_EQ(d.sounds.size(), 1u);
        EXPECT_EQ(d.sounds[0].kind, Kind::restarted);
    }
}

TEST(SceneDiff, ASpatialEditRestartsTheSound) {
    Scene now = base();
    now.sounds[1].spatial->position = {3, 0, 0};
    SceneDiff d = diff_scenes(base(), now);
    ASSERT_EQ(d.sounds.size(), 1u);
    EXPECT_EQ(d.sounds[0].kind, Kind::restarted);
    EXPECT_EQ(d.sounds[0].key, "bird");
    EXPECT_EQ(d.changes, std::vector<std::string>{"sound bird: restarted with its new settings"});
    for (auto edit : {+[](SpatialDesc& s) { s.cone.outer_gain_db = -12; }, +[](SpatialDesc& s) { s.rolloff = 2; },
                      +[](SpatialDesc& s) { s.path.keyframes.push_back({2.0, {1, 1, 1}}); },
                      +[](SpatialDesc& s) { s.attenuation = Attenuation::linear; }}) {
        now = base();
        edit(*now.sounds[1].spatial);
        d = diff_scenes(base(), now);
        ASSERT_EQ(d.sounds.size(), 1u);
        EXPECT_EQ(d.sounds[0].kind, Kind::restarted);
    }
    now = base();
    now.sounds[1].spatial.reset();  // no longer 3D
    EXPECT_EQ(diff_scenes(base(), now).sounds.at(0).kind, Kind::restarted);
}

TEST(SceneDiff, SoundsAreMatchedByNameAndRepeatedNamesByOrder) {
    Scene was = base(), now = base();
    was.sounds.push_back(was.sounds[0]);  // a second "tone": key "tone#2"
    now.sounds.push_back(now.sounds[0]);
    now.sounds[2].volume_db = -3;
    now.sounds.erase(now.sounds.begin() + 1);  // bird removed
    SoundDesc rain;
    rain.name = "rain";
    rain.file = "rain.wav";
    now.sounds.push_back(rain);
    const SceneDiff d = diff_scenes(was, now);
    ASSERT_EQ(d.sounds.size(), 3u);
    EXPECT_EQ(d.sounds[0].kind, Kind::removed);
    EXPECT_EQ(d.sounds[0].key, "bird");
    EXPECT_EQ(d.sounds[1].kind, Kind::volume);
    EXPECT_EQ(d.sounds[1].key, "tone#2");
    EXPECT_EQ(d.sounds[1].volume_db, -3);
    EXPECT_EQ(d.sounds[2].kind, Kind::added);
    EXPECT_EQ(d.sounds[2].key, "rain");
    EXPECT_EQ(sound_keys({"a", "b", "a", "a"}), (std::vector<std::string>{"a", "b", "a#2", "a#3"}));
}

TEST(SceneDiff, BusGainsRampEffectParametersUpdateAndChainsRebuild) {
    Scene now = base();
    now.buses[1].volume_db = -6;
    now.buses[0].mute = true;
    const auto* limiter = find_effect_type("limiter");
    now.buses[1].effects[0].config.set(limiter->params, "ceiling_db", -3);
    SceneDiff d = diff_scenes(base(), now);
    EXPECT_FALSE(d.rebuild_plan);
    ASSERT_EQ(d.bus_gains.size(), 2u);
    EXPECT_EQ(d.bus_gains[0].bus, 0u);
    EXPECT_EQ(d.bus_gains[0].gain, 0.0f);
    EXPECT_FLOAT_EQ(d.bus_gains[1].gain, 0.50118723f);
    ASSERT_EQ(d.effect_updates.size(), 1u);
    EXPECT_EQ(d.effect_updates[0].bus, 1u);
    EXPECT_EQ(d.effect_updates[0].effect, 0u);

    now = base();
    now.buses[1].effects.push_back(effect("softclip"));
    now.buses[1].volume_db = -6;
    d = diff_scenes(base(), now);
    EXPECT_TRUE(d.rebuild_plan);  // the new plan carries the new volume too
    EXPECT_TRUE(d.bus_gains.empty() && d.effect_updates.empty());
    EXPECT_EQ(d.changes, std::vector<std::string>{"bus Music: routing or effect chain rebuilt"});
}

// The limiter's look-ahead is its latency: update() cannot change it, so the
// edit builds a new plan (crossfaded) instead of being reported and dropped.
TEST(SceneDiff, ALimiterLookaheadEditRebuildsThePlan) {
    Scene now = base();
    const auto* limiter = find_effect_type("limiter");
    now.buses[1].effects[0].config.set(limiter->params, "lookahead_ms", 10);
    const SceneDiff d = diff_scenes(base(), now);
    EXPECT_TRUE(d.rebuild_plan);
    EXPECT_TRUE(d.effect_updates.empty());
    EXPECT_EQ(d.changes, std::vector<std::string>{"bus Music: limiter rebuilt with its new parameters"});
}

TEST(SceneDiff, AnEqWithMoreBandsThanAnUpdateCarriesIsRebuilt) {
    Scene was = base(), now = base();
    was.buses[1].effects = {effect("eq")};
    was.buses[1].effects[0].config.bands.resize(16);
    now.buses[1].effects = was.buses[1].effects;
    now.buses[1].effects[0].config.bands[3].gain_db = 6;
    EXPECT_FALSE(diff_scenes(was, now).rebuild_plan);
    EXPECT_EQ(diff_scenes(was, now).effect_updates.size(), 1u);
    now.buses[1].effects[0].config.bands.resize(17);
    EXPECT_TRUE(diff_scenes(was, now).rebuild_plan);
}

TEST(SceneDiff, ANewEnvelopeRestartsTheSoundOrRebuildsTheBus) {
    const Envelope fade({{0, -40}, {2, 0}}, false);
    Scene now = base();
    now.sounds[0].volume_db_envelope = fade;
    SceneDiff d = diff_scenes(base(), now);
    ASSERT_EQ(d.sounds.size(), 1u);
    EXPECT_EQ(d.sounds[0].kind, Kind::restarted);
    now = base();
    now.sounds[0].pan_envelope = Envelope({{0, -1}, {1, 1}}, true);
    EXPECT_EQ(diff_scenes(base(), now).sounds.at(0).kind, Kind::restarted);
    now = base();
    now.buses[1].volume_db_envelope = fade;
    EXPECT_TRUE(diff_scenes(base(), now).rebuild_plan);
    now = base();
    now.buses[1].effects[0].envelopes.push_back({{0}, Envelope({{0, -6}, {1, -1}}, false)});
    d = diff_scenes(base(), now);
    EXPECT_TRUE(d.rebuild_plan);
    EXPECT_EQ(d.changes.at(0), "bus Music: limiter rebuilt with its new automation");
    EXPECT_TRUE(nothing_to_do(diff_scenes(now, now)));
}

}  // namespace
}  // namespace simvx
