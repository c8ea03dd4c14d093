// --list formats|effects|keys|buses: what this simvxplay reads and does, for
// people and for programs (the completions, a GUI that builds scenes). Read
// from the tables the loader and the decoders themselves use, so the list
// cannot drift from what is accepted.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace simvx {

// The listing of `what` as text (one item a line, details after a tab) or
// as one JSON object. "buses" reads the scene in `inputs`; the others ignore
// them. Throws UsageError for an unknown `what` or buses without a scene.
std::string list_capabilities(std::string_view what, bool json, const std::vector<std::string>& inputs);

// The names --list accepts.
inline constexpr std::string_view kListTopics[] = {"formats", "effects", "keys", "buses"};

}  // namespace simvx
