// Numbers as users wrote them: the shortest text that reads back as the same
// double ("0.1", "2", "1e-05"), for messages that quote a value or a limit.
#pragma once
#include <string>

namespace simvx {

// Shortest round-trip form; "nan", "inf" and "-inf" for the non-finite.
std::string format_number(double x);

}  // namespace simvx
