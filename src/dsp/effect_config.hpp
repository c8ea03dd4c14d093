// What a [[bus.effect]] says, as values: the parameter specs an effect type
// declares (names, defaults, ranges), an EQ band, and one effect's validated
// configuration. The types and their registry are in effect_types.hpp.
#pragma once
#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/named.hpp"

namespace simvx {

struct ParamSpec {
    enum class Kind { number, boolean };
    std::string_view key;
    double default_value = 0.0;
    double min = 0.0, max = 0.0;  // inclusive range of a number
    bool min_open = false;        // min itself excluded (a Q of 0, a time of 0)
    std::string_view unit;        // "Hz", "dB", "s", "ms", "" — for messages
    Kind kind = Kind::number;
};

struct EqBand {
    // The bands a live change or automation reaches (an eq's typed
    // parameters carry this many: EffectParams' room); an eq may have more,
    // rebuilt on a change.
    static constexpr size_t kMaxLive = 16;
    enum class Type { peaking, lowshelf, highshelf };
    static constexpr std::array<Named<Type>, 3> kTypeNames{
        {{"peaking", Type::peaking}, {"lowshelf", Type::lowshelf}, {"highshelf", Type::highshelf}}};
    Type type = Type::peaking;
    double freq = 1000.0;
    double q = 1.0;
    double gain_db = 0.0;
};

// One [[bus.effect]] as validated by the loader.
struct EffectConfig {
    std::string type;
    bool enabled = true;
    std::vector<double> values;  // one per ParamSpec of the type, in its order (booleans 0/1)
    std::vector<EqBand> bands;   // eq only
    std::string sidechain;       // compressor only: the bus whose signal keys the detector

    // The value of `key` (which must be one of the type's ParamSpecs).
    double value(std::span<const ParamSpec> specs, std::string_view key) const { return values.at(param_index(specs, key)); }
    void set(std::span<const ParamSpec> specs, std::string_view key, double v) { values.at(param_index(specs, key)) = v; }

    // Where `key` is among `specs`. Inline: with an effect type's constant
    // specs and a literal key the search folds away, and effect automation
    // converts an effect's parameters (to_params) every 32 frames.
    static constexpr size_t param_index(std::span<const ParamSpec> specs, std::string_view key) {
        for (size_t i = 0; i < specs.size(); ++i)
            if (specs[i].key == key) return i;
        throw std::logic_error("no effect parameter '" + std::string(key) + "'");
    }
};

}  // namespace simvx
