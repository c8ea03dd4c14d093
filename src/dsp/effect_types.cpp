#include "dsp/effect_types.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "dsp/effects/effects.hpp"

namespace simvx {

// The registry: one row per effect type, in the order the docs list them.
std::span<const EffectType> effect_types() {
    static const std::array<EffectType, 11> types = {
        effects::gain(),  effects::lowpass(), effects::highpass(), effects::bandpass(),
        effects::notch(), effects::eq(),      effects::delay(),    effects::reverb(),
        effects::compressor(), effects::limiter(), effects::softclip(),
    };
    return types;
}

const EffectType* find_effect_type(std::string_view name) {
    const auto types = effect_types();
    const auto it = std::find_if(types.begin(), types.end(), [&](const EffectType& t) { return t.name == name; });
    return it == types.end() ? nullptr : &*it;
}

EffectConfig default_config(const EffectType& type) {
    EffectConfig c;
    c.type = std::string(type.name);
    for (const ParamSpec& p : type.params) c.values.push_back(p.default_value);
    return c;
}

EffectParams effect_params(const EffectConfig& config) {
    const EffectType* type = find_effect_type(config.type);
    if (!type || !type->to_params) throw std::logic_error("no effect type '" + config.type + "'");
    return type->to_params(config);
}

bool updatable(const EffectConfig& from, const EffectConfig& to) {
    const EffectType* type = find_effect_type(to.type);
    return type && (!type->updatable || type->updatable(from, to));
}

}  // namespace simvx
