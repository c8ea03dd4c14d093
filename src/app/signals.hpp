// SIGINT/SIGTERM become a flag the control thread polls; the handler itself
// does nothing else (async-signal-safe).
#pragma once

namespace simvx::signals {

void install();
// 0 when no signal has arrived, else the first signal's number.
int received();
// The documented exit code for an interruption by `sig` (130 for SIGINT, 143 for SIGTERM).
int exit_code(int sig);

}  // namespace simvx::signals
