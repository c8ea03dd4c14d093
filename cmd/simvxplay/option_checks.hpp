// Checks for the options' values, in the user's terms. Every number must be
// finite and in its range ("nan" once made --duration render forever and
// --volume-db write full-scale DC), and a bad one is reported as
// "--duration: must be a number of seconds greater than 0 and at most 86400,
// got '-1'" instead of CLI11's raw range (which printed DBL_MAX in full); a
// name must be one of a list, with the closest one suggested. Neither adds
// CLI11's ":{...}" to --help: the type name there already lists the choices.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "app/options.hpp"

namespace simvx {

struct NumberRule {
    double lo, hi;
    bool lo_open = false;   // lo itself excluded
    bool integer = false;   // whole numbers only
    std::string what;       // "a number of seconds", "a gain in dB", ...
};

// The text of a rule for --help and errors: "greater than 0 and at most 86400".
std::string describe_range(const NumberRule& rule);

// An empty string when `text` satisfies the rule, otherwise why not.
std::string check_number(const std::string& text, const NumberRule& rule);

// The rule as a CLI11 validator (its message becomes "--option: must be ...").
CLI::Validator number_in(NumberRule rule);

// An output layout's channel count: 1, 2, 4, 6 or 8 (core/speakers.hpp).
CLI::Validator output_channels();

// One of `names`: "must be one of s16, s24, f32, got 's61'; did you mean s16?"
CLI::Validator one_of(std::vector<std::string> names);

// Whether an argument is a SOFA file's name (ends in .sofa, any case):
// what a bare --hrtf takes as its file.
bool looks_like_sofa(const std::string& arg);

// What the user gave of the render's options that have defaults.
struct RenderGiven {
    bool format = false;                // --render-format
    std::vector<std::string> tags;      // --tag KEY=VALUE, as typed
};

// The render's codec and its settings, checked across options: the codec by
// --render-codec or the file's extension (WAV for '-', FIFOs and devices, and
// with --raw), and every option that would do nothing for it refused
// (--quality with WAV, --render-format with a lossy codec, FLAC f32...).
// Sets o.render_codec and o.tags; returns the problem (a usage error), or
// an empty string.
std::string check_render_encoding(Options& o, const RenderGiven& given);

}  // namespace simvx
