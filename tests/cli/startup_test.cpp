// What a start of simvxplay loads. libpulse, cairo, libmysofa and FFTW are
// loaded when a run first needs them (playback, --plot, an HRTF set, a
// spectrum), not linked: a render or --check does not pay for them, and runs
// where they are not installed. Checked through the dynamic loader's own
// account (LD_DEBUG=files), and, where the test may make a mount namespace
// (root), with libpulse and cairo made unloadable.
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <link.h>

#include <filesystem>
#include <fstream>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

constexpr const char* kSofa = "/usr/share/libmysofa/default.sofa";

class StartupCli : public ::testing::Test {
protected:
    void SetUp() override {
        // 0.5 s of a 1 kHz tone, s16 (a plain render gives the same samples back).
        write_wav(dir / "tone.wav", interleave({sine(1000, 48000, 24000, 0.25), sine(1000, 48000, 24000, 0.125)}, 48000),
                  WavFormat::s16);
    }
    // simvxplay with the dynamic loader saying which libraries it loads (on stderr).
    RunResult traced(std::vector<std::string> args) {
        args.insert(args.begin(), {"env", "LD_DEBUG=files", bin()});
        return run(args);
    }
    // Whether the trace shows `soname` loaded.
    static bool loaded(const RunResult& r, const std::string& soname) {
        return r.err.find("file=" + soname + " ") != std::string::npos;
    }
    // The rendered samples are the input's, bit for bit.
    void expect_same_samples(const std::string& out) {
        const WavData in = read_wav_data(dir / "tone.wav"), got = read_wav_data(out);
        EXPECT_EQ(got.bits, 16);
        EXPECT_EQ(got.channels, 2);
        ASSERT_EQ(got.data.size(), in.data.size());
        EXPECT_TRUE(got.data == in.data) << "the render changed the samples";
    }
    TempDir dir;
};

TEST_F(StartupCli, ARenderLoadsNeitherPlaybackNorPlotNorHrtfLibraries) {
    RunResult r = traced({dir / "tone.wav", "--render", dir / "out.wav", "-q"});
    ASSERT_EQ(r.status, 0) << r.err.substr(r.err.size() > 4000 ? r.err.size() - 4000 : 0);
    ASSERT_TRUE(loaded(r, "libsoxr.so.0")) << "the loader's trace is missing";  // linked: always there
    for (const char* lib : {"libpulse.so.0", "libcairo.so.2", "libmysofa.so.1", "libfftw3f.so.3", "libavformat.so"})
        EXPECT_FALSE(loaded(r, lib)) << lib << " was loaded by a plain render";
    expect_same_samples(dir / "out.wav");

    r = traced({dir / "tone.wav", "--check"});
    ASSERT_EQ(r.status, 0);
    EXPECT_FALSE(loaded(r, "libpulse.so.0"));
    EXPECT_FALSE(loaded(r, "libcairo.so.2"));
}

TEST_F(StartupCli, EachLibraryLoadsWhenItsFeatureIsUsed) {
    RunResult r = traced({dir / "tone.wav", "--render", dir / "out.wav", "--plot", dir / "plot.png", "-q"});
    ASSERT_EQ(r.status, 0);
    EXPECT_TRUE(loaded(r, "libcairo.so.2"));
    EXPECT_TRUE(loaded(r, "libfftw3f.so.3"));  // the spectrogram
    EXPECT_FALSE(loaded(r, "libpulse.so.0"));
    EXPECT_GT(std::filesystem::file_size(dir / "plot.png"), 10000u);
    expect_same_samples(dir / "out.wav");

    if (std::filesystem::exists(kSofa)) {
        std::ofstream(dir / "hrtf.toml") << "version = 1\n[engine]\nspatial = \"hrtf\"\n"
                                            "[[sound]]\nfile = \"tone.wav\"\n[sound.spatial]\nposition = [1.0, 0.0, 0.0]\n";
        r = traced({dir / "hrtf.toml", "--render", dir / "hrtf.wav", "-q"});
        ASSERT_EQ(r.status, 0) << r.err.substr(r.err.size() > 4000 ? r.err.size() - 4000 : 0);
        EXPECT_TRUE(loaded(r, "libmysofa.so.1"));
        EXPECT_FALSE(loaded(r, "libpulse.so.0"));
    }
}

// The path the dynamic loader opens for `soname`, resolved to the file.
std::string library_file(const char* soname) {
    void* h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) return {};
    link_map* map = nullptr;
    std::string path;
    if (dlinfo(h, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name) path = map->l_name;
    dlclose(h);
    return path.empty() ? path : std::filesystem::canonical(path).string();
}

TEST_F(StartupCli, WithoutLibpulseOrCairoRendersWorkAndTheRestSaysWhy) {
    const std::string pulse = library_file("libpulse.so.0"), cairo = library_file("libcairo.so.2");
    ASSERT_FALSE(pulse.empty());
    ASSERT_FALSE(cairo.empty());
    // A private mount namespace where both files read as empty (needs root).
    auto hidden = [&](const std::string& command) {
        return run({"unshare", "-m", "sh", "-c",
                    "mount --bind /dev/null '" + pulse + "' && mount --bind /dev/null '" + cairo + "' && " + command});
    };
    if (hidden("true").status != 0) GTEST_SKIP() << "cannot make a mount namespace here (not root?)";
    const std::string b = "'" + bin() + "' ";

    RunResult r = hidden(b + "'" + (dir / "tone.wav") + "' --render '" + (dir / "out.wav") + "' -q");
    ASSERT_EQ(r.status, 0) << r.err;
    expect_same_samples(dir / "out.wav");

    r = hidden(b + "'" + (dir / "tone.wav") + "'");
    EXPECT_EQ(r.status, 4) << r.err;  // no audio device
    EXPECT_NE(r.err.find("PulseAudio client library cannot be loaded"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("libpulse.so.0"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--null"), std::string::npos) << r.err;

    // --plot fails before rendering: nothing is written.
    r = hidden(b + "'" + (dir / "tone.wav") + "' --render '" + (dir / "plotted.wav") + "' --plot '" +
               (dir / "plot.png") + "'");
    EXPECT_EQ(r.status, 5) << r.err;  // output
    EXPECT_NE(r.err.find("cannot draw plots"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("libcairo.so.2"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "plotted.wav"));
    EXPECT_FALSE(std::filesystem::exists(dir / "plot.png"));
}

}  // namespace
}  // namespace simvx::test
