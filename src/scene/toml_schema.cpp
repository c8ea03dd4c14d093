// The parts of the TOML schema reader that are not templates: describing
// values in messages, the readers of each kind of value, sorting diagnostics.
#include "scene/toml_schema.hpp"

#include <cmath>

namespace simvx::schema {

std::string quote(std::string_view s) {
    constexpr size_t max_shown = 60;
    if (s.size() > max_shown) return "\"" + std::string(s.substr(0, max_shown)) + "...\"";
    return "\"" + std::string(s) + "\"";
}

std::string literal(const toml::node& n) {
    if (auto* s = n.as_string()) return quote(s->get());
    if (auto* i = n.as_integer()) return std::to_string(i->get());
    if (auto* f = n.as_floating_point()) {
        std::string text = format_number(f->get());
        const bool looks_integral = text.find_first_of(".en") == std::string::npos;  // "17" from 17.0
        return looks_integral ? text + ".0" : text;
    }
    if (auto* b = n.as_boolean()) return b->get() ? "true" : "false";
    return {};
}

std::string kind_of(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a floating-point number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::array: return n.is_array_of_tables() ? "an array of tables" : "an array";
        case toml::node_type::table: return "a table";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::none: break;
    }
    return "nothing";
}

std::string describe(const toml::node& n) {
    const std::string lit = literal(n);
    return lit.empty() ? kind_of(n) : kind_of(n) + " (" + lit + ")";
}

std::string join_names(std::span<const std::string> names) {
    std::string s;
    for (const auto& name : names) {
        if (!s.empty()) s += ", ";
        s += name;
    }
    return s;
}

std::string product() {
    const std::string_view v = SIMVX_VERSION;
    const size_t minor_end = v.find('.', v.find('.') + 1);
    return "simvxplay " + std::string(v.substr(0, minor_end));
}

std::string not_supported_yet(const std::string& what) {
    return what + " is part of the scene format but not supported by " + product() + " yet";
}

std::vector<SceneDiagnostic> Checker::take() {
    std::stable_sort(diags_.begin(), diags_.end(), [](const auto& a, const auto& b) {
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    return std::move(diags_);
}

void type_error(Checker& c, const Item& it, std::string_view expected) {
    c.error(it.node.source(), it.subject() + " must be " + std::string(expected) + ", found " + describe(it.node));
}

const toml::table* table_of(Checker& c, const Item& it, std::string_view expected) {
    const toml::table* t = it.node.as_table();
    if (!t) type_error(c, it, expected);
    return t;
}

std::string Range::str() const {
    const std::string u = unit.empty() ? "" : " " + std::string(unit);
    if (std::isinf(hi)) return (lo_open ? "greater than " : "at least ") + format_number(lo) + u;
    if (lo_open) return "greater than " + format_number(lo) + " and at most " + format_number(hi) + u;
    return "between " + format_number(lo) + " and " + format_number(hi) + u;
}

std::optional<double> read_number(Checker& c, const Item& it, const Range& range) {
    double v = 0;
    if (auto* i = it.node.as_integer())
        v = static_cast<double>(i->get());
    else if (auto* f = it.node.as_floating_point())
        v = f->get();
    else {
        type_error(c, it, "a number");
        return std::nullopt;
    }
    if (!std::isfinite(v) || !range.contains(v)) {
        c.error(it.node.source(), it.subject() + " must be " + range.str() + ", found " + literal(it.node));
        return std::nullopt;
    }
    return v;
}

std::optional<int64_t> read_integer(Checker& c, const Item& it, int64_t lo, int64_t hi, std::string_view unit) {
    auto* i = it.node.as_integer();
    if (!i) {
        type_error(c, it, "an integer");
        return std::nullopt;
    }
    const int64_t v = i->get();
    if (v < lo || v > hi) {
        const std::string u = unit.empty() ? "" : " " + std::string(unit);
        const std::string allowed = hi == lo + 1 ? std::to_string(lo) + " or " + std::to_string(hi)
                                                 : "an integer between " + std::to_string(lo) + " and " +
                                                       std::to_string(hi);
        c.error(it.node.source(), it.subject() + " must be " + allowed + u + ", found " + std::to_string(v));
        return std::nullopt;
    }
    return v;
}

std::optional<bool> read_bool(Checker& c, const Item& it) {
    if (auto* b = it.node.as_boolean()) return b->get();
    type_error(c, it, "true or false");
    return std::nullopt;
}

std::optional<std::string> read_string(Checker& c, const Item& it) {
    auto* s = it.node.as_string();
    if (!s) {
        type_error(c, it, "a string");
        return std::nullopt;
    }
    if (s->get().empty()) {
        c.error(it.node.source(), it.subject() + " must not be empty");
        return std::nullopt;
    }
    return s->get();
}

std::string TableKind::spelling(std::string_view key, Shape shape) const {
    const std::string full = dotted.empty() ? std::string(key) : std::string(dotted) + "." + std::string(key);
    switch (shape) {
        case Shape::table: return "[" + full + "]";
        case Shape::table_array: return "[[" + full + "]]";
        case Shape::value: break;
    }
    return std::string(key);
}

Shape shape_of(const toml::node& n) {
    if (n.is_table()) return Shape::table;
    if (n.is_array_of_tables()) return Shape::table_array;
    return Shape::value;
}

void for_each_table(Checker& c, const Item& it, std::string_view header,
                    const std::function<void(const toml::table&)>& fn) {
    auto* array = it.node.as_array();
    if (!array) {
        type_error(c, it, "an array of tables (" + std::string(header) + ")");
        return;
    }
    for (const auto& element : *array) {
        if (auto* t = element.as_table())
            fn(*t);
        else
            c.error(element.source(), "each entry of '" + std::string(it.key) + "' must be a table (" +
                                          std::string(header) + "), found " + describe(element));
    }
}

}  // namespace simvx::schema
