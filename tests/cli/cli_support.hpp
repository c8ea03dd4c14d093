// Helpers for tests that run the simvxplay binary.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/audio.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx::test {

// simvxplay with these arguments (quiet progress: stderr is a pipe anyway).
inline RunResult simvx(std::vector<std::string> args, const std::string& input = {}, double timeout = 120) {
    args.insert(args.begin(), bin());
    return run(args, input, timeout);
}

// Raw sample bytes of an audio file as sox decodes them ("s16", "s24", "s32", "f32").
inline std::string raw_samples(const std::string& path, const std::string& type) {
    std::vector<std::string> argv = {"sox", path};
    if (type == "f32") argv.insert(argv.end(), {"-e", "floating-point"});
    argv.insert(argv.end(), {"-t", type, "-"});
    RunResult r = run(argv);
    if (r.status != 0) throw std::runtime_error("sox failed on " + path + ": " + r.err);
    return r.out;
}

// soxi -s (frames), -r, -c
inline long soxi(const std::string& flag, const std::string& path) {
    RunResult r = run({"soxi", flag, path});
    if (r.status != 0) throw std::runtime_error("soxi failed on " + path + ": " + r.err);
    return std::stol(r.out);
}

// Renders `scene` (plus `extra` options) to f32 at `out` and reads it back
// with sox; a failed render is a test failure.
inline Pcm render_f32(const std::string& scene, const std::string& out, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {scene, "--render-format", "f32", "--render", out};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = simvx(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return sox_read(out);
}

}  // namespace simvx::test
