#include "app/control/request.hpp"

#include <cmath>

#include "core/number_format.hpp"
#include "core/suggest.hpp"

namespace simvx {
namespace {

constexpr int kMaxDepth = 16;

// Deeper nesting than any request needs is refused before parsing, so that
// a hostile line cannot make the parser (or the value's destructor) recurse.
bool nested_too_deeply(std::string_view text) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxDepth) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

std::string key_name(std::string_view key) { return "'" + std::string(key) + "'"; }

}  // namespace

std::string kind_of(const nlohmann::json& v) {
    switch (v.type()) {
        case nlohmann::json::value_t::null: return "null";
        case nlohmann::json::value_t::object: return "an object";
        case nlohmann::json::value_t::array: return "an array";
        case nlohmann::json::value_t::string: return "a string";
        case nlohmann::json::value_t::boolean: return "a boolean";
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
        case nlohmann::json::value_t::number_float: return "a number";
        default: return "a value";
    }
}

Request Request::parse(std::string_view line) {
    if (nested_too_deeply(line)) throw RequestError("the request is nested more than " + std::to_string(kMaxDepth) + " levels deep");
    Request r;
    r.json_ = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (r.json_.is_discarded()) throw RequestError("not valid JSON: a request is one JSON object per line");
    if (!r.json_.is_object()) throw RequestError("a request is a JSON object, not " + kind_of(r.json_));
    return r;
}

const nlohmann::json* Request::id() const {
    const auto it = json_.find("id");
    return it == json_.end() ? nullptr : &*it;
}

std::string Request::command() const {
    const auto it = json_.find("cmd");
    if (it == json_.end()) throw RequestError("the request has no \"cmd\"");
    if (!it->is_string()) throw RequestError("\"cmd\" must be a string, not " + kind_of(*it));
    return it->get<std::string>();
}

bool Request::has(std::string_view key) const { return json_.contains(key); }

const nlohmann::json* Request::take(std::string_view key) {
    taken_.emplace(key);
    const auto it = json_.find(key);
    return it == json_.end() ? nullptr : &*it;
}

void Request::allow(std::initializer_list<std::string_view> keys) {
    for (auto k : keys) taken_.emplace(k);
}

std::optional<double> Request::number(std::string_view key, double lo, double hi, std::string_view unit) {
    const nlohmann::json* v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_number()) throw RequestError(key_name(key) + " must be a number, not " + kind_of(*v));
    const double x = v->get<double>();
    if (!std::isfinite(x) || x < lo || x > hi) {
        const std::string u = unit.empty() ? "" : " " + std::string(unit);
        throw RequestError(key_name(key) + " must be from " + format_number(lo) + u + " to " + format_number(hi) + u +
                           ", not " + format_number(x));
    }
    return x;
}

std::optional<uint64_t> Request::integer(std::string_view key, uint64_t lo, uint64_t hi) {
    const nlohmann::json* v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_number_integer() || (!v->is_number_unsigned() && v->get<int64_t>() < 0))
        throw RequestError(key_name(key) + " must be a whole number" + (lo == 0 ? " from 0" : "") + ", not " +
                           (v->is_number() ? v->dump() : kind_of(*v)));
    const uint64_t x = v->get<uint64_t>();
    if (x < lo || x > hi)
        throw RequestError(key_name(key) + " must be from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not " +
                           std::to_string(x));
    return x;
}

std::optional<bool> Request::boolean(std::string_view key) {
    const nlohmann::json* v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) throw RequestError(key_name(key) + " must be true or false, not " + kind_of(*v));
    return v->get<bool>();
}

std::optional<std::string> Request::string(std::string_view key) {
    const nlohmann::json* v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) throw RequestError(key_name(key) + " must be a string, not " + kind_of(*v));
    return v->get<std::string>();
}

std::optional<std::vector<std::string>> Request::strings(std::string_view key) {
    const nlohmann::json* v = take(key);
    if (!v) return std::nullopt;
    std::vector<std::string> out;
    if (v->is_string()) out.push_back(v->get<std::string>());
    else if (v->is_array()) {
        for (const auto& e : *v) {
            if (!e.is_string()) throw RequestError(key_name(key) + " must be a list of strings, not one holding " + kind_of(e));
            out.push_back(e.get<std::string>());
        }
    } else {
        throw RequestError(key_name(key) + " must be a string or a list of strings, not " + kind_of(*v));
    }
    return out;
}

std::optional<std::array<double, 3>> Request::vec3(std::string_view key, double limit, bool nonzero) {
    const nlohmann::json* v = take(key);
    if (!v) return std::nullopt;
    if (!v->is_array() || v->size() != 3)
        throw RequestError(key_name(key) + " must be [x, y, z], three numbers, not " + (v->is_array() ? "a list of " + std::to_string(v->size()) : kind_of(*v)));
    std::array<double, 3> out{};
    for (size_t i = 0; i < 3; ++i) {
        const auto& e = (*v)[i];
        if (!e.is_number()) throw RequestError(key_name(key) + " must be [x, y, z], three numbers: one is " + kind_of(e));
        out[i] = e.get<double>();
        if (!std::isfinite(out[i]) || std::abs(out[i]) > limit)
            throw RequestError(key_name(key) + ": each number must be within ±" + format_number(limit) + ", not " + format_number(out[i]));
    }
    if (nonzero && out[0] == 0 && out[1] == 0 && out[2] == 0) throw RequestError(key_name(key) + " is a direction: not [0, 0, 0]");
    return out;
}

void Request::finish(std::string_view command, const std::vector<std::string>& known) const {
    for (const auto& [key, value] : json_.items()) {
        if (taken_.count(key)) continue;
        std::string message = "'" + std::string(command) + "' takes no key " + key_name(key);
        if (auto near = closest(key, known)) message += "; did you mean '" + *near + "'?";
        throw RequestError(message);
    }
}

}  // namespace simvx
