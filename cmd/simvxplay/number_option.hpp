// Checks for the numeric options, in the user's terms: every value must be
// a finite number in its range ("nan" once made --duration render forever
// and --volume-db write full-scale DC), and a bad one is reported as
// "--duration: must be a number of seconds greater than 0 and at most 86400,
// got -1" instead of CLI11's raw range (which printed DBL_MAX in full).
#pragma once
#include <CLI/CLI.hpp>

#include <string>

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

}  // namespace simvx
