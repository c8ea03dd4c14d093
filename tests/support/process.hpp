// Runs a command (no shell) and captures its exit status and output.
#pragma once
#include <string>
#include <vector>

namespace simvx::test {

struct RunResult {
    int status = -1;      // exit code, or 128 + signal
    std::string out;      // stdout
    std::string err;      // stderr
    double seconds = 0;   // wall time
};

// Runs argv with `input` on stdin; kills it after timeout_s (status 124 then).
RunResult run(const std::vector<std::string>& argv, const std::string& input = {}, double timeout_s = 120);

// Runs a shell command line (for fixtures: sox/flac/oggenc pipelines); throws on failure.
void sh(const std::string& command);
// True when a tool is on PATH.
bool have_tool(const std::string& name);

// The simvxplay binary under test.
std::string bin();

}  // namespace simvx::test
