// Playback through a real PulseAudio daemon (started by the test), checked by
// recording the null sink's monitor.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "../cli/cli_support.hpp"
#include "pulse_server.hpp"

namespace simvx::test {
namespace {

using PulsePlayback = PulseTest;

// A generous latency: these tests compare content, and a starved machine (a
// sanitizer build) must not turn an underrun into a failure.
TEST_F(PulsePlayback, WhatArrivesEqualsTheRender) {
    // A tone with a shaped ending: the tail must arrive too.
    sh("sox -n -r 48000 -c 2 -b 16 " + (dir / "in.wav") + " synth 1.5 sine 700 sine 1900 fade h 0.05 1.5 0.3 vol 0.6");
    RunResult rendered = simvx({dir / "in.wav", "--render", dir / "ref.wav", "--render-format", "f32"});
    ASSERT_EQ(rendered.status, 0) << rendered.err;
    const Pcm ref = sox_read(dir / "ref.wav");
    RunResult played;
    const Pcm rec = server->record_while([&] { played = simvx({dir / "in.wav", "-v", "--latency-ms", "200"}); });
    ASSERT_EQ(played.status, 0) << played.err;
    ASSERT_GT(rec.frames(), ref.frames());

    // Align: the onsets give the offset to within a few frames; the best
    // lag around it is the one with the least residual.
    const auto [onset, last] = active_span(rec);
    const size_t ref_onset = active_span(ref).first;
    ASSERT_LT(onset, rec.frames());
    ASSERT_GE(onset, ref_onset);
    auto residual = [&](size_t lag, size_t frames) {
        double e = 0, s = 0;
        for (size_t i = 0; i < frames * 2 && (lag * 2 + i) < rec.samples.size(); ++i) {
            const double d = rec.samples[lag * 2 + i] - ref.samples[i];
            e += d * d;
            s += double(ref.samples[i]) * ref.samples[i];
        }
        return std::make_pair(e, s);
    };
    size_t best = onset - ref_onset;
    double best_e = 1e300;
    for (size_t lag = onset - ref_onset > 50 ? onset - ref_onset - 50 : 0; lag <= onset - ref_onset + 50; ++lag) {
        const double e = residual(lag, 9600).first;
        if (e < best_e) best_e = e, best = lag;
    }
    ASSERT_LE(best + ref.frames(), rec.frames()) << "the end of the sound is missing";
    const auto [err, sig] = residual(best, ref.frames());
    EXPECT_LT(10 * std::log10(err / sig), -60.0) << "aligned at " << best;
    // Nothing was cut: the recording's sound lasts as long as the file's.
    EXPECT_NEAR(static_cast<double>(last - best), static_cast<double>(active_span(ref).second), 48.0);
}

TEST_F(PulsePlayback, ATenMillisecondClipArrivesWhole) {
    // A ramp, so each arriving sample says which one it is.
    std::vector<float> ramp(480);
    for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = 0.5f * static_cast<float>(i + 1) / 480.0f;
    write_wav(dir / "clip.wav", interleave({ramp, ramp}, 48000), WavFormat::f32);
    RunResult played;
    const Pcm rec = server->record_while([&] { played = simvx({dir / "clip.wav", "--latency-ms", "100"}); });
    ASSERT_EQ(played.status, 0) << played.err;
    const auto [first, last] = active_span(rec, 1e-5f);
    ASSERT_LT(first, rec.frames());
    ASSERT_EQ(last - first + 1, 480u);
    const auto l = rec.channel(0);
    for (size_t i = 0; i < 480; ++i) ASSERT_NEAR(l[first + i], ramp[i], 1.0 / 32768) << i;  // the sink is s16
}

// Live PCM piped in while playing: what arrives at the sink is the tone that
// went in, whole, at the engine rate (24 kHz mono in, resampled).
TEST_F(PulsePlayback, PipedStreamArrivesWhole) {
    sh("sox -n -r 24000 -c 1 -b 16 -e signed-integer -t raw " + (dir / "voice.raw") + " synth 1 sine 1000 vol 0.5");
    RunResult played;
    const Pcm rec = server->record_while([&] {
        played = simvx({"--stream", "-", "--stream-rate", "24000", "--stream-channels", "1", "--latency-ms", "100"},
                       read_file(dir / "voice.raw"));
    });
    ASSERT_EQ(played.status, 0) << played.err;
    EXPECT_EQ(played.err.find("underrun"), std::string::npos) << played.err;
    const auto [first, last] = active_span(rec, 0.01f);
    ASSERT_LT(first, rec.frames());
    EXPECT_NEAR(static_cast<double>(last - first), 48000.0, 48.0);  // one second, nothing cut
    const auto l = rec.channel(1);
    const std::span<const float> middle(l.data() + first + 4800, 38400);
    EXPECT_NEAR(test::peak_frequency(middle, 48000), 1000.0, 0.5);
    EXPECT_NEAR(test::rms_db(middle), 20 * std::log10(0.5 / std::sqrt(2.0)), 0.2);
}

TEST_F(PulsePlayback, NoServerFailsAtOnceWithAHint) {
    write_wav(dir / "a.wav", interleave({std::vector<float>(4800, 0.1f)}, 48000), WavFormat::s16);
    RunResult r = run({"env", "PULSE_SERVER=unix:" + (dir / "nowhere"), bin(), dir / "a.wav"});
    EXPECT_EQ(r.status, 4) << r.err;
    EXPECT_LT(r.seconds, 1.0);
    EXPECT_NE(r.err.find("--null"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--render"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace simvx::test
