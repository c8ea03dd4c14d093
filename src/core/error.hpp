// Errors that reach the user, each carrying the documented exit code.
#pragma once
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace simvx {

// Exit codes are part of the command-line contract (man/simvxplay.1, EXIT STATUS).
enum class ExitCode : int {
    ok = 0,
    internal = 1,      // a bug: should never be seen
    usage = 2,         // bad option or option combination
    bad_input = 3,     // scene or audio file unreadable, undecodable or invalid
    no_device = 4,     // no audio server or device
    output_io = 5,     // writing the output failed
    mismatch = 6,      // --expect found a difference
    interrupted = 130, // SIGINT (SIGTERM gives 143)
    closed_output = 141, // the reader of standard output went away (128 + SIGPIPE, as a shell pipeline expects)
};

class Error : public std::runtime_error {
public:
    Error(ExitCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
    ExitCode code() const noexcept { return code_; }

private:
    ExitCode code_;
};

// A file or scene that cannot be used: names the input and what was found.
struct InputError : Error {
    explicit InputError(const std::string& what) : Error(ExitCode::bad_input, what) {}
};

// A decoder that cannot go on: thrown from Decoder::read/seek/open.
struct DecodeError : InputError {
    using InputError::InputError;
};

// No audio server or device to play on at all (not reachable, or gone while
// playing). The front end adds what can be done instead (--null, --render):
// the outputs do not know the command line.
struct NoServerError : Error {
    explicit NoServerError(const std::string& what) : Error(ExitCode::no_device, what) {}
};

struct UsageError : Error {
    explicit UsageError(const std::string& what) : Error(ExitCode::usage, what) {}
};

struct OutputError : Error {
    explicit OutputError(const std::string& what) : Error(ExitCode::output_io, what) {}
};

// The reader of a pipe went away (`simvxplay ... --render - | head -c 1000`,
// `--json | head -n 2`): not a failure to report but the end of the run,
// quietly, with the exit status a process killed by SIGPIPE has.
struct ClosedOutputError : Error {
    explicit ClosedOutputError(const std::string& what) : Error(ExitCode::closed_output, what) {}
};

// After a failed write to `name`: ClosedOutputError for a closed pipe,
// OutputError (with the system's reason) for anything else.
[[noreturn]] inline void throw_write_error(const std::string& name, int error_number) {
    if (error_number == EPIPE) throw ClosedOutputError(name + ": the reader went away");
    throw OutputError(name + ": write failed: " + std::strerror(error_number));
}

}  // namespace simvx
