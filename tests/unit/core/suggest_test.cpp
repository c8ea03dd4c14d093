#include "core/suggest.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace simvx {
namespace {

TEST(SuggestDistance, CountsInsertionsDeletionsSubstitutions) {
    EXPECT_EQ(edit_distance("", ""), 0u);
    EXPECT_EQ(edit_distance("abc", ""), 3u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("volume_db", "volume_db"), 0u);
    EXPECT_EQ(edit_distance("volme_db", "volume_db"), 1u);   // insertion
    EXPECT_EQ(edit_distance("volumee_db", "volume_db"), 1u); // deletion
    EXPECT_EQ(edit_distance("volune_db", "volume_db"), 1u);  // substitution
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(SuggestDistance, AdjacentTranspositionCostsOne) {
    EXPECT_EQ(edit_distance("ab", "ba"), 1u);
    EXPECT_EQ(edit_distance("smaple_rate", "sample_rate"), 1u);
    EXPECT_EQ(edit_distance("fiel", "file"), 1u);
}

TEST(SuggestDistance, IsOptimalStringAlignmentNotFullDamerau) {
    // Unrestricted Damerau-Levenshtein gives 2 (transpose, then insert
    // between); OSA never edits a transposed pair again, so 3.
    EXPECT_EQ(edit_distance("ca", "abc"), 3u);
}

TEST(SuggestDistance, IgnoresAsciiCase) {
    EXPECT_EQ(edit_distance("Master", "master"), 0u);
    EXPECT_EQ(edit_distance("VOLUME_DB", "volume_db"), 0u);
    EXPECT_EQ(edit_distance("Mastre", "master"), 1u);
}

TEST(SuggestClosest, FindsTheNearestName) {
    const std::array<std::string_view, 4> keys{"volume_db", "pitch", "loop", "loop_start"};
    EXPECT_EQ(closest("volme_db", keys), "volume_db");
    EXPECT_EQ(closest("ptich", keys), "pitch");
    EXPECT_EQ(closest("loop_strt", keys), "loop_start");
    EXPECT_EQ(closest("lop", keys), "loop");
}

TEST(SuggestClosest, ReturnsTheCandidatesOwnSpelling) {
    EXPECT_EQ(closest("master", {"Master"}), "Master");
    EXPECT_EQ(closest("MASTR", {"Master"}), "Master");
}

TEST(SuggestClosest, NothingWhenFar) {
    const std::array<std::string_view, 3> keys{"volume_db", "pitch", "loop"};
    EXPECT_EQ(closest("xyzzy", keys), std::nullopt);
    EXPECT_EQ(closest("reverb_mix", keys), std::nullopt);
    EXPECT_EQ(closest("anything", std::span<const std::string_view>{}), std::nullopt);
}

TEST(SuggestClosest, ThresholdGrowsWithTheWord) {
    EXPECT_EQ(max_suggestion_distance("pan"), 2u);
    EXPECT_EQ(max_suggestion_distance("from_position"), 4u);  // 13 / 3
    // Three edits are too many for a 6-letter word, fine for a 13-letter one.
    EXPECT_EQ(closest("sxmpxx", {"sample"}), std::nullopt);
    EXPECT_EQ(closest("sxmpxe", {"sample"}), "sample");
    EXPECT_EQ(edit_distance("frmo_psitoinxy", "from_position"), 5u);
    EXPECT_EQ(closest("frmo_positoin", {"from_position"}), "from_position");
    EXPECT_EQ(closest("frmo_psitoinxy", {"from_position"}), std::nullopt);
}

TEST(SuggestClosest, NeverReplacesAllThatWasTyped) {
    // Distance 2 is within max(2, len/3) but would rewrite both letters.
    EXPECT_EQ(closest("xy", {"pa"}), std::nullopt);
    EXPECT_EQ(closest("pn", {"pan"}), "pan");
}

TEST(SuggestClosest, TiesGoToTheEarlierCandidate) {
    EXPECT_EQ(closest("fade_ot", {"fade_in", "fade_out"}), "fade_out");  // 2 vs 1: no tie
    EXPECT_EQ(closest("bat", {"bus", "bar", "cat"}), "bar");
}

TEST(SuggestClosest, AcceptsOwnedStrings) {
    const std::vector<std::string> buses{"Master", "Music", "Reverb"};
    EXPECT_EQ(closest("Revreb", buses), "Reverb");
    EXPECT_EQ(closest("music", buses), "Music");
    EXPECT_EQ(closest("Drums", buses), std::nullopt);
}

}  // namespace
}  // namespace simvx
