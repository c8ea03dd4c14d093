// An enum's names as users type them (scene keys, options, summaries, JSON,
// --list): one table beside each enum, read by every place that parses or
// prints it, so a new value is named once.
#pragma once
#include <optional>
#include <span>
#include <string_view>

namespace simvx {

template <class E>
struct Named {
    std::string_view name;
    E value;
};

template <class E>
constexpr std::string_view name_of(std::span<const Named<E>> table, E value) {
    for (const auto& n : table)
        if (n.value == value) return n.name;
    return "?";
}

template <class E>
constexpr std::optional<E> value_named(std::span<const Named<E>> table, std::string_view name) {
    for (const auto& n : table)
        if (n.name == name) return n.value;
    return std::nullopt;
}

}  // namespace simvx
