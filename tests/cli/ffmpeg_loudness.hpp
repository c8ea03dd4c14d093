// ffmpeg as the independent loudness reference of the CLI tests: its ebur128
// filter (EBU R 128 measurement) and its loudnorm filter (normalization, the
// linear two-pass way) on the same files simvxplay measured or wrote.
#pragma once
#include <algorithm>
#include <cmath>
#include <optional>
#include <regex>
#include <sstream>
#include <string>

#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx::test {

// ffmpeg's ebur128=peak=true on a file: the values after the last 100 ms
// frame (printed with three decimals, unlike the one-decimal summary), and
// the largest short-term loudness once a full 3 s window exists. `meta` is
// a scratch file.
struct LoudnessReference {
    double integrated = 0, range = 0, true_peak_db = 0, shortterm_max = -INFINITY;
};
inline LoudnessReference ffmpeg_ebur128(const std::string& file, const std::string& meta) {
    sh("ffmpeg -nostdin -v error -i " + file + " -af ebur128=peak=true:metadata=1,ametadata=mode=print:file=" + meta +
       " -f null -");
    LoudnessReference r;
    std::istringstream in(read_file(meta));
    double t = 0;
    for (std::string line; std::getline(in, line);) {
        auto value = [&](const char* key) -> std::optional<double> {
            const std::string k = std::string("lavfi.r128.") + key + "=";
            if (line.rfind(k, 0) != 0) return std::nullopt;
            return std::stod(line.substr(k.size()));
        };
        if (auto p = line.find("pts_time:"); p != std::string::npos) t = std::stod(line.substr(p + 9));
        if (auto v = value("I")) r.integrated = *v;
        if (auto v = value("LRA")) r.range = *v;
        if (auto v = value("true_peak")) r.true_peak_db = 20 * std::log10(*v);
        if (auto v = value("S"); v && t >= 2.85) r.shortterm_max = std::max(r.shortterm_max, *v);  // frame ending at 3.0 s on
    }
    return r;
}

// ffmpeg's loudnorm in linear mode, two passes as its documentation gives
// them: measure `in`, then write `out` (f32, at `rate`: loudnorm itself
// works at 192 kHz) with the measured values. Linear mode is one gain, as
// simvxplay's --normalize is (loudnorm falls back to dynamic mode when the
// true peak would pass `tp`, so compare where it does not).
inline void ffmpeg_loudnorm_linear(const std::string& in, const std::string& out, double target, double tp, int rate) {
    const std::string filter = "loudnorm=I=" + std::to_string(target) + ":TP=" + std::to_string(tp) + ":LRA=50";
    RunResult r = run({"ffmpeg", "-nostdin", "-hide_banner", "-i", in, "-af", filter + ":print_format=json", "-f", "null", "-"});
    if (r.status != 0) throw std::runtime_error("ffmpeg loudnorm (measuring) failed: " + r.err);
    auto field = [&](const std::string& key) {
        std::smatch m;
        if (!std::regex_search(r.err, m, std::regex("\"" + key + "\" : \"([^\"]+)\"")))
            throw std::runtime_error("no " + key + " in ffmpeg's loudnorm output:\n" + r.err);
        return m[1].str();
    };
    const std::string second = filter + ":measured_I=" + field("input_i") + ":measured_TP=" + field("input_tp") +
                               ":measured_LRA=" + field("input_lra") + ":measured_thresh=" + field("input_thresh") +
                               ":offset=" + field("target_offset") + ":linear=true";
    sh("ffmpeg -nostdin -v error -y -i " + in + " -af " + second + " -ar " + std::to_string(rate) + " -c:a pcm_f32le " +
       out);
}

}  // namespace simvx::test
