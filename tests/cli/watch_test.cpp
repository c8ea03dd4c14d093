// --watch with --null: a scene edited while it plays. The output is captured
// with --record and measured: the level changes soon after the file does and
// without a discontinuity; a broken edit leaves the old scene playing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <regex>
#include <sstream>
#include <thread>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

constexpr uint32_t kRate = 48000;

class Watch : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }

    // The scene with a looping 440 Hz tone (0.5 peak) on bus Music at `volume` (TOML text).
    std::string scene(const std::string& volume, const std::string& extra = "") const {
        return "version = 1\n[[bus]]\nname = \"Music\"\nvolume_db = " + volume + "\n" + extra +
               "[[sound]]\nname = \"tone\"\nfile = \"tone.wav\"\nbus = \"Music\"\nloop = true\n";
    }
    // Replaced at once (written beside, then renamed), as editors save.
    void save(const std::string& text) const {
        write_file(at("scene.toml.tmp"), text);
        std::filesystem::rename(at("scene.toml.tmp"), at("scene.toml"));
    }
    // JSON lines of the child's log so far.
    std::vector<std::string> json_lines(const std::string& log) const {
        std::vector<std::string> out;
        if (!std::filesystem::exists(log)) return out;  // the child has not opened it yet
        std::istringstream in(read_file(log));
        for (std::string l; std::getline(in, l);)
            if (!l.empty() && l[0] == '{') out.push_back(l);
        return out;
    }
    // Waits for a status line newer than any seen before with position ≥ `after`; returns its position.
    double fresh_status(const std::string& log, double after) const {
        size_t seen = json_lines(log).size();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) {
            const auto lines = json_lines(log);
            for (size_t i = seen; i < lines.size(); ++i) {
                std::smatch m;
                if (std::regex_search(lines[i], m, std::regex(R"("type":"status","position":([0-9.]+))")) &&
                    std::stod(m[1]) >= after)
                    return std::stod(m[1]);
            }
            seen = lines.size();
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        ADD_FAILURE() << "no status line past " << after << " s";
        return after;
    }
};

// Peak of each 120-frame window (a little more than one period of 440 Hz), left channel.
std::vector<float> window_peaks(const std::vector<float>& stereo) {
    std::vector<float> peaks;
    for (size_t w = 0; (w + 1) * 120 * 2 <= stereo.size(); ++w) {
        float p = 0;
        for (size_t i = w * 120; i < (w + 1) * 120; ++i) p = std::max(p, std::fabs(stereo[2 * i]));
        peaks.push_back(p);
    }
    return peaks;
}

TEST_F(Watch, VolumeEditRampsSoonAndABrokenEditKeepsTheOldScene) {
    // 440 whole periods in one second: the loop itself is seamless.
    write_wav(at("tone.wav"), interleave({sine(440, kRate, kRate, 0.5)}, kRate), WavFormat::f32);
    save(scene("0"));
    Child child({bin(), at("scene.toml"), "--null", "--watch", "--json", "--duration", "3.2", "--record", at("rec.wav")},
                at("log.txt"));

    const double edit_at = fresh_status(at("log.txt"), 0.7);
    save(scene("-12"));
    const double broken_at = fresh_status(at("log.txt"), 1.8);
    save(scene("-12", "bogus = 1\n"));  // an unknown key: refused

    for (int i = 0; i < 2000 && child.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(child.stop(), 0) << read_file(at("log.txt"));

    const auto log = read_file(at("log.txt"));
    EXPECT_NE(log.find(R"("type":"reload","ok":true)"), std::string::npos) << log;
    EXPECT_NE(log.find(R"("changes":["bus Music: -12 dB"])"), std::string::npos) << log;
    EXPECT_NE(log.find(R"("type":"reload","ok":false)"), std::string::npos) << log;
    EXPECT_NE(log.find(at("scene.toml") + ":5:1: unknown key 'bogus' in [[bus]]"), std::string::npos) << log;
    EXPECT_NE(log.find("not reloaded; the previous scene keeps playing"), std::string::npos) << log;

    const WavData w = read_wav_data(at("rec.wav"));
    const auto x = from_f32le(w.data, w.rate, w.channels).samples;
    ASSERT_EQ(x.size(), size_t{2} * kRate * 32 / 10);  // the whole run was recorded
    const auto peaks = window_peaks(x);
    const double window_s = 120.0 / kRate;
    size_t first_lower = 0;
    while (first_lower < peaks.size() && peaks[first_lower] > 0.49f) ++first_lower;
    const double changed_at = first_lower * window_s;
    EXPECT_GT(changed_at, edit_at - window_s) << "the level changed before the edit";
    EXPECT_LT(changed_at - edit_at, 0.2) << "edit seen at " << edit_at << " s, level changed at " << changed_at << " s";
    // Arrived at -12 dB within the 10 ms ramp, and stayed there through the broken edit to the end.
    const float target = 0.5f * std::pow(10.0f, -12.0f / 20);
    const size_t settled = first_lower + static_cast<size_t>(0.012 / window_s) + 1;
    for (size_t i = settled; i < peaks.size(); ++i) ASSERT_NEAR(peaks[i], target, 0.002) << "at " << i * window_s << " s";
    EXPECT_GT(peaks.size() * window_s, broken_at + 1.0);
    // No discontinuity anywhere: no step larger than the tone's own steepest (2π·440/48000 × 0.5).
    double steepest = 0;
    for (size_t i = 2; i < x.size(); i += 2) steepest = std::max(steepest, double(std::fabs(x[i] - x[i - 2])));
    EXPECT_LT(steepest, 2 * M_PI * 440 / kRate * 0.5 * 1.01);
}

// An edit the engine cannot take while playing is refused whole and said so
// (the old scene plays on, the volume edit beside it included); saved again
// without it, the volume edit is applied: nothing was lost on the way.
TEST_F(Watch, AnEditNeedingARestartIsRefusedWholeAndSaidSo) {
    write_wav(at("tone.wav"), interleave({sine(440, kRate, kRate, 0.5)}, kRate), WavFormat::f32);
    save(scene("0"));
    Child child({bin(), at("scene.toml"), "--null", "--watch", "--json", "--duration", "3", "--record", at("rec.wav")},
                at("log.txt"));
    fresh_status(at("log.txt"), 0.6);
    const std::string body = scene("-12").substr(std::string("version = 1\n").size());
    save("version = 1\n[engine]\npan_law = \"constant_power\"\n[listener]\nposition = [1.0, 0.0, 0.0]\n" + body);
    const double refused_at = fresh_status(at("log.txt"), 1.3);
    save(scene("-12"));
    const double applied_at = fresh_status(at("log.txt"), 2.0);
    for (int i = 0; i < 2000 && child.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(child.stop(), 0) << read_file(at("log.txt"));

    const auto log = read_file(at("log.txt"));
    EXPECT_NE(log.find(at("scene.toml") + ": [engine] pan_law changed: restart simvxplay to apply that"), std::string::npos) << log;
    EXPECT_NE(log.find(at("scene.toml") + ": [listener] changed: restart simvxplay to apply that"), std::string::npos) << log;
    EXPECT_NE(log.find(R"("changes":["bus Music: -12 dB"])"), std::string::npos) << log;

    const WavData w = read_wav_data(at("rec.wav"));
    const auto peaks = window_peaks(from_f32le(w.data, w.rate, w.channels).samples);
    const double window_s = 120.0 / kRate;
    // Full level until the second save (the refused one, 0.7 s before, changed nothing), -12 dB at the end.
    EXPECT_GT(applied_at, refused_at);
    for (size_t i = 1; i * window_s < refused_at; ++i)
        ASSERT_NEAR(peaks[i], 0.5f, 0.002) << "at " << i * window_s << " s";
    EXPECT_NEAR(peaks.back(), 0.5f * std::pow(10.0f, -12.0f / 20), 0.002);
}

TEST_F(Watch, EffectChainsSwapAndSoundsComeAndGo) {
    write_wav(at("tone.wav"), interleave({sine(440, kRate, kRate, 0.5)}, kRate), WavFormat::f32);
    write_wav(at("low.wav"), interleave({sine(110, kRate, kRate, 0.25)}, kRate), WavFormat::f32);
    save(scene("0"));
    Child child({bin(), at("scene.toml"), "--null", "--watch", "--json", "--duration", "3", "--record", at("rec.wav")},
                at("log.txt"));
    fresh_status(at("log.txt"), 0.6);
    // A low-pass on Music (a new chain: crossfaded in) and a second sound.
    save(scene("0", "[[bus.effect]]\ntype = \"lowpass\"\ncutoff_hz = 200.0\n") +
         "[[sound]]\nname = \"low\"\nfile = \"low.wav\"\nloop = true\n");
    fresh_status(at("log.txt"), 1.6);
    save(scene("0", "[[bus.effect]]\ntype = \"lowpass\"\ncutoff_hz = 200.0\n"));  // "low" removed: fades out
    for (int i = 0; i < 2000 && child.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(child.stop(), 0) << read_file(at("log.txt"));
    const auto log = read_file(at("log.txt"));
    EXPECT_NE(log.find("bus Music: routing or effect chain rebuilt"), std::string::npos) << log;
    EXPECT_NE(log.find("sound low: added"), std::string::npos) << log;
    EXPECT_NE(log.find("sound low: removed"), std::string::npos) << log;

    const WavData w = read_wav_data(at("rec.wav"));
    const Pcm rec = from_f32le(w.data, w.rate, w.channels);
    const auto left = rec.channel(0);
    auto level_db = [&](double from, double to) {
        return rms_db(std::span<const float>(left).subspan(static_cast<size_t>(from * kRate),
                                                          static_cast<size_t>((to - from) * kRate)));
    };
    EXPECT_NEAR(level_db(0.1, 0.5), 20 * std::log10(0.5 / std::sqrt(2.0)), 0.1);  // the tone alone
    // At the end: the tone through a 200 Hz low-pass (about -13 dB at 440 Hz), the low sound gone.
    EXPECT_LT(level_db(2.6, 2.95), level_db(0.1, 0.5) - 9);
    EXPECT_LT(std::fabs(peak_frequency(std::span<const float>(left).subspan(static_cast<size_t>(2.5 * kRate), 16384), kRate) - 440), 2);
    // Every change faded: no step beyond the steepest a 0.5 + 0.25 mix of these tones can make.
    EXPECT_LT(max_step(left), 2 * M_PI * 440 / kRate * 0.5 + 2 * M_PI * 110 / kRate * 0.25 + 0.002);
}

}  // namespace
}  // namespace simvx::test
