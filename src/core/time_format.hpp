// Times as users read them in messages, summaries and the status line.
#pragma once
#include <string>

namespace simvx {

// "1:02.5": minutes, seconds and tenths (truncated, so a time is never shown
// later than it is); non-finite or negative values read as 0:00.0.
std::string format_time(double seconds);

}  // namespace simvx
