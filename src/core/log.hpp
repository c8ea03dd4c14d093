// Messages to the user on stderr. Control and decoder threads only: never call
// these from render code (the audio thread reports through counters instead).
#pragma once
#include <string>

namespace simvx::log {

enum class Level { quiet = 0, normal = 1, verbose = 2 };

void set_level(Level level);
Level level();

void warn(const std::string& message);   // "simvxplay: warning: ..." unless quiet; each text once per run
void info(const std::string& message);   // only with -v
void info_once(const std::string& message);  // only with -v, each text once per run (a file opened twice)
void note(const std::string& message);   // results the user asked for (--expect, --stats) unless quiet
void error(const std::string& message);  // always

// Also hands every warning to `hook` (--json writes them as objects on
// stdout). Called on whichever thread warned: it must be thread-safe and
// must not throw.
using WarningHook = void (*)(const std::string& message) noexcept;
void set_warning_hook(WarningHook hook);

// A line is being redrawn in place on stderr (the status or progress line,
// ending without a newline): every message first erases it, so none lands on
// the end of it; its owner draws it again on its next update.
void set_line_in_place(bool drawn);

}  // namespace simvx::log
