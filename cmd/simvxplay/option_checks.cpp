#include "option_checks.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/suggest.hpp"

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

}  // namespace simvx
