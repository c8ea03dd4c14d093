// A one-hour MP3 streams from disk: its length is known before decoding (a
// scan of the frame headers), so `stream = true` decodes it while it renders,
// in constant memory, instead of 1.4 GB of floats.
#include <gtest/gtest.h>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

// The fixtures are made with sox and encoded with lame.
class LongMp3 : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* tool : {"sox", "lame"})
            if (!have_tool(tool)) GTEST_SKIP() << "needs " << tool;
    }
};

TEST_F(LongMp3, OneHourRendersStreamedInUnder40MB) {
    TempDir dir;
    // One hour cheaply: 10 s encoded once (8 kHz mono, 8 kb/s, no Info tag so
    // the pieces join), then the same frames 360 times over.
    sh("sox -n -r 8000 -c 1 -b 16 " + (dir / "piece.wav") + " synth 10 sine 440 gain -6");
    sh("lame --quiet -t -b 8 " + (dir / "piece.wav") + " " + (dir / "piece.mp3"));
    const std::string piece = read_file(dir / "piece.mp3");
    std::string hour;
    for (int i = 0; i < 360; ++i) hour += piece;
    write_file(dir / "hour.mp3", hour);
    write_file(dir / "scene.toml", "version = 1\n[[sound]]\nfile = \"hour.mp3\"\nstream = true\n");

    RunResult check = simvx({dir / "scene.toml", "--check"});
    ASSERT_EQ(check.status, 0) << check.err;
    EXPECT_NE(check.out.find("MPEG-2.5 Layer III, 8000 Hz, 1 ch, 60:54.7, streamed from disk"), std::string::npos)
        << check.out;

    // Rendered at the scene's 48 kHz stereo (resampled), into /dev/null: 1.4 GB of floats if decoded whole.
    auto peak_kb = [&](const std::string& scene, const std::string& length) {
        RunResult r = run({"/usr/bin/time", "-f", "maxrss_kb=%M", bin(), scene, "--render", "/dev/null", "-v"});
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_NE(r.err.find("done: " + length + " of audio"), std::string::npos) << r.err;
        const auto at_kb = r.err.find("maxrss_kb=");
        return at_kb == std::string::npos ? 0L : std::stol(r.err.substr(at_kb + 10));
    };
    const long hour_kb = peak_kb(dir / "scene.toml", "60:54.7");
    // Constant memory: no more than for one minute of the same (whatever a sanitizer adds to both).
    std::string minute;
    for (int i = 0; i < 6; ++i) minute += piece;
    write_file(dir / "minute.mp3", minute);
    write_file(dir / "minute.toml", "version = 1\n[[sound]]\nfile = \"minute.mp3\"\nstream = true\n");
    const long minute_kb = peak_kb(dir / "minute.toml", "1:00.9");
    EXPECT_LT(hour_kb, minute_kb + 4 * 1024) << "1 hour: " << hour_kb << " kB, 1 minute: " << minute_kb << " kB";
#if !defined(__SANITIZE_ADDRESS__)  // AddressSanitizer's shadow memory and quarantine come on top
    EXPECT_LT(hour_kb, 40 * 1024);
#endif
}

// Streamed, an MP3 seeks (from_position, every loop pass) through the decoder;
// in memory it is cut from one decode: the two sound the same.
TEST_F(LongMp3, StreamedLoopsSoundLikeInMemoryOnes) {
    TempDir dir;
    sh("sox -n -r 44100 -c 2 -b 16 " + (dir / "m.wav") + " synth 30 sine 300 sine 500 gain -8");
    sh("lame --quiet -b 128 " + (dir / "m.wav") + " " + (dir / "m.mp3"));
    const std::string base = "version = 1\n[engine]\nsample_rate = 48000\nduration = 40\n[[sound]]\nfile = \"m.mp3\"\n"
                             "fade_in = 0.5\nfrom_position = 2\nloop = true\nloop_start = 5\nloop_end = 20\nstream = ";
    write_file(dir / "a.toml", base + "true\n");
    write_file(dir / "b.toml", base + "false\n");
    EXPECT_NE(simvx({dir / "a.toml", "--check"}).out.find("streamed from disk"), std::string::npos);
    const Pcm a = render_f32(dir / "a.toml", dir / "a.wav"), b = render_f32(dir / "b.toml", dir / "b.wav");
    ASSERT_EQ(a.frames(), 40u * 48000);
    ASSERT_EQ(b.frames(), a.frames());
    std::vector<float> d(a.samples.size());
    for (size_t i = 0; i < d.size(); ++i) d[i] = a.samples[i] - b.samples[i];
    EXPECT_LT(peak_db(d), -90);  // two loop seams, each a decoder seek (near-identical, as mpeg_test says)
}

}  // namespace
}  // namespace simvx::test
