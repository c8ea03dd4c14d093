#include <algorithm>
#include <stdexcept>
#include <string>

#include "dsp/effect_config.hpp"

namespace simvx {
namespace {

size_t index_of(std::span<const ParamSpec> specs, std::string_view key) {
    const auto it = std::find_if(specs.begin(), specs.end(), [&](const ParamSpec& p) { return p.key == key; });
    if (it == specs.end()) throw std::logic_error("no effect parameter '" + std::string(key) + "'");
    return static_cast<size_t>(it - specs.begin());
}

}  // namespace

double EffectConfig::value(std::span<const ParamSpec> specs, std::string_view key) const {
    return values.at(index_of(specs, key));
}

void EffectConfig::set(std::span<const ParamSpec> specs, std::string_view key, double v) {
    values.at(index_of(specs, key)) = v;
}

}  // namespace simvx
