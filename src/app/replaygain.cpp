#include "app/replaygain.hpp"

#include <cmath>
#include <cstdio>

namespace simvx {
namespace {

std::string db_text(double db) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.2f dB", db);
    return buf;
}

}  // namespace

ReplayGainMode parse_replaygain_mode(const std::string& name) {
    return name == "track" ? ReplayGainMode::track : name == "album" ? ReplayGainMode::album : ReplayGainMode::off;
}

std::optional<ReplayGain> choose_replaygain(const GainTags& tags, ReplayGainMode mode) {
    if (mode == ReplayGainMode::off || tags.empty()) return std::nullopt;
    const bool want_album = mode == ReplayGainMode::album;
    // The gain and the peak measured with it travel together.
    const bool album = want_album ? tags.album_gain_db.has_value() : !tags.track_gain_db.has_value();
    const double tagged = album ? *tags.album_gain_db : *tags.track_gain_db;
    const std::optional<double> peak = album ? tags.album_peak : tags.track_peak;
    ReplayGain rg{tagged, std::string(album ? "album" : "track") + " gain " + db_text(tagged)};
    if (album != want_album) rg.description += " (no " + std::string(want_album ? "album" : "track") + " gain)";
    if (peak) {
        const double ceiling = -20.0 * std::log10(*peak);
        if (tagged > ceiling) {
            rg.gain_db = ceiling;
            rg.description += ", held at " + db_text(ceiling) + " by the tagged peak " + std::to_string(*peak);
        }
    }
    return rg;
}

}  // namespace simvx
