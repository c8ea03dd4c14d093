// The FFmpeg fallback as a user meets it (issue 18): an AIFF, an M4A or a WMA
// given to simvxplay plays, -v, --check and --json say that FFmpeg decoded
// it, scenes loop and seek in such files (streamed from disk too) exactly as
// in the same audio as WAV, a container with no audio is refused, and FFmpeg
// is loaded only when a file needs it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli_support.hpp"

namespace simvx {
namespace {

namespace fs = std::filesystem;

class FfmpegFallbackCli : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::have_tool("ffmpeg") || !test::have_tool("sox")) GTEST_SKIP() << "needs ffmpeg and sox";
        // 2 s of 440 Hz left, 1250 Hz right, s16, made by sox without dither.
        test::sh("sox -D -n -r 48000 -c 2 -b 16 '" + at("src.wav") + "' synth 2 sine 440 sine 1250 gain -6");
    }
    std::string at(const std::string& name) const { return dir_ / name; }
    std::string encode(const std::string& name, const std::string& args) {
        test::sh("ffmpeg -v error -y -i '" + at("src.wav") + "' " + args + " '" + at(name) + "'");
        return at(name);
    }
    test::TempDir dir_;
};

TEST_F(FfmpegFallbackCli, LosslessFilesRenderBitExact) {
    for (const auto& [name, args] : {std::pair{"x.aiff", "-c:a pcm_s16be"}, std::pair{"x.m4a", "-c:a alac"},
                                     std::pair{"x.wv", "-c:a wavpack"}}) {
        const std::string in = encode(name, args), out = at("out.wav");
        const test::RunResult r = test::simvx({in, "--render", out});
        ASSERT_EQ(r.status, 0) << name << ": " << r.err;
        EXPECT_EQ(test::soxi("-s", out), 96000) << name;
        EXPECT_EQ(test::soxi("-r", out), 48000) << name;
        EXPECT_TRUE(test::raw_samples(out, "s16") == test::raw_samples(at("src.wav"), "s16"))
            << name << ": the render differs from the source";
    }
}

TEST_F(FfmpegFallbackCli, LossyFilesKeepTheirToneAndLength) {
    for (const auto& [name, args] : {std::pair{"x.m4a", "-c:a aac -b:a 192k"}, std::pair{"x.wma", "-c:a wmav2 -b:a 192k"},
                                     std::pair{"x.aac", "-c:a aac -b:a 192k"}}) {
        const std::string in = encode(name, args), out = at("out.wav");
        const test::RunResult r = test::simvx({in, "--render", out, "--render-format", "f32"});
        ASSERT_EQ(r.status, 0) << name << ": " << r.err;
        const test::Pcm pcm = test::sox_read(out);
        // ffmpeg(1) decodes the same file to the same length (an MP4 to its
        // edit list's end: the source's 96000 frames).
        const std::string ref = test::run({"ffmpeg", "-v", "error", "-i", in, "-f", "f32le", "-"}).out;
        const size_t ffmpeg_frames = ref.size() / 8;
        EXPECT_EQ(pcm.frames(), std::string(name) == "x.m4a" ? 96000u : ffmpeg_frames) << name;
        const std::vector<float> left = pcm.channel(0), right = pcm.channel(1);
        const std::vector<float> l(left.begin() + 24000, left.begin() + 72000), rr(right.begin() + 24000, right.begin() + 72000);
        EXPECT_NEAR(test::peak_frequency(l, 48000), 440.0, 0.5) << name;
        EXPECT_NEAR(test::peak_frequency(rr, 48000), 1250.0, 0.5) << name;
        EXPECT_NEAR(test::rms_db(l), -9.03, 0.3) << name;
    }
}

TEST_F(FfmpegFallbackCli, VerboseCheckAndJsonNameTheFallback) {
    const std::string m4a = encode("x.m4a", "-c:a aac");
    test::RunResult r = test::simvx({m4a, "-v", "--render", at("out.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string said = m4a + ": no native decoder takes this MP4/M4A file; decoding AAC (Advanced Audio Coding) "
                                   "through FFmpeg (libavformat ";
    EXPECT_NE(r.err.find(said), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(said), r.err.rfind(said)) << "said more than once:\n" << r.err;

    r = test::simvx({m4a, "--check"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("file " + m4a + ": AAC (Advanced Audio Coding) in MP4/M4A, through FFmpeg, 48000 Hz, 2 ch, 0:02.0"),
              std::string::npos)
        << r.out;

    r = test::simvx({m4a, "--check", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("\"format\":\"AAC (Advanced Audio Coding) in MP4/M4A, through FFmpeg\""), std::string::npos)
        << r.out;

    r = test::simvx({"--list", "formats"});
    EXPECT_NE(r.out.find("decode\tFFmpeg fallback"), std::string::npos) << r.out;
}

// A scene loops an ALAC file streamed from disk (the decoder seeks at each
// loop) and starts part-way: the render equals the same scene over the WAV.
TEST_F(FfmpegFallbackCli, ScenesLoopAndSeekInFallbackFilesAsInWav) {
    encode("x.m4a", "-c:a alac");
    auto scene = [&](const std::string& file) {
        const std::string path = at(file + ".toml");
        test::write_file(path, "version = 1\n[engine]\nsample_rate = 48000\nduration = 5\n"
                               "[[sound]]\nfile = \"" + file + "\"\nstream = true\nloop = true\n"
                               "loop_start = 0.5\nloop_end = 1.75\n");
        return path;
    };
    for (const std::string start : {"0", "2.3"}) {
        test::RunResult a = test::simvx({scene("src.wav"), "--start-at", start, "--render", at("wav.wav")});
        test::RunResult b = test::simvx({scene("x.m4a"), "--start-at", start, "--render", at("m4a.wav")});
        ASSERT_EQ(a.status, 0) << a.err;
        ASSERT_EQ(b.status, 0) << b.err;
        EXPECT_EQ(test::soxi("-s", at("m4a.wav")), test::soxi("-s", at("wav.wav")));
        EXPECT_TRUE(test::raw_samples(at("m4a.wav"), "s16") == test::raw_samples(at("wav.wav"), "s16"))
            << "start " << start << ": the ALAC scene differs from the WAV scene";
    }
}

TEST_F(FfmpegFallbackCli, ContainersWithoutAudioAreRefused) {
    test::sh("ffmpeg -v error -y -f lavfi -i testsrc=d=1:s=64x64 -c:v mpeg4 '" + at("video.mp4") + "'");
    const test::RunResult r = test::simvx({at("video.mp4"), "--render", at("out.wav")});
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_NE(r.err.find(at("video.mp4") + ": MP4/M4A file has no audio stream"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(at("out.wav")));
}

// FFmpeg's libraries (and the 100 more they pull in) load only for a file
// that needs them: a WAV, FLAC, Ogg or MP3 starts as fast as ever.
TEST_F(FfmpegFallbackCli, FfmpegLoadsOnlyForAFileThatNeedsIt) {
    const std::string aiff = encode("x.aiff", "-c:a pcm_s16be");
    auto loads_ffmpeg = [&](const std::string& file) {
        const test::RunResult r =
            test::run({"env", "LD_DEBUG=files", test::bin(), file, "--render", at("out.wav")});
        EXPECT_EQ(r.status, 0) << r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0);
        return r.err.find("libavcodec.so") != std::string::npos;
    };
    EXPECT_FALSE(loads_ffmpeg(at("src.wav")));
    EXPECT_TRUE(loads_ffmpeg(aiff));
}

}  // namespace
}  // namespace simvx
