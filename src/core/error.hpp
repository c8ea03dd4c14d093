// Errors that reach the user, each carrying the documented exit code.
#pragma once
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

struct UsageError : Error {
    explicit UsageError(const std::string& what) : Error(ExitCode::usage, what) {}
};

struct OutputError : Error {
    explicit OutputError(const std::string& what) : Error(ExitCode::output_io, what) {}
};

}  // namespace simvx
