// examples/voice-over-bed.toml as shipped: a voice piped into the Voice bus
// ducks the looping bed by the compressor's gain reduction, and the bed comes
// back after the release.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kRate = 48000;

// The voice: 1 s of silence, then a 1.5 s 2 kHz tone at -10 dBFS peak, then the end of input.
std::vector<float> voice_samples() {
    std::vector<float> mono(kRate, 0.0f);
    const auto tone = sine(2000, kRate, kRate * 3 / 2, std::pow(10.0, -10.0 / 20));
    mono.insert(mono.end(), tone.begin(), tone.end());
    std::vector<float> stereo;
    for (float x : mono) {
        const float q = static_cast<float>(std::lrint(x * 32767.0)) / 32768.0f;  // as s16 carries it
        stereo.insert(stereo.end(), {q, q});
    }
    return stereo;
}

double window_rms_db(const std::vector<float>& left, double from_s, double to_s) {
    const auto a = static_cast<size_t>(from_s * kRate), b = static_cast<size_t>(to_s * kRate);
    return rms_db(std::span<const float>(left.data() + a, b - a));
}

TEST(VoiceOverBed, BedDucksByTheGainReductionWhileTheVoiceSpeaksAndRecovers) {
    TempDir dir;
    sh(std::string(SIMVX_SOURCE_DIR) + "/scripts/make-demo-assets " + (dir / "assets"));
    fs::copy_file(std::string(SIMVX_SOURCE_DIR) + "/examples/voice-over-bed.toml", dir / "scene.toml");
    const std::vector<float> voice = voice_samples();

    RunResult r = simvx({dir / "scene.toml", "--stream", "-", "--stream-bus", "Voice", "--duration", "4",
                         "--render", dir / "ducked.wav", "--render-format", "f32"},
                        to_s16le(voice));
    ASSERT_EQ(r.status, 0) << r.err;
    const Pcm plain = render_f32(dir / "scene.toml", dir / "plain.wav", {"--duration", "4"});
    const Pcm ducked = sox_read(dir / "ducked.wav");
    ASSERT_EQ(ducked.frames(), 4u * kRate);
    ASSERT_EQ(plain.frames(), 4u * kRate);

    // The bed alone: the render minus the voice, which reaches Master unchanged.
    std::vector<float> bed = ducked.channel(0), bed_plain = plain.channel(0);
    for (size_t i = 0; i < voice.size() / 2; ++i) bed[i] -= voice[2 * i];

    // Before the voice: untouched.
    EXPECT_NEAR(window_rms_db(bed, 0.5, 0.95) - window_rms_db(bed_plain, 0.5, 0.95), 0.0, 0.05);
    // While it speaks (after the attack): down by (x - T)(1 - 1/R) = (-10 + 40)(1 - 1/8) = 26.25 dB.
    EXPECT_NEAR(window_rms_db(bed, 1.2, 2.45) - window_rms_db(bed_plain, 1.2, 2.45), -26.25, 1.0);
    // Over a second after it stopped (release 300 ms): back within 1 dB.
    EXPECT_NEAR(window_rms_db(bed, 3.6, 4.0) - window_rms_db(bed_plain, 3.6, 4.0), 0.0, 1.0);
}

}  // namespace
}  // namespace simvx::test
