// Reading a TOML document against a schema, with every problem reported.
//
// A table is described by a list of Fields: the key, how its value is read
// (one reader per value kind: number in range, integer in range, bool,
// string, choice) or nothing when the key is part of the format but not
// supported by this version yet. read_table() walks a TOML table against such
// a list and reports unknown keys with a "did you mean"; a Checker collects
// the problems as diagnostics at file:line:col, all of them, sorted by
// position. This knows TOML and diagnostics and nothing of the scene format
// (scene_tables.cpp holds that), so it can be tested alone.
#pragma once
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

#include "core/named.hpp"
#include "core/number_format.hpp"
#include "core/suggest.hpp"
#include "scene/diagnostic.hpp"

namespace simvx::schema {

// ---- describing values ------------------------------------------------------

using simvx::format_number;                     // shortest form: "0.5", "1e-07", "inf" (core)
std::string quote(std::string_view s);          // "\"loud\"", cut after 60 characters
std::string literal(const toml::node& n);       // a scalar as TOML writes it; empty otherwise
std::string kind_of(const toml::node& n);       // "a string", "an array of tables"
std::string describe(const toml::node& n);      // "a string (\"loud\")", "an array"
std::string join_names(std::span<const std::string> names);  // "a, b, c"

// "<what> is part of the scene format but not supported by simvxplay 0.1 yet".
std::string not_supported_yet(const std::string& what);
// "simvxplay 0.1": the version such messages name.
std::string product();

// ---- collecting diagnostics -------------------------------------------------

class Checker {
public:
    explicit Checker(std::string path) : path_(std::move(path)), dir_(std::filesystem::path(path_).parent_path()) {}

    const std::string& path() const { return path_; }
    const std::filesystem::path& dir() const { return dir_; }  // what relative paths in the file are relative to

    SourceLocation at(const toml::source_region& r) const {
        return SourceLocation{path_, r.begin.line, r.begin.column};
    }
    void error(const SourceLocation& where, std::string message) {
        diags_.push_back(SceneDiagnostic{where, std::move(message)});
    }
    void error(const toml::source_region& r, std::string message) { error(at(r), std::move(message)); }

    size_t count() const { return diags_.size(); }

    // Sorted by position in the file (stable: same position keeps the order found).
    std::vector<SceneDiagnostic> take();

private:
    std::string path_;
    std::filesystem::path dir_;
    std::vector<SceneDiagnostic> diags_;
};

// One key's value being read: its name and table for messages, and the node.
struct Item {
    std::string_view key;
    const toml::node& node;
    const std::string& in;  // "in [[sound]]"

    std::string subject() const { return "'" + std::string(key) + "' " + in; }
};

// "'<key>' <in> must be <expected>, found <what the value is>".
void type_error(Checker& c, const Item& it, std::string_view expected);

// The value as a table, or nothing after a type_error (`expected`: "a table ([engine])").
const toml::table* table_of(Checker& c, const Item& it, std::string_view expected);

// ---- value readers: one per kind of value -----------------------------------

struct Range {
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool lo_open = false;  // lo itself excluded
    std::string_view unit;

    bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && v <= hi; }
    std::string str() const;  // "between 0 and 1 s", "greater than 0 Hz"
};

// A number (TOML integer or float), finite and in range.
std::optional<double> read_number(Checker& c, const Item& it, const Range& range);
std::optional<int64_t> read_integer(Checker& c, const Item& it, int64_t lo, int64_t hi, std::string_view unit);
std::optional<bool> read_bool(Checker& c, const Item& it);
std::optional<std::string> read_string(Checker& c, const Item& it);  // not empty

template <class E>
using Choice = Named<E>;  // the enum's own name table (core/named.hpp)

// One of the names of `choices`; a wrong name gets the closest one.
template <class E>
std::optional<E> read_choice(Checker& c, const Item& it, std::span<const Choice<E>> choices) {
    std::vector<std::string_view> names;
    std::string allowed;
    for (const auto& ch : choices) {
        names.push_back(ch.name);
        allowed += (allowed.empty() ? "" : ", ") + quote(ch.name);
    }
    auto* s = it.node.as_string();
    if (!s) {
        type_error(c, it, "one of " + allowed);
        return std::nullopt;
    }
    for (const auto& ch : choices)
        if (ch.name == s->get()) return ch.value;
    std::string message = it.subject() + " must be one of " + allowed + ", found " + quote(s->get());
    if (auto near = closest(s->get(), names)) message += "; did you mean " + quote(*near) + "?";
    c.error(it.node.source(), message);
    return std::nullopt;
}

// ---- tables described by field lists ----------------------------------------

template <class T>
using Reader = std::function<void(Checker&, const Item&, T&)>;

enum class Shape { value, table, table_array };

template <class T>
struct Field {
    std::string_view key;
    Reader<T> read;  // empty: part of the format, not supported by this version yet
    Shape shape = Shape::value;
};

template <class T, class M>
Reader<T> number_field(M T::*member, Range range) {
    return [member, range](Checker& c, const Item& it, T& out) {
        if (auto v = read_number(c, it, range)) out.*member = *v;
    };
}

template <class T, class M>
Reader<T> integer_field(M T::*member, int64_t lo, int64_t hi, std::string_view unit = {}) {
    return [member, lo, hi, unit](Checker& c, const Item& it, T& out) {
        if (auto v = read_integer(c, it, lo, hi, unit)) out.*member = static_cast<M>(*v);
    };
}

template <class T>
Reader<T> bool_field(bool T::*member) {
    return [member](Checker& c, const Item& it, T& out) {
        if (auto v = read_bool(c, it)) out.*member = *v;
    };
}

template <class T>
Reader<T> string_field(std::string T::*member) {
    return [member](Checker& c, const Item& it, T& out) {
        if (auto v = read_string(c, it)) out.*member = std::move(*v);
    };
}

template <class T, class E>
Reader<T> choice_field(E T::*member, std::span<const Choice<E>> choices) {
    return [member, choices](Checker& c, const Item& it, T& out) {
        if (auto v = read_choice(c, it, choices)) out.*member = *v;
    };
}

// Where a table sits in the document: "sound" / "[[sound]]"; the root has neither.
struct TableKind {
    std::string_view dotted;
    std::string_view header;

    std::string in() const { return header.empty() ? "at the top level" : "in " + std::string(header); }
    // How a key of this table is written: name, [table.name] or [[table.name]].
    std::string spelling(std::string_view key, Shape shape) const;
};

// The keys present in a table, with their nodes (for rules across keys).
class Seen {
public:
    void add(std::string_view key, const toml::node& node) { nodes_.emplace(key, &node); }
    const toml::node* find(std::string_view key) const {
        auto it = nodes_.find(key);
        return it == nodes_.end() ? nullptr : it->second;
    }

private:
    std::map<std::string_view, const toml::node*, std::less<>> nodes_;
};

Shape shape_of(const toml::node& n);

// "unknown key 'x' in [t]" / "unknown table '[t.x]'", with the closest known
// key, or the supported ones when none is close.
template <class T>
void report_unknown(Checker& c, const TableKind& kind, const toml::key& key, const toml::node& node,
                    std::span<const Field<T>> fields) {
    std::vector<std::string_view> known;
    std::vector<std::string> supported;
    for (const auto& f : fields) {
        known.push_back(f.key);
        if (f.read) supported.push_back(kind.spelling(f.key, f.shape));
    }
    const Shape shape = shape_of(node);
    std::string message = shape == Shape::value
                              ? "unknown key '" + std::string(key.str()) + "' " + kind.in()
                              : "unknown table '" + kind.spelling(key.str(), shape) + "'";
    if (auto near = closest(key.str(), known)) {
        const auto f = std::find_if(fields.begin(), fields.end(), [&](const auto& x) { return x.key == *near; });
        message += "; did you mean '" + kind.spelling(f->key, f->shape) + "'?";
    } else {
        message += "; allowed keys: " + join_names(supported);
    }
    c.error(key.source(), message);
}

// Reads every key of `table` into `out` by its field; returns the keys found.
template <class T>
Seen read_table(Checker& c, const toml::table& table, const TableKind& kind, std::span<const Field<T>> fields,
                T& out) {
    Seen seen;
    const std::string in = kind.in();
    for (auto&& [key, node] : table) {
        // A named copy: lambdas capturing structured bindings need clang 16 (the fuzz build uses 14).
        const std::string_view name = key.str();
        const auto f = std::find_if(fields.begin(), fields.end(), [&](const auto& x) { return x.key == name; });
        if (f == fields.end()) {
            report_unknown(c, kind, key, node, fields);
            continue;
        }
        seen.add(f->key, node);
        if (!f->read) {
            const std::string what = f->shape == Shape::value ? "'" + std::string(f->key) + "' " + in
                                                              : "'" + kind.spelling(f->key, f->shape) + "'";
            c.error(key.source(), not_supported_yet(what));
            continue;
        }
        f->read(c, Item{f->key, node, in}, out);
    }
    return seen;
}

// The keys a field list supports (those with a reader), in its order.
template <class T>
std::vector<std::string> supported_keys(std::span<const Field<T>> fields) {
    std::vector<std::string> keys;
    for (const auto& f : fields)
        if (f.read) keys.emplace_back(f.key);
    return keys;
}

// Calls fn for each table of an array of tables ([[sound]]), reporting anything else.
void for_each_table(Checker& c, const Item& it, std::string_view header,
                    const std::function<void(const toml::table&)>& fn);

// Keeps no location (see read_table_list).
struct NoLocation {
    template <class T>
    void operator()(T&, const SourceLocation&) const {}
};

// An array of inline tables read against a field list: sends = [{...}, ...],
// bands = [{...}]. `required` must be in every entry; `locate(entry, where)`
// is given the location of each entry (of its required key).
template <class T, class Locate = NoLocation>
void read_table_list(Checker& c, const Item& it, const TableKind& kind, std::span<const Field<T>> fields,
                     std::string_view required, std::vector<T>& out, Locate locate = {}) {
    auto* array = it.node.as_array();
    if (!array) {
        type_error(c, it, "an array of tables ({ ... })");
        return;
    }
    for (const auto& element : *array) {
        auto* t = element.as_table();
        if (!t) {
            c.error(element.source(), "each entry of '" + std::string(it.key) + "' must be a table ({ ... }), found " +
                                          describe(element));
            continue;
        }
        T entry;
        const Seen seen = read_table(c, *t, kind, fields, entry);
        const toml::node* key = seen.find(required);
        if (!key) {
            c.error(element.source(), "missing required key '" + std::string(required) + "' in " +
                                          std::string(kind.header));
            continue;
        }
        locate(entry, c.at(key->source()));
        out.push_back(std::move(entry));
    }
}

}  // namespace simvx::schema
