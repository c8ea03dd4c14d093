// Runs a command (no shell) and captures its exit status and output.
#pragma once
#include <functional>
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

// Runs argv with its stdin fed by `produce`, called on another thread with
// the write end of a pipe (closed when it returns): for producers that write
// in odd pieces or pause. Writes fail (EPIPE) once the program has exited.
RunResult run_fed(const std::vector<std::string>& argv, const std::function<void(int fd)>& produce,
                  double timeout_s = 120);
// Writes all of `bytes` to fd (false when the reader has gone).
bool write_all(int fd, const char* bytes, size_t size);

// Runs a shell command line (for fixtures: sox/flac/oggenc pipelines); throws on failure.
void sh(const std::string& command);
// True when a tool is on PATH.
bool have_tool(const std::string& name);

// The simvxplay binary under test.
std::string bin();

}  // namespace simvx::test

namespace simvx::test {

// A background process (a server, a recorder) that outlives one call.
class Child {
public:
    // stdout and stderr go to `log_path` (or /dev/null).
    explicit Child(const std::vector<std::string>& argv, const std::string& log_path = "/dev/null");
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    // Sends `sig`, waits up to `timeout_s`, then SIGKILL; returns the status as run() does.
    int stop(int sig = 15, double timeout_s = 5);
    bool running();
    int pid() const { return pid_; }

private:
    int pid_ = -1;
    int status_ = -1;
};

}  // namespace simvx::test
