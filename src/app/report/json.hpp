// A minimal JSON writer for --json lines: objects built field by field,
// strings escaped per RFC 8259, non-finite numbers written as null (JSON has
// no -inf; silence reads null).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simvx {

// `"text"` with quotes, backslashes and control characters escaped; bytes
// that are not valid UTF-8 become U+FFFD so every line stays valid JSON.
std::string json_string(std::string_view text);
// Shortest round-trip form; null when not finite.
std::string json_number(double v);

class JsonObject {
public:
    JsonObject& add(std::string_view key, std::string_view value);
    JsonObject& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    JsonObject& add(std::string_view key, double value);
    JsonObject& add(std::string_view key, std::optional<double> value);
    JsonObject& add(std::string_view key, uint64_t value);
    JsonObject& add(std::string_view key, int value);
    JsonObject& add(std::string_view key, bool value);
    JsonObject& add(std::string_view key, const JsonObject& value);
    JsonObject& add(std::string_view key, const std::vector<JsonObject>& values);
    JsonObject& add(std::string_view key, const std::vector<std::string>& values);
    // Inserts already-encoded JSON.
    JsonObject& raw(std::string_view key, std::string_view json);
    std::string str() const { return "{" + body_ + "}"; }

private:
    std::string body_;
};

}  // namespace simvx
