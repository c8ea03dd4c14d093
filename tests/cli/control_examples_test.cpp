// The control examples run as a user runs them, against a --null mix that
// records what it played: the Python orbit moves a 3D source round the
// listener (heard right, then left; swapped once the listener turns round).
#include <gtest/gtest.h>

#include <cmath>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

// Level of one channel over `seconds` centred on `t`, in dB.
double level_at(const Pcm& p, size_t channel, double t, double seconds = 0.1) {
    const auto x = p.channel(channel);
    const size_t from = static_cast<size_t>(std::max(0.0, t - seconds / 2) * p.rate);
    const size_t to = std::min(x.size(), static_cast<size_t>((t + seconds / 2) * p.rate));
    return rms_db(std::span<const float>(x).subspan(from, to - from));
}

TEST(ControlExamples, TheOrbitGoesRoundTheListener) {
    TempDir dir;
    const std::string tone = dir / "tone.wav", rec = dir / "orbit.wav", sock = dir / "mix.sock";
    sh("sox -n -r 48000 -c 1 -b 16 " + tone + " synth 1 sine 440 vol 0.5");
    Child player({bin(), "--null", "--control", sock, "--record", rec, "--latency-ms", "100"}, dir / "player.log");
    const std::string script = std::string(SIMVX_SOURCE_DIR) + "/examples/control/orbit.py";
    // Waits for the socket like the test client does: the example connects at once.
    for (int i = 0; i < 500 && !std::filesystem::exists(sock); ++i) usleep(10000);
    const RunResult r = run({"python3", script, sock, tone, "--laps", "1", "--period", "2"}, "", 60);
    ASSERT_EQ(r.status, 0) << r.err << r.out;
    ASSERT_EQ(player.stop(0, 20), 0) << read_file(dir / "player.log");
    const Pcm out = sox_read(rec);
    // The orbit starts where the sound starts: in front, then right (a
    // quarter lap), behind, left (three quarters), and after the turn the
    // right-hand quarter is heard on the left.
    size_t onset = 0;
    while (onset < out.samples.size() && std::abs(out.samples[onset]) < 1e-4f) ++onset;
    const double t0 = static_cast<double>(onset / out.channels) / out.rate;
    auto balance = [&](double t) { return level_at(out, 1, t0 + t) - level_at(out, 0, t0 + t); };  // R - L
    EXPECT_GT(balance(0.5), 10) << "a quarter lap: on the right";
    EXPECT_LT(balance(1.5), -10) << "three quarters: on the left";
    EXPECT_LT(balance(2.5), -10) << "turned round, the right-hand quarter is heard on the left";
    EXPECT_NEAR(balance(0.0), 0, 3) << "in front: centred";
    EXPECT_NE(r.out.find("\"state\": \"ended\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace simvx::test
