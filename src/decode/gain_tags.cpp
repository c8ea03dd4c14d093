#include "decode/gain_tags.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace simvx {
namespace {

// The difference between the two references: ReplayGain 2.0 aims at -18 LUFS,
// R128 (EBU R 128) at -23 LUFS.
constexpr double kR128ToReplayGainDb = 5.0;
// Beyond this a tag is damaged, not a gain anyone meant.
constexpr double kMaxGainDb = 64.0;

bool same_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\0')) s.remove_suffix(1);
    return s;
}

// A number, then optionally a unit ("dB" for gains), and nothing else.
std::optional<double> number(std::string_view text, std::string_view unit) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
    const std::string_view rest = trim(text.substr(static_cast<size_t>(end - text.data())));
    if (!rest.empty() && !same_ignoring_case(rest, unit)) return std::nullopt;
    return value;
}

std::optional<double> gain(std::string_view text) {
    const auto db = number(text, "dB");
    if (!db || std::fabs(*db) > kMaxGainDb) return std::nullopt;
    return db;
}

std::optional<double> peak(std::string_view text) {
    const auto p = number(text, "");
    if (!p || *p <= 0.0 || *p > 100.0) return std::nullopt;
    return p;
}

// Splits "KEY=value"; false when there is no '='.
bool split(std::string_view comment, std::string_view& key, std::string_view& value) {
    const size_t eq = comment.find('=');
    if (eq == std::string_view::npos) return false;
    key = comment.substr(0, eq);
    value = comment.substr(eq + 1);
    return true;
}

}  // namespace

void read_replaygain_field(std::string_view key, std::string_view value, GainTags& tags) {
    key = trim(key);
    if (same_ignoring_case(key, "REPLAYGAIN_TRACK_GAIN")) {
        if (auto g = gain(value)) tags.track_gain_db = g;
    } else if (same_ignoring_case(key, "REPLAYGAIN_TRACK_PEAK")) {
        if (auto p = peak(value)) tags.track_peak = p;
    } else if (same_ignoring_case(key, "REPLAYGAIN_ALBUM_GAIN")) {
        if (auto g = gain(value)) tags.album_gain_db = g;
    } else if (same_ignoring_case(key, "REPLAYGAIN_ALBUM_PEAK")) {
        if (auto p = peak(value)) tags.album_peak = p;
    }
}

void read_replaygain_comment(std::string_view comment, GainTags& tags) {
    std::string_view key, value;
    if (split(comment, key, value)) read_replaygain_field(key, value, tags);
}

void read_r128_comment(std::string_view comment, GainTags& tags) {
    std::string_view key, value;
    if (!split(comment, key, value)) return;
    const bool track = same_ignoring_case(key, "R128_TRACK_GAIN");
    if (!track && !same_ignoring_case(key, "R128_ALBUM_GAIN")) return;
    value = trim(value);
    if (!value.empty() && value.front() == '+') value.remove_prefix(1);
    int q78 = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), q78);
    if (ec != std::errc() || end != value.data() + value.size() || q78 < INT16_MIN || q78 > INT16_MAX) return;
    const double db = q78 / 256.0 + kR128ToReplayGainDb;
    (track ? tags.track_gain_db : tags.album_gain_db) = db;
}

}  // namespace simvx
