// `cmake --install`: what a packager or `sudo cmake --install build` puts
// where, and that the installed binary is the one built (it renders a tone
// to the frame and finds its completions' bus names).
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

namespace fs = std::filesystem;

TEST(Install, PutsBinaryManPageCompletionsAndDocsWhereTheirToolsLook) {
    if (!have_tool("cmake")) GTEST_SKIP() << "cmake not on PATH";
    TempDir dir;
    const std::string prefix = dir / "prefix";
    const RunResult r = run({"cmake", "--install", SIMVX_BUILD_DIR, "--prefix", prefix});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    for (const char* file : {"bin/simvxplay", "share/man/man1/simvxplay.1",
                             "share/bash-completion/completions/simvxplay", "share/zsh/site-functions/_simvxplay",
                             "share/fish/vendor_completions.d/simvxplay.fish", "share/doc/simvxplay/scene-format.md"})
        EXPECT_TRUE(fs::is_regular_file(prefix + "/" + file)) << file;
    // The installed completion file is the project's, byte for byte.
    EXPECT_EQ(read_file(prefix + "/share/bash-completion/completions/simvxplay"),
              read_file(std::string(SIMVX_SOURCE_DIR) + "/completions/simvxplay.bash"));
    // The installed binary works: 0.1 s of a tone rendered to the frame.
    write_wav(dir / "tone.wav", interleave({sine(440, 48000, 4800)}, 48000), WavFormat::s16);
    const RunResult render = run({prefix + "/bin/simvxplay", dir / "tone.wav", "--render", dir / "out.wav"});
    ASSERT_EQ(render.status, 0) << render.err;
    EXPECT_EQ(soxi("-s", dir / "out.wav"), 4800);
    EXPECT_EQ(raw_samples(dir / "out.wav", "s16"), raw_samples(dir / "tone.wav", "s16"));
}

}  // namespace
}  // namespace simvx::test
