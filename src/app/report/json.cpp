#include "app/report/json.hpp"

#include <cmath>
#include <cstdio>

#include "core/number_format.hpp"

namespace simvx {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_length(std::string_view s, size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return 0;
    return n;
}

}  // namespace

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size();) {
        const char c = s[i];
        const size_t n = utf8_length(s, i);
        if (n == 0) {
            out += "\\ufffd";
            ++i;
            continue;
        }
        if (n > 1) {
            out.append(s.substr(i, n));
            i += n;
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    char u[8];
                    std::snprintf(u, sizeof u, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += u;
                } else {
                    out += c;
                }
        }
        ++i;
    }
    return out + "\"";
}

std::string json_number(double v) {
    return std::isfinite(v) ? format_number(v) : "null";
}

JsonObject& JsonObject::raw(std::string_view key, std::string_view json) {
    if (!body_.empty()) body_ += ",";
    body_ += json_string(key);
    body_ += ":";
    body_ += json;
    return *this;
}

JsonObject& JsonObject::add(std::string_view key, std::string_view value) { return raw(key, json_string(value)); }
JsonObject& JsonObject::add(std::string_view key, double value) { return raw(key, json_number(value)); }
JsonObject& JsonObject::add(std::string_view key, std::optional<double> value) {
    return raw(key, value ? json_number(*value) : "null");
}
JsonObject& JsonObject::add(std::string_view key, uint64_t value) { return raw(key, std::to_string(value)); }
JsonObject& JsonObject::add(std::string_view key, int value) { return raw(key, std::to_string(value)); }
JsonObject& JsonObject::add(std::string_view key, bool value) { return raw(key, value ? "true" : "false"); }
JsonObject& JsonObject::add(std::string_view key, const JsonObject& value) { return raw(key, value.str()); }
JsonObject& JsonObject::add(std::string_view key, const std::vector<JsonObject>& values) {
    std::string a = "[";
    for (size_t i = 0; i < values.size(); ++i) a += (i ? "," : "") + values[i].str();
    return raw(key, a + "]");
}
JsonObject& JsonObject::add(std::string_view key, const std::vector<std::string>& values) {
    std::string a = "[";
    for (size_t i = 0; i < values.size(); ++i) a += (i ? "," : "") + json_string(values[i]);
    return raw(key, a + "]");
}

}  // namespace simvx
