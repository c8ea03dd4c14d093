#include "core/suggest.hpp"

#include <algorithm>
#include <vector>

namespace simvx {
namespace {

char fold(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

template <class Candidates>
std::optional<std::string> closest_of(std::string_view word, const Candidates& candidates) {
    const size_t limit = max_suggestion_distance(word);
    std::optional<std::string> best;
    size_t best_distance = 0;
    for (const auto& candidate : candidates) {
        const std::string_view name = candidate;
        const size_t d = edit_distance(word, name);
        const bool close = d == 0 || (d <= limit && d < word.size());
        if (close && (!best || d < best_distance)) {
            best = std::string(name);
            best_distance = d;
        }
    }
    return best;
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rolling rows of the (|a|+1) x (|b|+1) table: i-2, i-1 and i.
    const size_t n = b.size();
    std::vector<size_t> before(n + 1), previous(n + 1), current(n + 1);
    for (size_t j = 0; j <= n; ++j) previous[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (size_t j = 1; j <= n; ++j) {
            const bool same = fold(a[i - 1]) == fold(b[j - 1]);
            size_t d = std::min({previous[j] + 1,                    // deletion
                                 current[j - 1] + 1,                 // insertion
                                 previous[j - 1] + (same ? 0 : 1)}); // substitution
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
                d = std::min(d, before[j - 2] + 1);  // transposition
            current[j] = d;
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[n];
}

size_t max_suggestion_distance(std::string_view word) { return std::max<size_t>(2, word.size() / 3); }

std::optional<std::string> closest(std::string_view word, std::span<const std::string_view> candidates) {
    return closest_of(word, candidates);
}
std::optional<std::string> closest(std::string_view word, std::span<const std::string> candidates) {
    return closest_of(word, candidates);
}
std::optional<std::string> closest(std::string_view word, std::initializer_list<std::string_view> candidates) {
    return closest_of(word, candidates);
}

}  // namespace simvx
