// 5.1 playback through a real PulseAudio daemon: a null sink of six channels
// in the WAV order's positions, recorded from its monitor. A stream opened
// with another channel map would be remixed by the server (the tones would
// spread or move); with the right one every speaker's tone arrives in its
// own channel, unchanged.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "../cli/cli_support.hpp"
#include "pulse_server.hpp"

namespace simvx::test {
namespace {

using PulseSurround = PulseTest;

constexpr const char* kSurroundSink = "simvx_e2e_51";
constexpr const char* k51Map = "front-left,front-right,front-center,lfe,rear-left,rear-right";

TEST_F(PulseSurround, EachSpeakersToneArrivesInItsOwnChannel) {
    server->add_sink(kSurroundSink, 6, k51Map);
    // A tone per speaker, each a 3D sound at that speaker's angle (FL, FR, FC, BL, BR).
    const double azimuths[] = {-30, 30, 0, -110, 110};
    const double freqs[] = {500, 700, 900, 1100, 1300};
    const uint32_t channel_of[] = {0, 1, 2, 4, 5};
    std::string scene = "version = 1\n[engine]\nchannels = 6\n";
    for (int i = 0; i < 5; ++i) {
        const std::string f = dir / ("t" + std::to_string(i) + ".wav");
        write_wav(f, interleave({sine(freqs[i], 48000, 72000, 0.3)}, 48000), WavFormat::f32);
        const double a = azimuths[i] * std::numbers::pi / 180;
        scene += "[[sound]]\nfile = \"" + f + "\"\nfade_in = 0.01\nfade_out = 0.01\n[sound.spatial]\nmin_distance = 1\n"
                 "position = [" + std::to_string(std::sin(a)) + ", 0, " + std::to_string(-std::cos(a)) + "]\n";
    }
    write_file(dir / "s.toml", scene);
    RunResult played;
    const Pcm rec = server->record_while(
        [&] { played = simvx({dir / "s.toml", "--device", kSurroundSink, "--latency-ms", "200"}); }, kSurroundSink, 6,
        k51Map);
    ASSERT_EQ(played.status, 0) << played.err;
    ASSERT_EQ(rec.channels, 6u);
    const auto [onset, last] = active_span(rec);
    ASSERT_LT(onset, rec.frames()) << "nothing arrived";
    ASSERT_GT(last - onset, 60000u) << "the sound was cut";
    for (int i = 0; i < 5; ++i) {
        const auto ch = rec.channel(channel_of[i]);
        const std::span<const float> body(ch.data() + onset + 4800, 48000);
        EXPECT_NEAR(peak_frequency(body, 48000), freqs[i], 2.0) << "channel " << channel_of[i];
        EXPECT_NEAR(rms_db(body), 20 * std::log10(0.3 / std::sqrt(2.0)), 0.1) << "channel " << channel_of[i];
        // The other speakers' tones are not in it: the server did not remix.
        const Spectrum s = spectrum(body, 48000);
        for (int j = 0; j < 5; ++j) {
            if (j == i) continue;
            const auto bin = static_cast<size_t>(std::lround(freqs[j] / s.bin_hz));
            EXPECT_LT(s.mag_db[bin], -80.0) << freqs[j] << " Hz in channel " << channel_of[i];
        }
    }
    const auto lfe = rec.channel(3);
    EXPECT_LT(rms_db(std::span<const float>(lfe.data() + onset, 48000)), -120.0) << "the LFE carries nothing without a send";
}

}  // namespace
}  // namespace simvx::test
