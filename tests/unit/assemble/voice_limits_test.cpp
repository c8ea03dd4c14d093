// max_voices resolved on a scene's timeline (assemble/voice_limits): with a
// limit of 4 and 10 triggers, 4 play at once, and which give way is what the
// policy says.
#include "assemble/voice_limits.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace simvx {
namespace {

constexpr uint64_t kRate = 48000;

struct Timeline {
    Scene scene;
    std::deque<SoundDesc> sounds;  // stable addresses
    std::vector<LimitedVoice> voices;

    Timeline() { scene.buses.push_back(BusDesc{.name = "Master", .send_to = ""}); }
    // Ten one-second triggers of one sound, 0.1 s apart.
    void ten_triggers(VoiceLimit limit, const std::function<void(SoundDesc&, size_t)>& vary = {}) {
        for (size_t k = 0; k < 10; ++k) {
            SoundDesc s;
            s.name = "rain#" + std::to_string(k + 1);
            s.group = "rain";
            s.voices = limit;
            if (vary) vary(s, k);
            sounds.push_back(s);
            voices.push_back({.sound = &sounds.back(), .start = k * kRate / 10, .end = k * kRate / 10 + kRate});
        }
    }
    // Which voices sound at frame t.
    std::vector<size_t> playing_at(uint64_t t) const {
        std::vector<size_t> out;
        for (size_t i = 0; i < voices.size(); ++i)
            if (!voices[i].dropped && voices[i].start <= t && (!voices[i].end || t < *voices[i].end)) out.push_back(i);
        return out;
    }
};

constexpr uint64_t kFade = 480;  // kStealFadeSeconds at 48 kHz

TEST(VoiceLimits, TheOldestGivesWayAndFourPlayAtOnce) {
    Timeline t;
    t.ten_triggers({4, StealPolicy::oldest});
    resolve_voice_limits(t.scene, t.voices);
    for (uint64_t f = 0; f < 2 * kRate; f += 100) {
        size_t sounding = 0;  // not counting those in their fade
        for (size_t i : t.playing_at(f)) sounding += !(t.voices[i].stolen_at && f >= *t.voices[i].stolen_at);
        EXPECT_LE(sounding, 4u) << f;
    }
    // After the last trigger: the four newest.
    EXPECT_EQ(t.playing_at(9 * kRate / 10 + kFade), (std::vector<size_t>{6, 7, 8, 9}));
    for (size_t k = 0; k < 6; ++k) {
        ASSERT_TRUE(t.voices[k].stolen_at) << k;
        EXPECT_EQ(*t.voices[k].stolen_at, (k + 4) * kRate / 10);
        EXPECT_EQ(*t.voices[k].end, (k + 4) * kRate / 10 + kFade);
    }
}

TEST(VoiceLimits, NoneRefusesTheNewOnesUntilASlotIsFree) {
    Timeline t;
    t.ten_triggers({4, StealPolicy::none});
    resolve_voice_limits(t.scene, t.voices);
    for (size_t k = 0; k < 10; ++k) EXPECT_EQ(t.voices[k].dropped, k >= 4) << k;
    // A later trigger, once the first have ended, plays again.
    Timeline late;
    late.ten_triggers({4, StealPolicy::none}, [](SoundDesc&, size_t) {});
    late.voices[9].start = late.voices[9].start + kRate;
    late.voices[9].end = *late.voices[9].end + kRate;
    resolve_voice_limits(late.scene, late.voices);
    EXPECT_FALSE(late.voices[9].dropped);
}

TEST(VoiceLimits, TheQuietestGivesWay) {
    Timeline t;
    // Levels -1, -2, ... -10 dB except trigger 1, the quietest of all.
    t.ten_triggers({4, StealPolicy::quietest}, [](SoundDesc& s, size_t k) { s.volume_db = k == 1 ? -40 : -double(k); });
    resolve_voice_limits(t.scene, t.voices);
    ASSERT_TRUE(t.voices[1].stolen_at);
    EXPECT_EQ(*t.voices[1].stolen_at, 4 * kRate / 10);  // the first to give way, though not the oldest
    EXPECT_FALSE(t.voices[0].stolen_at && *t.voices[0].stolen_at == 4 * kRate / 10);
}

TEST(VoiceLimits, TheFarthestGivesWay) {
    Timeline t;
    // 3D, at 10 m, except trigger 2 at 50 m.
    t.ten_triggers({4, StealPolicy::farthest}, [](SoundDesc& s, size_t k) {
        s.spatial.emplace();
        s.spatial->position = {k == 2 ? 50.0 : 10.0, 0, 0};
    });
    resolve_voice_limits(t.scene, t.voices);
    ASSERT_TRUE(t.voices[2].stolen_at);
    EXPECT_EQ(*t.voices[2].stolen_at, 4 * kRate / 10);
}

TEST(VoiceLimits, ABussLimitCountsEverySoundOnIt) {
    Timeline t;
    t.scene.buses.push_back(BusDesc{.name = "Steps", .voices = {2, StealPolicy::oldest}});
    t.ten_triggers({}, [](SoundDesc& s, size_t k) {
        s.group = k % 2 ? "left" : "right";  // two sounds, one bus
        s.bus = "Steps";
    });
    resolve_voice_limits(t.scene, t.voices);
    for (uint64_t f = kRate / 10 + kFade; f < kRate; f += kRate / 10) EXPECT_EQ(t.playing_at(f).size(), 2u) << f;
}

}  // namespace
}  // namespace simvx
