// Variation made concrete (scene/variation): which file each trigger picks,
// the values drawn, the repeat's times, and that the draws depend on the
// seed and the sound's own name only.
#include "scene/variation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "scene/loader.hpp"

namespace simvx {
namespace {

SoundDesc varied(const std::string& name, FilePick pick, size_t files = 3) {
    SoundDesc s;
    s.name = name;
    for (size_t i = 0; i < files; ++i) {
        s.variation.files.push_back("f" + std::to_string(i) + ".wav");
        s.variation.files_where.push_back({});
    }
    s.file = s.variation.files.front();
    s.variation.pick = pick;
    return s;
}

Scene scene_of(std::vector<SoundDesc> sounds, uint64_t seed = 0) {
    Scene scene;
    scene.engine.seed = seed;
    scene.sounds = std::move(sounds);
    return scene;
}

std::vector<std::string> files_of(const Scene& s) {
    std::vector<std::string> out;
    for (const auto& t : s.sounds) out.push_back(t.file);
    return out;
}

Scene expanded(Scene s) {
    expand_variations(s);
    return s;
}

TEST(Variation, ASequencePlaysTheFilesInOrderRoundAndRound) {
    SoundDesc s = varied("steps", FilePick::sequence);
    s.variation.repeat = RepeatDesc{.every = 0.5, .count = 7};
    const Scene e = expanded(scene_of({s}));
    EXPECT_EQ(files_of(e), (std::vector<std::string>{"f0.wav", "f1.wav", "f2.wav", "f0.wav", "f1.wav", "f2.wav", "f0.wav"}));
    for (size_t k = 0; k < e.sounds.size(); ++k) {
        EXPECT_EQ(e.sounds[k].name, "steps#" + std::to_string(k + 1));
        EXPECT_DOUBLE_EQ(e.sounds[k].start, 0.5 * static_cast<double>(k));
        EXPECT_FALSE(e.sounds[k].variation.any());
        EXPECT_TRUE(e.sounds[k].drawn);
    }
}

TEST(Variation, AShufflePlaysEveryFileOnceAGroupAndNeverTwiceInARow) {
    SoundDesc s = varied("steps", FilePick::shuffle, 4);
    s.variation.repeat = RepeatDesc{.every = 0.1, .count = 400};
    const auto files = files_of(expanded(scene_of({s})));
    ASSERT_EQ(files.size(), 400u);
    for (size_t g = 0; g < 100; ++g)
        EXPECT_EQ(std::set<std::string>(files.begin() + 4 * g, files.begin() + 4 * g + 4).size(), 4u) << g;
    for (size_t k = 1; k < files.size(); ++k) EXPECT_NE(files[k], files[k - 1]) << k;
    // And not always the same order.
    std::set<std::vector<std::string>> orders;
    for (size_t g = 0; g < 100; ++g) orders.insert({files.begin() + 4 * g, files.begin() + 4 * g + 4});
    EXPECT_GT(orders.size(), 10u);
}

TEST(Variation, ARandomPickUsesEveryFileAboutEqually) {
    SoundDesc s = varied("rain", FilePick::random);
    s.variation.repeat = RepeatDesc{.every = 0.1, .count = 3000};
    std::map<std::string, int> n;
    for (const auto& f : files_of(expanded(scene_of({s})))) ++n[f];
    ASSERT_EQ(n.size(), 3u);
    for (const auto& [f, count] : n) EXPECT_NEAR(count, 1000, 100) << f;  // ~5 sigma
}

TEST(Variation, DrawnValuesStayInTheirRangesAndSpreadOverThem) {
    SoundDesc s = varied("x", FilePick::random, 1);
    s.variation.files.clear();
    s.variation.files_where.clear();
    s.variation.pitch = RandomRange{0.95, 1.05};
    s.variation.volume_db = RandomRange{-6, 0};
    s.variation.pan = RandomRange{-0.5, 0.5};
    s.variation.from_position = RandomRange{0, 2};
    s.variation.repeat = RepeatDesc{.every = 1, .count = 1000};
    const Scene e = expanded(scene_of({s}));
    double lo = 10, hi = -10, sum = 0;
    for (const auto& t : e.sounds) {
        EXPECT_GE(t.pitch, 0.95);
        EXPECT_LE(t.pitch, 1.05);
        EXPECT_GE(t.volume_db, -6);
        EXPECT_LE(t.volume_db, 0);
        EXPECT_GE(t.pan, -0.5);
        EXPECT_LE(t.pan, 0.5);
        EXPECT_GE(t.from_position, 0);
        EXPECT_LE(t.from_position, 2);
        lo = std::min(lo, t.volume_db);
        hi = std::max(hi, t.volume_db);
        sum += t.volume_db;
    }
    EXPECT_LT(lo, -5.9);
    EXPECT_GT(hi, -0.1);
    EXPECT_NEAR(sum / 1000, -3, 0.3);
}

TEST(Variation, RepeatIntervalsStayWithinTheJitterAndEndAtTheEnd) {
    SoundDesc s = varied("drip", FilePick::random, 1);
    s.start = 1;
    s.variation.repeat = RepeatDesc{.every = 2.5, .jitter = 1.0};
    Scene sc = scene_of({s});
    sc.engine.duration = 600;
    const Scene e = expanded(sc);
    ASSERT_GT(e.sounds.size(), 200u);
    EXPECT_DOUBLE_EQ(e.sounds.front().start, 1.0);
    double shortest = 10, longest = 0;
    for (size_t k = 1; k < e.sounds.size(); ++k) {
        const double gap = e.sounds[k].start - e.sounds[k - 1].start;
        shortest = std::min(shortest, gap);
        longest = std::max(longest, gap);
    }
    EXPECT_GE(shortest, 1.5);
    EXPECT_LE(longest, 3.5);
    EXPECT_LT(shortest, 1.6);  // the jitter is used, both ways
    EXPECT_GT(longest, 3.4);
    EXPECT_LT(e.sounds.back().start, 600);
    EXPECT_GT(e.sounds.back().start, 600 - 3.5);
    // A sound's own stop ends it first.
    s.stop = 20;
    sc = scene_of({s});
    sc.engine.duration = 600;
    const Scene stopped = expanded(sc);
    EXPECT_LT(stopped.sounds.back().start, 20);
    for (const auto& t : stopped.sounds) EXPECT_EQ(t.stop, 20);
}

TEST(Variation, ARepeatWithoutAnEndIsAnErrorAtItsTable) {
    SoundDesc s = varied("drip", FilePick::random, 1);
    s.variation.repeat = RepeatDesc{.every = 1, .where = SourceLocation{"a.toml", 7, 10}};
    try {
        expanded(scene_of({s}));
        FAIL() << "no error";
    } catch (const SceneError& e) {
        ASSERT_EQ(e.diagnostics().size(), 1u);
        EXPECT_EQ(e.diagnostics()[0].where.line, 7u);
        EXPECT_NE(e.diagnostics()[0].message.find("without 'count'"), std::string::npos);
    }
    s.variation.repeat->every = 1e-6;
    s.variation.repeat->count.reset();
    Scene sc = scene_of({s});
    sc.engine.duration = 1000;
    EXPECT_THROW(expanded(sc), SceneError);  // a billion triggers
}

TEST(Variation, TheSameSeedDrawsTheSameAndAnotherSeedOtherwise) {
    SoundDesc s = varied("rain", FilePick::random);
    s.variation.pitch = RandomRange{0.5, 2};
    s.variation.repeat = RepeatDesc{.every = 1, .jitter = 0.5, .count = 50};
    auto draws = [&](uint64_t seed) {
        std::vector<std::tuple<std::string, double, double>> out;
        for (const auto& t : expanded(scene_of({s}, seed)).sounds) out.emplace_back(t.file, t.pitch, t.start);
        return out;
    };
    EXPECT_EQ(draws(1), draws(1));
    EXPECT_NE(draws(1), draws(2));
}

TEST(Variation, AddingASoundOrARangeChangesNothingElsesDraws) {
    SoundDesc rain = varied("rain", FilePick::random);
    rain.variation.repeat = RepeatDesc{.every = 1, .jitter = 0.5, .count = 50};
    SoundDesc thunder = varied("thunder", FilePick::shuffle);
    thunder.variation.volume_db = RandomRange{-12, 0};
    auto rain_of = [](const Scene& e) {
        std::vector<std::pair<std::string, double>> out;
        for (const auto& t : e.sounds)
            if (t.name.rfind("rain#", 0) == 0) out.emplace_back(t.file, t.start);
        return out;
    };
    const auto alone = rain_of(expanded(scene_of({rain})));
    EXPECT_EQ(rain_of(expanded(scene_of({thunder, rain}))), alone);
    rain.variation.pitch = RandomRange{0.9, 1.1};  // a new random key draws from its own stream
    EXPECT_EQ(rain_of(expanded(scene_of({rain}))), alone);
}

TEST(Variation, FilesNoTriggerPickedAreStillListedForChecking) {
    SoundDesc s = varied("one", FilePick::sequence, 3);  // one trigger: f0 only
    const Scene e = expanded(scene_of({s}));
    ASSERT_EQ(e.sounds.size(), 1u);
    EXPECT_EQ(e.sounds[0].name, "one");
    ASSERT_EQ(e.unpicked_files.size(), 2u);
    EXPECT_EQ(e.unpicked_files[0].file, "f1.wav");
    EXPECT_EQ(e.unpicked_files[1].file, "f2.wav");
}

TEST(Variation, EachLivePlayIsAnotherDraw) {
    SoundDesc s = varied("shot", FilePick::random, 1);
    s.variation.pitch = RandomRange{0.5, 2};
    std::set<double> pitches;
    for (uint64_t n = 0; n < 20; ++n) pitches.insert(one_trigger(s, 0, n).pitch);
    EXPECT_EQ(pitches.size(), 20u);
    EXPECT_EQ(one_trigger(s, 0, 3).pitch, one_trigger(s, 0, 3).pitch);
}

}  // namespace
}  // namespace simvx
