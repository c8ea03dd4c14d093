// One control request, read as the protocol reads every request: a JSON
// object whose keys are taken one by one with their types checked, so that
// what is left over is an unknown key, reported with the closest known one.
// Every problem is a RequestError: the reply's error, in one sentence.
#pragma once
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace simvx {

struct RequestError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Request {
public:
    // Parses one line; throws RequestError for text that is not one JSON
    // object (or is nested more than a few levels deep).
    static Request parse(std::string_view line);

    const nlohmann::json& json() const { return json_; }
    // The "id" to echo (any JSON value), when the request has one; it is read
    // before anything else, so that even a reply to a bad request carries it.
    const nlohmann::json* id() const;
    std::string command() const;  // "cmd": required, a string

    bool has(std::string_view key) const;
    // Typed reads of optional keys; each marks the key as known.
    std::optional<double> number(std::string_view key, double lo, double hi, std::string_view unit = {});
    std::optional<uint64_t> integer(std::string_view key, uint64_t lo, uint64_t hi);
    std::optional<bool> boolean(std::string_view key);
    std::optional<std::string> string(std::string_view key);
    std::optional<std::vector<std::string>> strings(std::string_view key);
    // [x, y, z]: three numbers, each within ±limit; `nonzero` refuses [0, 0, 0] (a direction).
    std::optional<std::array<double, 3>> vec3(std::string_view key, double limit, bool nonzero = false);
    // A key read by hand (its value checked elsewhere).
    const nlohmann::json* take(std::string_view key);
    // Marks keys known without reading them.
    void allow(std::initializer_list<std::string_view> keys);
    // Throws for the first key nobody took, naming the closest of `known`
    // (the keys the command takes, for the suggestion).
    void finish(std::string_view command, const std::vector<std::string>& known) const;

private:
    nlohmann::json json_;
    std::set<std::string, std::less<>> taken_{"cmd", "id"};
};

// "a number", "a string"...: a JSON value's kind, for messages.
std::string kind_of(const nlohmann::json& value);

}  // namespace simvx
