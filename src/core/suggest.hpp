// "Did you mean ...?": the closest of a set of names to a word the user typed.
// Used for scene keys, bus, effect and device names, and command-line options.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace simvx {

// Optimal string alignment distance (Damerau-Levenshtein where a transposition
// of two adjacent characters counts as one edit and no substring is edited
// twice), comparing ASCII letters case-insensitively.
size_t edit_distance(std::string_view a, std::string_view b);

// The largest distance at which `word` still gets a suggestion:
// max(2, word.size() / 3).
size_t max_suggestion_distance(std::string_view word);

// The candidate closest to `word` (in the candidate's own spelling), or nothing
// when none is close enough: the distance must be at most
// max_suggestion_distance(word) and smaller than the word's length, so a
// suggestion never replaces everything that was typed. A candidate that
// differs only in case is always suggested. Ties go to the earlier candidate.
std::optional<std::string> closest(std::string_view word, std::span<const std::string_view> candidates);
std::optional<std::string> closest(std::string_view word, std::span<const std::string> candidates);
std::optional<std::string> closest(std::string_view word, std::initializer_list<std::string_view> candidates);

}  // namespace simvx
