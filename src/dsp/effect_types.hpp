// The effects a bus can run: for each type its parameters (names, defaults,
// ranges: the scene loader validates against these), and how to build it.
// Adding an effect is one file in dsp/effects/ and one row in effect_types.cpp.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/named.hpp"
#include "dsp/processor.hpp"

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
    double value(std::span<const ParamSpec> specs, std::string_view key) const;
    void set(std::span<const ParamSpec> specs, std::string_view key, double v);
};

struct EffectType {
    std::string_view name;
    std::span<const ParamSpec> params;
    bool has_bands = false;      // eq: `bands = [...]`
    bool has_sidechain = false;  // compressor: `sidechain = "Bus"`
    // Checks that need the engine rate (a cutoff above Nyquist); returns the
    // problem in one sentence, or an empty string.
    std::string (*check)(const EffectConfig& config, uint32_t sample_rate) = nullptr;
    std::unique_ptr<Processor> (*make)(const EffectConfig& config) = nullptr;
    // The typed parameters Processor::update() takes (control thread).
    EffectParams (*to_params)(const EffectConfig& config) = nullptr;
    // Whether update() can take `to` on an effect built from `from`; when not
    // (the limiter's look-ahead, which sets its latency), the effect must be
    // built anew. None: always.
    bool (*updatable)(const EffectConfig& from, const EffectConfig& to) = nullptr;
};

// A config of `type` with every parameter at its default (tests, and the loader's starting point).
EffectConfig default_config(const EffectType& type);

std::span<const EffectType> effect_types();
const EffectType* find_effect_type(std::string_view name);

// Control thread: the typed parameters of a config (std::logic_error for a type
// not in the registry: the loader has validated it); and whether an effect
// built from `from` can take `to` through update() (same type assumed).
EffectParams effect_params(const EffectConfig& config);
bool updatable(const EffectConfig& from, const EffectConfig& to);

}  // namespace simvx
