// --replaygain: the gain a plain file plays at, from the tags its decoder read.
#pragma once
#include <optional>
#include <string>

#include "decode/gain_tags.hpp"

namespace simvx {

enum class ReplayGainMode { off, track, album };

// "off" | "track" | "album" (CLI11 checked the name).
ReplayGainMode parse_replaygain_mode(const std::string& name);

struct ReplayGain {
    double gain_db = 0.0;
    std::string description;  // for -v: which tag, and whether the peak held it down
};

// The gain for one file: the mode's gain, else the other one (an album tag
// alone still levels a track, and a track tag alone an album), lowered so
// that gain x the matching tagged peak stays at or below full scale. Nothing
// when the mode is off or the file has no gain tag.
std::optional<ReplayGain> choose_replaygain(const GainTags& tags, ReplayGainMode mode);

}  // namespace simvx
