// The control protocol against a real engine, rendered block by block on the
// test's thread: what each request does to the sound (measured), what it
// replies, the events it sends, what it records; and every bad request gets
// an error reply that says what is wrong while the mix goes on.
#include "app/control/control_session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "scene/loader.hpp"
#include "support/audio.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

using nlohmann::json;
using test::Pcm;

constexpr uint32_t kRate = 48000;

class ControlSessionTest : public ::testing::Test {
protected:
    test::TempDir dir;
    Scene scene;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<ControlSession> session;
    std::vector<std::string> recorded;
    std::unique_ptr<BusMeters> meters;  // only when a test asks for them
    std::vector<json> polled;           // the events render() polled

    void SetUp() override { start(1024); }
    // `sounds`: [[sound]] tables of the scene (they start late, at 100 s).
    void start(size_t max_voices, const std::string& sounds = "", bool with_meters = false) {
        // A second of a 1 kHz tone at half scale, mono.
        test::write_wav(dir / "tone.wav", test::interleave({test::sine(1000, kRate, kRate)}, kRate), test::WavFormat::f32);
        scene = load_scene_text(
            "version = 1\n[engine]\nsample_rate = 48000\n"
            "[[bus]]\nname = \"Music\"\n[[bus.effect]]\ntype = \"gain\"\nvolume_db = 0\n" + sounds,
            dir / "scene.toml");
        PreparedScene p = prepare_scene(scene);
        p.config.endless = true;
        session.reset();
        if (with_meters)
            meters = std::make_unique<BusMeters>(*p.plan, p.config.output, BusMeters::Mode::synchronous, false);
        engine = std::make_unique<Engine>(p.config, std::move(p.voices), std::move(p.plan));
        engine->set_tap(meters.get());
        ControlSession::Setup s;
        s.scene = scene;
        s.engine = engine.get();
        s.folder = dir.path().string();
        s.streams = StreamDecoding::render_thread;
        s.record = [this](const std::string& line) { recorded.push_back(line); };
        s.max_voices = max_voices;
        s.meters = meters.get();
        session = std::make_unique<ControlSession>(std::move(s));
    }

    json ask(const std::string& line, uint32_t client = 1) { return json::parse(session->handle(client, line)); }
    std::string error_of(const std::string& line) {
        const json r = ask(line);
        EXPECT_FALSE(r.value("ok", true)) << line << " -> " << r.dump();
        return r.value("error", std::string());
    }
    // Renders `frames` (stereo) and lets the session see what happened.
    Pcm render(size_t frames) {
        Pcm out{kRate, 2, std::vector<float>(frames * 2)};
        size_t done = 0;
        while (done < frames) {
            const size_t n = std::min<size_t>(frames - done, 512);
            engine->render(std::span<float>(out.samples).subspan(done * 2, n * 2));
            done += n;
            for (const auto& e : session->poll()) polled.push_back(json::parse(e.line));
        }
        return out;
    }
};

double rms_db_of(const std::vector<float>& x, size_t from, size_t to) {
    double sum = 0;
    for (size_t i = from; i < to; ++i) sum += static_cast<double>(x[i]) * x[i];
    return 10 * std::log10(sum / static_cast<double>(to - from) + 1e-30);
}

size_t first_sound(const std::vector<float>& x) {
    for (size_t i = 0; i < x.size(); ++i)
        if (std::abs(x[i]) > 1e-6f) return i;
    return x.size();
}

TEST_F(ControlSessionTest, PlayAtAFrameStartsExactlyThere) {
    json r = ask(R"({"id":7,"cmd":"play","file":"tone.wav","at":0.25})");
    ASSERT_TRUE(r["ok"]) << r.dump();
    EXPECT_EQ(r["id"], 7);
    EXPECT_EQ(r["voice"], 0);
    const Pcm out = render(kRate);
    EXPECT_EQ(first_sound(out.channel(0)), 12000u + 1);  // the sine's first sample is 0
    // Centre pan by the default (balance) law: a half-scale sine at -9 dBFS RMS on each side.
    EXPECT_NEAR(rms_db_of(out.channel(0), 13000, 40000), -9.03, 0.05);
}

TEST_F(ControlSessionTest, PlayNowStartsOnTheNextBlockAndIsRecordedThere) {
    render(1000);
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","volume_db":-6})")["ok"]);
    const Pcm out = render(4096);
    // Taken in at the next block: the next render() call starts one, at frame 1000.
    EXPECT_EQ(first_sound(out.channel(0)), 1u);  // the sine's first sample is 0
    ASSERT_EQ(recorded.size(), 1u);
    const json rec = json::parse(recorded[0]);
    EXPECT_EQ(rec["frame"], 1000);
    EXPECT_EQ(rec["cmd"], "play");
    EXPECT_EQ(rec["volume_db"], -6);
    EXPECT_FALSE(rec.contains("id"));
}

TEST_F(ControlSessionTest, SetPanMovesTheLevelsAsThePanLawSays) {
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","loop":true})")["ok"]);
    render(4800);
    ASSERT_TRUE(ask(R"({"cmd":"set","voice":0,"pan":1,"ramp":0.01})")["ok"]);
    const Pcm out = render(9600);
    // Hard right by the constant-power law: left silent, right at full (-9 dBFS RMS).
    EXPECT_LT(rms_db_of(out.channel(0), 4800, 9600), -100);
    EXPECT_NEAR(rms_db_of(out.channel(1), 4800, 9600), -9.03, 0.05);
    ASSERT_TRUE(ask(R"({"cmd":"set","voice":0,"volume_db":-20})")["ok"]);
    const Pcm quieter = render(4800);
    EXPECT_NEAR(rms_db_of(quieter.channel(1), 2400, 4800), -29.03, 0.05);
}

TEST_F(ControlSessionTest, StopFadesWithinItsRampAndTheVoiceEndsWithAnEvent) {
    ASSERT_TRUE(ask(R"({"cmd":"subscribe","events":["voice"]})")["ok"]);
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","loop":true})")["ok"]);
    render(2048);
    auto events = session->poll();
    ASSERT_TRUE(ask(R"({"cmd":"stop","voice":0,"ramp":0.05})")["ok"]);
    const Pcm out = render(4800);
    // Silent from 50 ms (2400 frames) after the stop, which the next block took in.
    EXPECT_LT(rms_db_of(out.channel(0), 2400, 4800), -120);
    EXPECT_GT(rms_db_of(out.channel(0), 0, 600), -10.5);
    EXPECT_EQ(ask(R"({"cmd":"get","what":"voices"})")["voices"].size(), 0u);
    EXPECT_NE(error_of(R"({"cmd":"stop","voice":0})").find("no voice 0 is playing"), std::string::npos);
}

TEST_F(ControlSessionTest, VoiceEventsArriveInOrder) {
    ASSERT_TRUE(ask(R"({"cmd":"subscribe"})")["ok"]);
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","at":0.01})")["ok"]);
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","at":0.5,"from_position":0.9})")["ok"]);
    std::vector<std::string> seen;
    for (int i = 0; i < 300; ++i) {
        engine->render(std::span<float>(std::vector<float>(1024).data(), 1024));
        for (const auto& e : session->poll()) {
            const json j = json::parse(e.line);
            seen.push_back(j["state"].get<std::string>() + std::to_string(j["voice"].get<int>()));
        }
    }
    // Voice 1 starts at 0.5 s and plays 0.1 s; voice 0 plays 0.01..1.01 s.
    const std::vector<std::string> want = {"started0", "started1", "ended1", "ended0"};
    EXPECT_EQ(seen, want);
}

TEST_F(ControlSessionTest, LoadedSoundsPlayByNameAndBusesAndEffectsChange) {
    json r = ask(R"({"cmd":"load","name":"beep","file":"tone.wav"})");
    ASSERT_TRUE(r["ok"]) << r.dump();
    EXPECT_DOUBLE_EQ(r["duration"].get<double>(), 1.0);
    ASSERT_TRUE(ask(R"({"cmd":"play","sound":"beep","bus":"Music","loop":true})")["ok"]);
    render(4800);
    ASSERT_TRUE(ask(R"({"cmd":"effect","bus":"Music","effect":"gain","volume_db":-12})")["ok"]);
    Pcm out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 4800, 9600), -9.03 - 12, 0.05);
    ASSERT_TRUE(ask(R"({"cmd":"bus","bus":"Music","mute":true})")["ok"]);
    out = render(4800);
    EXPECT_LT(rms_db_of(out.channel(0), 2400, 4800), -120);
    const json got = ask(R"({"cmd":"get"})");
    EXPECT_EQ(got["loaded"][0]["name"], "beep");
    EXPECT_EQ(got["buses"][1]["mute"], true);
    EXPECT_EQ(got["buses"][1]["effects"][0]["params"]["volume_db"], -12);
    EXPECT_EQ(got["engine"]["rate"], 48000);
}

// A scene's own [[sound]] played again by name: as the scene describes it
// (its volume, pan and bus, not its start), with the request's keys laid over
// it; a [sound.spatial] merges key by key.
TEST_F(ControlSessionTest, SceneSoundsPlayByNameWithOverrides) {
    start(1024,
          "[[sound]]\nname = \"hit\"\nfile = \"tone.wav\"\nbus = \"Music\"\nvolume_db = -6\npan = -1\nloop = true\n"
          "start = 100\n"
          "[[sound]]\nname = \"drone\"\nfile = \"tone.wav\"\nloop = true\nstart = 100\n"
          "[sound.spatial]\nposition = [4, 0, 0]\nmin_distance = 2\n");
    // Plays and returns the voice (the scene's own two come first).
    auto play = [&](const std::string& line) {
        const json r = ask(line);
        EXPECT_TRUE(r["ok"]) << line << " -> " << r.dump();
        return std::to_string(r.value("voice", 0));
    };
    auto stop = [&](const std::string& voice) {
        ASSERT_TRUE(ask(R"({"cmd":"stop","ramp":0.001,"voice":)" + voice + "}")["ok"]);
        render(4800);
    };
    std::string v = play(R"({"cmd":"play","sound":"hit"})");
    Pcm out = render(9600);
    const double scene_left = rms_db_of(out.channel(0), 4800, 9600);
    EXPECT_LT(rms_db_of(out.channel(1), 4800, 9600), scene_left - 60);  // pan = -1
    stop(v);
    // The same keys given by hand sound the same.
    v = play(R"({"cmd":"play","file":"tone.wav","bus":"Music","volume_db":-6,"pan":-1,"loop":true})");
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 4800, 9600), scene_left, 0.01);
    stop(v);
    // An override: 6 dB louder than the scene says.
    v = play(R"({"cmd":"play","sound":"hit","volume_db":0})");
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 4800, 9600), scene_left + 6, 0.05);
    stop(v);
    // A spatial override moves the source to the left and keeps min_distance
    // (2 m: at 4 m the inverse model gives -6 dB, at 1 m it would be 0 dB).
    v = play(R"({"cmd":"play","sound":"drone","spatial":{"position":[-4,0,0]}})");
    out = render(9600);
    const double left = rms_db_of(out.channel(0), 4800, 9600);
    EXPECT_GT(left, rms_db_of(out.channel(1), 4800, 9600) + 20);
    ASSERT_TRUE(ask(R"({"cmd":"set","position":[-2,0,0],"voice":)" + v + "}")["ok"]);
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 4800, 9600), left + 6.02, 0.1);
    const json got = ask(R"({"cmd":"get","what":"sounds"})");
    ASSERT_EQ(got["sounds"].size(), 2u);
    EXPECT_EQ(got["sounds"][0]["name"], "hit");
    EXPECT_EQ(got["sounds"][1]["spatial"], true);
    EXPECT_NE(error_of(R"({"cmd":"play","sound":"hitt"})").find("did you mean 'hit'"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"play","sound":"hit","file":"tone.wav"})").find("not both"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"play","sound":"hit","volume_db":99})").find("volume_db"), std::string::npos);
}

// "meters" events: each bus's peak and RMS at the interval asked for, in
// scene time; a run without meters (a render) refuses them by name.
TEST_F(ControlSessionTest, MetersEventsCarryEachBussLevel) {
    EXPECT_NE(error_of(R"({"cmd":"subscribe","events":"meters"})").find("live playback"), std::string::npos);
    EXPECT_EQ(ask(R"({"cmd":"subscribe"})")["events"].size(), 4u);  // all there are here
    ASSERT_TRUE(ask(R"({"cmd":"unsubscribe"})")["ok"]);
    start(1024, "", true);
    const json r = ask(R"({"cmd":"subscribe","events":"meters","interval":0.05})");
    ASSERT_TRUE(r["ok"]) << r.dump();
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","bus":"Music","loop":true,"volume_db":-6})")["ok"]);
    render(24000);  // half a second: ten intervals
    ASSERT_GE(polled.size(), 9u);
    ASSERT_LE(polled.size(), 10u);
    for (size_t i = 1; i < polled.size(); ++i) {
        const json& e = polled[i];
        ASSERT_EQ(e["event"], "meters");
        EXPECT_NEAR(e["position"].get<double>() - polled[i - 1]["position"].get<double>(), 0.05, 512.0 / kRate);
        ASSERT_EQ(e["buses"].size(), 2u);
        EXPECT_EQ(e["buses"][1]["bus"], "Music");
        for (const json& b : e["buses"]) {
            // A half-scale sine 6 dB down: peak -12.04 dBFS, RMS 3.01 dB below.
            EXPECT_NEAR(b["peak_db"].get<double>(), -12.04, 0.05) << e.dump();
            EXPECT_NEAR(b["rms_db"].get<double>(), -15.05, 0.1) << e.dump();
        }
    }
    EXPECT_NE(error_of(R"({"cmd":"subscribe","events":"meters","interval":0})").find("interval"), std::string::npos);
}

// Solo, bypass and effect changes that rebuild an effect (the limiter's
// look-ahead) change the bus graph: a new plan crossfaded in over 20 ms.
TEST_F(ControlSessionTest, SoloBypassAndRebuiltEffectsChangeTheGraphLive) {
    start(1024, "[[bus]]\nname = \"Fx\"\n[[bus.effect]]\ntype = \"limiter\"\nceiling_db = -20\nlookahead_ms = 5\n");
    auto voice_on = [&](const std::string& bus, int pan) {
        const json r = ask(R"({"cmd":"play","file":"tone.wav","loop":true,"bus":")" + bus + R"(","pan":)" +
                           std::to_string(pan) + "}");
        ASSERT_TRUE(r["ok"]) << r.dump();
    };
    voice_on("Music", -1);  // left
    voice_on("Fx", 1);      // right, limited to -20 dBFS
    render(9600);
    ASSERT_TRUE(ask(R"({"cmd":"effect","bus":"Music","effect":"gain","volume_db":-12})")["ok"]);
    Pcm out = render(9600);
    const double left = rms_db_of(out.channel(0), 4800, 9600), right = rms_db_of(out.channel(1), 4800, 9600);
    EXPECT_LT(right, -20);
    // Solo Music: Fx falls silent, Music plays on as it was.
    json r = ask(R"({"cmd":"bus","bus":"Music","solo":true})");
    ASSERT_TRUE(r["ok"]) << r.dump();
    EXPECT_EQ(r["rebuilt"], true);
    out = render(9600);
    EXPECT_LT(rms_db_of(out.channel(1), 2400, 9600), -120);
    EXPECT_NEAR(rms_db_of(out.channel(0), 2400, 9600), left, 0.01);
    // Bypass Music's effects: its -12 dB gain stage no longer applies.
    ASSERT_TRUE(ask(R"({"cmd":"bus","bus":"Music","bypass":true})")["ok"]);
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 2400, 9600), left + 12, 0.01);
    ASSERT_TRUE(ask(R"({"cmd":"bus","bus":"Music","solo":false,"bypass":false})")["ok"]);
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 2400, 9600), left, 0.01);
    EXPECT_NEAR(rms_db_of(out.channel(1), 4800, 9600), right, 0.2);
    // A longer look-ahead rebuilds the limiter; it still holds its ceiling.
    r = ask(R"({"cmd":"effect","bus":"Fx","effect":"limiter","lookahead_ms":10})");
    ASSERT_TRUE(r["ok"]) << r.dump();
    EXPECT_EQ(r["rebuilt"], true);
    out = render(19200);
    EXPECT_NEAR(rms_db_of(out.channel(1), 9600, 19200), right, 0.2);
    const json got = ask(R"({"cmd":"get","what":"buses"})");
    EXPECT_EQ(got["buses"][2]["effects"][0]["params"]["lookahead_ms"], 10);
    EXPECT_EQ(got["buses"][1]["solo"], false);
    // Each change was recorded, to be replayed at the same frame.
    size_t buses = 0;
    for (const auto& line : recorded) buses += json::parse(line)["cmd"] == "bus";
    EXPECT_EQ(buses, 3u);
}

// Routing live: a send added to a bus sums in (post-fader, at its level), a
// cycle is refused with the loader's words and changes nothing, and an empty
// list removes the sends.
TEST_F(ControlSessionTest, SendsAndRoutingChangeLive) {
    start(1024, "[[bus]]\nname = \"Aux\"\n");
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","loop":true,"bus":"Music","pan":-1})")["ok"]);
    render(9600);
    Pcm out = render(9600);
    const double dry = rms_db_of(out.channel(0), 4800, 9600);
    json r = ask(R"({"cmd":"bus","bus":"Music","sends":[{"bus":"Aux","volume_db":-6.0206}]})");
    ASSERT_TRUE(r["ok"]) << r.dump();
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 2400, 9600), dry + 20 * std::log10(1.5), 0.01);
    EXPECT_NE(error_of(R"({"cmd":"bus","bus":"Aux","send_to":"Music"})").find("cycle"), std::string::npos);
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 2400, 9600), dry + 20 * std::log10(1.5), 0.01) << "unchanged";
    EXPECT_NE(error_of(R"({"cmd":"bus","bus":"Music","sends":[{"bus":"Aux","volum_db":1}]})").find("did you mean 'volume_db'"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"bus","bus":"Music","sends":[{"bus":"Music"}]})").find("itself"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"bus","bus":"Music","sends":[{"bus":"Axu"}]})").find("did you mean 'Aux'"), std::string::npos);
    ASSERT_TRUE(ask(R"({"cmd":"bus","bus":"Music","sends":[]})")["ok"]);
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 2400, 9600), dry, 0.01);
    // Routed through Aux instead of straight to Master: the same level, and Aux's fader now moves it.
    ASSERT_TRUE(ask(R"({"cmd":"bus","bus":"Music","send_to":"Aux"})")["ok"]);
    ASSERT_TRUE(ask(R"({"cmd":"bus","bus":"Aux","volume_db":-10})")["ok"]);
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(0), 2400, 9600), dry - 10, 0.01);
}

TEST_F(ControlSessionTest, PitchChangesLiveWithinItsRange) {
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","pitch":1,"loop":true})")["ok"]);
    render(4800);
    ASSERT_TRUE(ask(R"({"cmd":"set","voice":0,"pitch":2})")["ok"]);
    const Pcm out = render(48000);
    const auto right = out.channel(1);
    EXPECT_NEAR(test::peak_frequency(std::span<const float>(right).subspan(9600, 32768), kRate), 2000.0, 5.0);
    EXPECT_NE(error_of(R"({"cmd":"set","voice":0,"pitch":8})").find("can rise to pitch 4"), std::string::npos);
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav"})")["ok"]);
    EXPECT_NE(error_of(R"({"cmd":"set","voice":1,"pitch":2})").find("played without \"pitch\""), std::string::npos);
}

// A 3D voice moved live: to the listener's right its right channel carries
// it; turning the listener round puts it on the left; farther away is quieter
// by the inverse distance model (min distance 1 m: 6 dB per doubling).
TEST_F(ControlSessionTest, ThreeDVoicesAndTheListenerMoveLive) {
    json r = ask(R"({"cmd":"play","file":"tone.wav","loop":true,"spatial":{"position":[0,0,-1]}})");
    ASSERT_TRUE(r["ok"]) << r.dump();
    render(4800);
    ASSERT_TRUE(ask(R"({"cmd":"set","voice":0,"position":[2,0,0]})")["ok"]);
    Pcm out = render(9600);
    const double right_l = rms_db_of(out.channel(0), 4800, 9600), right_r = rms_db_of(out.channel(1), 4800, 9600);
    EXPECT_GT(right_r, right_l + 20) << right_l << " " << right_r;
    ASSERT_TRUE(ask(R"({"cmd":"listener","direction":[0,0,1]})")["ok"]);  // turned round
    out = render(9600);
    EXPECT_GT(rms_db_of(out.channel(0), 4800, 9600), rms_db_of(out.channel(1), 4800, 9600) + 20);
    EXPECT_NEAR(rms_db_of(out.channel(0), 4800, 9600), right_r, 0.1);
    ASSERT_TRUE(ask(R"({"cmd":"set","voice":0,"position":[-4,0,0]})")["ok"]);
    out = render(9600);
    EXPECT_NEAR(rms_db_of(out.channel(1), 4800, 9600), right_r - 6.02, 0.1);  // twice as far
    const json got = ask(R"({"cmd":"get","what":["voices","listener"]})");
    EXPECT_EQ(got["voices"][0]["position"], json::parse("[-4.0,0.0,0.0]"));
    EXPECT_EQ(got["listener"]["direction"], json::parse("[0.0,0.0,1.0]"));
    EXPECT_NE(error_of(R"({"cmd":"set","voice":0,"pan":0.5})").find("its pan follows its position"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"set","voice":0,"position":[1,2]})").find("[x, y, z]"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"listener","direction":[0,1,0]})").find("must not be parallel"), std::string::npos);
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav"})")["ok"]);
    EXPECT_NE(error_of(R"({"cmd":"set","voice":1,"position":[1,0,0]})").find("not a 3D sound"), std::string::npos);
}

TEST_F(ControlSessionTest, BadRequestsSayWhatIsWrongAndTheMixGoesOn) {
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","loop":true})")["ok"]);
    EXPECT_NE(error_of("{not json").find("not valid JSON"), std::string::npos);
    EXPECT_NE(error_of("[1,2]").find("a JSON object, not an array"), std::string::npos);
    EXPECT_NE(error_of(R"({"id":3})").find("no \"cmd\""), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"plya"})").find("did you mean 'play'?"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"play","file":"tone.wav","volum_db":-3})").find("did you mean 'volume_db'?"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"play","file":"missing.wav"})").find("missing.wav"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"play","file":"tone.wav","bus":"Musik"})").find("did you mean \"Music\"?"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"set","voice":0,"pan":"left"})").find("'pan' must be a number, not a string"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"set","voice":0,"pan":3})").find("'pan' must be from -1 to 1, not 3"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"set","voice":-1,"pan":0})").find("whole number"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"set","voice":99,"pan":0})").find("no voice 99"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"bus","bus":"Music","volume_db":1e308})").find("must be from -120 dB to 24 dB"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"play","file":"tone.wav","start":1})").find("give \"at\""), std::string::npos);
    EXPECT_NE(error_of(std::string(100, '[') + std::string(100, ']')).find("nested more than"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"subscribe","events":["meter"]})").find("no event 'meter'"), std::string::npos);
    // An id comes back even on a refused request.
    EXPECT_EQ(ask(R"({"id":"x","cmd":"nope"})")["id"], "x");
    // None of it was recorded, and the voice plays on.
    const Pcm out = render(4800);
    EXPECT_GT(rms_db_of(out.channel(0), 0, 4800), -10);
    EXPECT_EQ(recorded.size(), 1u);
}

// The voice limit answers play with an error, and a voice that ends gives
// its slot back for the rest of the run (a thousand plays through two slots).
TEST_F(ControlSessionTest, TheVoiceLimitRefusesAndEndedVoicesGiveTheirSlotsBack) {
    start(2);
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","loop":true})")["ok"]);
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","loop":true})")["ok"]);
    EXPECT_NE(error_of(R"({"cmd":"play","file":"tone.wav"})").find("2 voices are playing"), std::string::npos);
    ASSERT_TRUE(ask(R"({"cmd":"stop","voice":1,"ramp":0.001})")["ok"]);
    render(1024);
    for (int i = 0; i < 1000; ++i) {
        const json r = ask(R"({"cmd":"play","file":"tone.wav","from_position":0.999})");
        ASSERT_TRUE(r["ok"]) << i << ": " << r.dump();
        render(1024);  // the last millisecond plays and ends (handed back at the next block)
    }
    EXPECT_EQ(ask(R"({"cmd":"get","what":"voices"})")["voices"].size(), 1u);
}

TEST_F(ControlSessionTest, QuitEndsTheMixAtARecordedFrame) {
    render(2000);
    ASSERT_TRUE(ask(R"({"cmd":"quit"})")["ok"]);
    EXPECT_TRUE(session->quit_requested());
    render(4096);
    EXPECT_TRUE(engine->finished());
    ASSERT_EQ(recorded.size(), 1u);
    EXPECT_EQ(json::parse(recorded[0])["frame"], 2000);
}

// A play of a varied sound draws anew each time; a repeat is the scene's to make.
TEST_F(ControlSessionTest, EachPlayOfAVariedSoundDrawsAnew) {
    std::set<double> pitches;
    for (int i = 0; i < 5; ++i) {
        const json r = ask(R"({"cmd":"play","file":"tone.wav","pitch":{"random":[0.5,2]},"volume_db":-20})");
        ASSERT_TRUE(r["ok"]) << r.dump();
    }
    const json voices = ask(R"({"cmd":"get","what":"voices"})")["voices"];
    for (const auto& v : voices) pitches.insert(v["pitch"].get<double>());
    EXPECT_EQ(pitches.size(), 5u);
    for (double p : pitches) {
        EXPECT_GE(p, 0.5);
        EXPECT_LE(p, 2);
    }
    EXPECT_NE(error_of(R"({"cmd":"play","file":"tone.wav","repeat":{"every":1,"count":2}})").find("'repeat' is for a scene's sounds"),
              std::string::npos);
}

// A volume replaced live by an envelope (times from the scene's start), then by
// a number again, through `request` ({"cmd":..., naming the bus or effect,
// up to the volume key): the plan is rebuilt, crossfaded; the level follows.
class LiveVolumeEnvelope : public ControlSessionTest {
protected:
    void expect_replaced(const std::string& request) {
        ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","loop":true,"bus":"Music"})")["ok"]);
        render(4800);
        const json r = ask(request + R"("volume_db":{"points":[[0,-40],[2,0]]}})");
        ASSERT_TRUE(r["ok"]) << r.dump();
        EXPECT_EQ(r["rebuilt"], true);
        const Pcm out = render(48000);  // scene time 0.1 s to 1.1 s
        const auto left = out.channel(0);
        for (size_t at = 4800; at + 480 <= 48000; at += 4800) {
            const double t = (4800.0 + static_cast<double>(at) + 240) / kRate;  // the window's centre, scene time
            EXPECT_NEAR(rms_db_of(left, at, at + 480), -9.03 + (-40 + 20 * t), 0.05) << t;
        }
        EXPECT_NE(error_of(request + R"("volume_db":{"points":[[0,-40],[2,90]]}})").find("must be between -120 and 24"),
                  std::string::npos);
        ASSERT_TRUE(ask(request + R"("volume_db":-6})")["ok"]);
        const Pcm after = render(9600);
        EXPECT_NEAR(rms_db_of(after.channel(0), 4800, 9600), -15.03, 0.05);
        ASSERT_EQ(recorded.size(), 3u);
        EXPECT_EQ(json::parse(recorded[1])["volume_db"]["points"][1][1], 0);  // replayable as given
    }
};

TEST_F(LiveVolumeEnvelope, ABusVolumeEnvelopeReplacesTheVolumeLive) { expect_replaced(R"({"cmd":"bus","bus":"Music",)"); }

TEST_F(LiveVolumeEnvelope, AnEffectParameterFollowsAnEnvelopeGivenLive) {
    expect_replaced(R"({"cmd":"effect","bus":"Music","effect":"gain",)");
}

// `set` with an envelope replaces the voice's own (times from the voice's
// start): the level or pan crossfades to it over the ramp, without a step,
// then follows it; pitch glides to it as the pitch stage does.
TEST_F(ControlSessionTest, SetReplacesAVoicesOwnEnvelopes) {
    ASSERT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","loop":true,"pitch":1})")["ok"]);
    render(4800);
    const double start = ask(R"({"cmd":"get","what":"voices"})")["voices"][0]["start"].get<double>();
    auto voice_time = [&](size_t scene_frame) { return static_cast<double>(scene_frame) / kRate - start; };

    ASSERT_TRUE(ask(R"({"cmd":"set","voice":0,"volume_db":{"points":[[0,-40],[2,0]]},"ramp":0.01})")["ok"]);
    const Pcm out = render(48000);  // scene frames 4800 to 52800
    const auto left = out.channel(0);
    float step = 0;
    for (size_t i = 1; i < 2400; ++i) step = std::max(step, std::abs(left[i] - left[i - 1]));
    EXPECT_LT(step, 0.07f) << "the tone's own slope is at most 0.065: no step from -9 dB to -47 dB";
    for (size_t at = 4800; at + 480 <= 48000; at += 4800) {
        const double t = voice_time(4800 + at + 240);
        EXPECT_NEAR(rms_db_of(left, at, at + 480), -9.03 + (-40 + 20 * t), 0.05) << t;
    }

    // Pan: an envelope from hard left to hard right over 2 s (balance law).
    ASSERT_TRUE(ask(R"({"cmd":"set","voice":0,"volume_db":{"points":[[0,0]]},"pan":{"points":[[0,-1],[4,1]]}})")["ok"]);
    const Pcm panned = render(48000);  // scene frames 52800 to 100800
    for (size_t at = 9600; at + 480 <= 48000; at += 9600) {
        const double p = -1 + voice_time(52800 + at + 240) / 2;
        const double l = std::min(1.0, 1 - p), r = std::min(1.0, 1 + p);
        EXPECT_NEAR(rms_db_of(panned.channel(0), at, at + 480), -9.03 + 20 * std::log10(l), 0.05) << p;
        EXPECT_NEAR(rms_db_of(panned.channel(1), at, at + 480), -9.03 + 20 * std::log10(r), 0.05) << p;
    }

    // Pitch: 1 → 1.5 linearly over 4 s of the voice's time; the tone is heard at 1000 × pitch(t).
    ASSERT_TRUE(ask(R"({"cmd":"set","voice":0,"pitch":{"points":[[0,1],[4,1.5]]}})")["ok"]);
    const Pcm pitched = render(48000);  // scene frames 100800 to 148800
    const auto right = pitched.channel(1);
    for (size_t at = 9600; at + 2400 <= 48000; at += 9600) {
        const double expected = 1000 * (1 + 0.5 * voice_time(100800 + at + 1200) / 4);
        EXPECT_NEAR(test::crossing_frequency(right, at, at + 2400, kRate) / expected, 1.0, 0.002) << expected;
    }

    EXPECT_NE(error_of(R"({"cmd":"set","voice":0,"pitch":{"points":[[0,1],[1,9]]}})").find("can rise to pitch 4"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"set","voice":0,"pan":{"points":[[0,-1],[1,1,"exponential"]]}})").find("exponential"),
              std::string::npos);
    ASSERT_EQ(recorded.size(), 4u);
    EXPECT_EQ(json::parse(recorded[1])["volume_db"]["points"][0][1], -40);  // replayable as given
}

// ---- transport: seek and the whole-mix pause ---------------------------

// A second of 500 Hz, then a second of 2 kHz (mono, half scale): where the
// scene is, by the frequency heard.
void write_steps(const std::string& path) {
    std::vector<float> steps = test::sine(500, kRate, kRate);
    const std::vector<float> high = test::sine(2000, kRate, kRate);
    steps.insert(steps.end(), high.begin(), high.end());
    test::write_wav(path, test::interleave({steps}, kRate), test::WavFormat::f32);
}

std::vector<float> slice(const std::vector<float>& x, size_t from, size_t to) {
    return {x.begin() + static_cast<std::ptrdiff_t>(from), x.begin() + static_cast<std::ptrdiff_t>(to)};
}

constexpr size_t kFade = 720;  // the engine's stop fade, 15 ms at 48 kHz

// A seek fades out, jumps the scene's own sound to the new time and fades in;
// a voice played by control goes on in its own clock, sample for sample as
// if there had been no seek once the fade is over.
TEST_F(ControlSessionTest, SeekJumpsTheScenesSoundsAndControlVoicesGoOn) {
    write_steps(dir / "steps.wav");
    auto run = [&](bool seek) {
        start(1024, "[[sound]]\nfile = \"steps.wav\"\npan = 1\n");
        recorded.clear();
        EXPECT_TRUE(ask(R"({"cmd":"play","file":"tone.wav","pan":-1})")["ok"]);
        Pcm before = render(4800);
        if (seek) {
            const json r = ask(R"({"cmd":"seek","to":1.5})");
            EXPECT_TRUE(r["ok"]) << r.dump();
            EXPECT_EQ(r["position"], 1.5);
        }
        return std::pair{before, render(9600)};
    };
    const auto [plain_before, plain] = run(false);
    const auto [before, after] = run(true);
    EXPECT_NEAR(test::peak_frequency(before.channel(1), kRate), 500, 10);
    // Out over the fade from frame 4800, in at 1.5 s: position 72000 + what followed.
    EXPECT_EQ(engine->seeks(), 1u);
    EXPECT_EQ(engine->position(), 72000u + 9600 - kFade);
    const auto right = after.channel(1);
    EXPECT_LT(test::peak_db(slice(right, kFade - 1, kFade + 1)), -55);  // silent where it jumps
    EXPECT_NEAR(test::peak_frequency(slice(right, 2 * kFade, 9600), kRate), 2000, 10);
    EXPECT_LT(test::max_step(slice(right, 0, 2 * kFade)), 0.15);  // faded: no click either way
    // The control voice, once faded back in, is the no-seek run's to the bit.
    const auto left = after.channel(0), plain_left = plain.channel(0);
    EXPECT_EQ(slice(left, 2 * kFade, 9600), slice(plain_left, 2 * kFade, 9600));
    EXPECT_GT(test::peak_db(slice(left, 2 * kFade, 9600)), -7);
    ASSERT_EQ(recorded.size(), 2u);
    const json rec = json::parse(recorded[1]);
    EXPECT_EQ(rec["cmd"], "seek");
    EXPECT_EQ(rec["to"], 1.5);
    EXPECT_EQ(rec["frame"], 4800);
    // "by" counts from where the scene is, and is recorded as where it went.
    ASSERT_TRUE(ask(R"({"cmd":"seek","by":-1})")["ok"]);
    render(2048);
    ASSERT_EQ(recorded.size(), 3u);
    EXPECT_DOUBLE_EQ(json::parse(recorded[2])["to"].get<double>(), (72000.0 + 9600 - kFade - kRate) / kRate);
}

// A whole-mix pause holds scene time; the output frames it held are counted
// and recorded with the resume, so that a replay holds them too. A seek while
// paused lands at once, silently, and the resume fades in from the new time.
TEST_F(ControlSessionTest, APauseIsRecordedWithTheFramesItHeldAndSeeksLandSilently) {
    write_steps(dir / "steps.wav");
    start(1024, "[[sound]]\nfile = \"steps.wav\"\n");
    render(4800);
    ASSERT_TRUE(ask(R"({"cmd":"pause"})")["ok"]);
    EXPECT_EQ(ask(R"({"cmd":"get","what":"position"})")["paused"], true);
    Pcm held = render(3000);
    EXPECT_EQ(engine->position(), 4800u + kFade);
    EXPECT_EQ(engine->held_frames(), 3000u - kFade);
    const auto silence = slice(held.samples, 2 * kFade, held.samples.size());
    EXPECT_TRUE(std::all_of(silence.begin(), silence.end(), [](float x) { return x == 0.0f; }));
    ASSERT_TRUE(ask(R"({"cmd":"seek","to":1.25})")["ok"]);
    render(512);
    EXPECT_EQ(engine->seeks(), 1u);
    EXPECT_EQ(engine->position(), 60000u);  // landed while silent: no fade, no frame played
    ASSERT_TRUE(ask(R"({"cmd":"resume"})")["ok"]);
    const Pcm resumed = render(4800);
    EXPECT_EQ(engine->position(), 60000u + 4800);
    EXPECT_LT(test::peak_db(slice(resumed.samples, 0, 8)), -50);  // fades in from silence
    EXPECT_NEAR(test::peak_frequency(slice(resumed.channel(0), kFade, 4800), kRate), 2000, 10);
    ASSERT_EQ(recorded.size(), 3u);
    const json pause = json::parse(recorded[0]), seek = json::parse(recorded[1]), resume = json::parse(recorded[2]);
    EXPECT_EQ(pause["frame"], 4800);
    EXPECT_FALSE(pause.contains("held"));
    EXPECT_EQ(seek["frame"], 4800 + kFade);
    EXPECT_EQ(seek["held"], 3000 - kFade);
    EXPECT_EQ(resume["frame"], 60000);
    EXPECT_EQ(resume["held"], 3000 - kFade + 512);
}

TEST_F(ControlSessionTest, BadSeeksSayWhatIsWrong) {
    EXPECT_NE(error_of(R"({"cmd":"seek"})").find("give \"to\""), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"seek","to":1,"by":1})").find("one of them"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"seek","to":-1})").find("'to' must be from 0"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"seek","to":"1"})").find("'to' must be a number"), std::string::npos);
    EXPECT_NE(error_of(R"({"cmd":"seek","to":1,"at":2})").find("'seek' takes no key"), std::string::npos);
    ASSERT_TRUE(ask(R"({"cmd":"seek","to":1})")["ok"]);
    EXPECT_NE(error_of(R"({"cmd":"seek","to":2})").find("still under way"), std::string::npos);
    render(2048);
    EXPECT_TRUE(ask(R"({"cmd":"seek","to":2})")["ok"]);
}

}  // namespace
}  // namespace simvx
