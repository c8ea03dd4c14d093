#include "option_checks.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <filesystem>

#include "core/number_format.hpp"
#include "core/speakers.hpp"
#include "core/suggest.hpp"
#include "sink/encoding.hpp"
#include "sink/riff_info.hpp"

namespace simvx {
namespace {

std::string number_text(double v) {
    std::string s = std::to_string(v);
    // "86400.000000" -> "86400", "0.010000" -> "0.01"
    if (s.find('.') != std::string::npos) {
        s.erase(s.find_last_not_of('0') + 1);
        if (s.back() == '.') s.pop_back();
    }
    return s;
}

}  // namespace

std::string describe_range(const NumberRule& rule) {
    if (rule.lo_open) return "greater than " + number_text(rule.lo) + " and at most " + number_text(rule.hi);
    return "from " + number_text(rule.lo) + " to " + number_text(rule.hi);
}

std::string check_number(const std::string& text, const NumberRule& rule) {
    const std::string wanted = "must be " + rule.what + " " + describe_range(rule) + ", got '" + text + "'";
    if (text.empty()) return wanted;
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return wanted;
    if (!std::isfinite(v)) return "must be a finite number, got '" + text + "'";
    if (rule.integer && v != std::floor(v)) return "must be a whole number " + describe_range(rule) + ", got '" + text + "'";
    const bool above_lo = rule.lo_open ? v > rule.lo : v >= rule.lo;
    if (!above_lo || v > rule.hi) return wanted;
    return {};
}

CLI::Validator number_in(NumberRule rule) {
    return CLI::Validator([rule](std::string& text) { return check_number(text, rule); }, "", "");
}

CLI::Validator output_channels() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const NumberRule whole{1, 8, false, true, "a channel count"};
            if (check_number(text, whole).empty() && speaker::is_output_layout(std::stoull(text))) return {};
            return std::string("must be ") + speaker::kOutputLayouts + ", got '" + text + "'";
        },
        "", "");
}

CLI::Validator one_of(std::vector<std::string> names) {
    return CLI::Validator(
        [names](std::string& text) -> std::string {
            if (std::find(names.begin(), names.end(), text) != names.end()) return {};
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            std::string message = "must be one of " + list + ", got '" + text + "'";
            if (auto near = closest(text, std::span<const std::string>(names))) message += "; did you mean " + *near + "?";
            return message;
        },
        "", "");
}

namespace {

// --quality / --bitrate against the codec's knob.
std::string check_knob(const char* option, std::optional<double> value, std::optional<CodecKnob> knob, Codec codec) {
    if (!value) return {};
    const std::string name = codec_name(codec);
    if (!knob)
        return std::string(option) + " means nothing for " + name +
               (codec == Codec::opus   ? ": give Opus a bit rate with --bitrate KBPS"
                : codec == Codec::flac ? ": FLAC is lossless; its --quality is the compression level, 0..8"
                                       : ": a WAV render keeps every sample; leave it out");
    if (*value < knob->lo || *value > knob->hi)
        return std::string(option) + ": must be " + knob->terms + " from " + format_number(knob->lo) + " to " +
               format_number(knob->hi) + ", got " + format_number(*value);
    if (codec == Codec::flac && *value != std::floor(*value))
        return std::string(option) + ": a FLAC compression level is a whole number from 0 to 8, got " +
               format_number(*value);
    return {};
}

}  // namespace

bool looks_like_sofa(const std::string& arg) {
    if (arg.size() < 5) return false;
    std::string ext = arg.substr(arg.size() - 5);
    for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return ext == ".sofa";
}

std::string check_render_encoding(Options& o, const RenderGiven& given) {
    if (o.render_path.empty()) return {};
    Codec codec = Codec::wav;
    if (!o.render_codec.empty()) {
        codec = *parse_codec(o.render_codec);  // CLI11 checked the name
    } else if (auto by_name = codec_for_path(o.render_path)) {
        codec = *by_name;
    } else {
        // Standard output, a FIFO or a device carry WAV as they always have;
        // a file name that says nothing, or something else, is refused
        // rather than written as a mislabelled file.
        std::error_code ec;
        const auto status = std::filesystem::status(o.render_path, ec);
        const bool stream = o.render_path == "-" || (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status));
        if (!stream && !o.raw)
            return "--render " + o.render_path + ": the extension names no codec this renderer encodes (" +
                   known_extensions() + "); rename the file, or name the codec with --render-codec " +
                   "wav|flac|opus|vorbis|mp3";
    }
    o.render_codec = codec_name(codec);
    const std::string name = codec_name(codec);
    if (o.raw && codec != Codec::wav)
        return "--raw writes headerless PCM, not " + name + ": leave out --raw, or --render-codec";
    if (is_lossy(codec)) {
        if (given.format)
            return "--render-format: " + name + " encodes the float mix itself; the sample format applies to WAV and FLAC only";
        if (o.dither != "none") return "--dither: " + name + " encodes the float mix itself and is never dithered";
    }
    if (codec == Codec::flac && o.render_format == "f32")
        return "--render-format f32: FLAC holds integer samples only; render FLAC s16 or s24, or f32 to a .wav";
    if (auto problem = check_knob("--quality", o.quality, quality_knob(codec), codec); !problem.empty()) return problem;
    if (auto problem = check_knob("--bitrate", o.bitrate_kbps, bitrate_knob(codec), codec); !problem.empty()) return problem;
    if (o.quality && o.bitrate_kbps)
        return "--quality and --bitrate: " + name + " encodes at a quality (VBR) or at a bit rate, not both: give one";
    if (o.raw && !given.tags.empty()) return "--tag: --raw writes headerless PCM, which carries no tags";
    for (const auto& text : given.tags) {
        const auto eq = text.find('=');
        if (eq == std::string::npos) return "--tag " + text + ": must be KEY=VALUE";
        const std::string key = text.substr(0, eq);
        if (auto problem = tag_key_problem(key); !problem.empty()) return "--tag " + text + ": " + problem;
        if (codec == Codec::wav && riff_info_id(key).empty())
            return "--tag " + text + ": a WAV's tag list (RIFF INFO) has no field for '" + key + "'; it takes " +
                   riff_info_key_names() + " (render .flac, .opus, .ogg or .mp3 for any key)";
        set_tag(o.tags, key, text.substr(eq + 1));
    }
    if (!o.expect_path.empty() && is_lossy(codec)) {
        std::error_code ec;
        const auto status = std::filesystem::status(o.render_path, ec);
        if (o.render_path == "-" || (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)))
            return "--expect with " + name + " decodes the finished file again: render to a file, not a stream";
    }
    return {};
}

}  // namespace simvx
