// An effect's configuration for tests: its defaults with some keys set.
#pragma once
#include <initializer_list>
#include <string_view>
#include <utility>

#include "dsp/effect_types.hpp"

namespace simvx::test {

inline EffectConfig effect_config(const EffectType& t,
                                  std::initializer_list<std::pair<std::string_view, double>> values) {
    EffectConfig c = default_config(t);
    for (auto [k, v] : values) c.set(t.params, k, v);
    return c;
}

}  // namespace simvx::test
