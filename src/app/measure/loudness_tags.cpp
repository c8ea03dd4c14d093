#include "app/measure/loudness_tags.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace simvx {
namespace {

constexpr double kReplayGainReferenceLufs = -18.0;  // ReplayGain 2.0
constexpr double kR128ReferenceLufs = -23.0;        // EBU R 128, RFC 7845

std::string printed(const char* format, double value) {
    char text[32];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

}  // namespace

void add_loudness_tags(Tags& tags, Codec codec, const OutputLoudness& loudness) {
    if (!std::isfinite(loudness.integrated_lufs)) return;
    switch (codec) {
        case Codec::wav: return;
        case Codec::opus: {
            const double q78 = std::round((kR128ReferenceLufs - loudness.integrated_lufs) * 256.0);
            set_tag(tags, "R128_TRACK_GAIN", printed("%.0f", std::clamp(q78, -32768.0, 32767.0)));
            return;
        }
        case Codec::flac:
        case Codec::vorbis:
        case Codec::mp3:
            set_tag(tags, "REPLAYGAIN_TRACK_GAIN",
                    printed("%+.2f dB", kReplayGainReferenceLufs - loudness.integrated_lufs));
            if (std::isfinite(loudness.true_peak_db))
                set_tag(tags, "REPLAYGAIN_TRACK_PEAK", printed("%.6f", std::pow(10.0, loudness.true_peak_db / 20)));
            return;
    }
}

}  // namespace simvx
