// The effects a bus can run: for each type its parameters (names, defaults,
// ranges: the scene loader validates against these), and how to build it.
// Adding an effect is one file in dsp/effects/ and one row in effect_types.cpp.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dsp/effect_config.hpp"
#include "dsp/processor.hpp"

namespace simvx {

struct EffectType {
    std::string_view name;
    std::span<const ParamSpec> params;
    bool has_bands = false;      // eq: `bands = [...]`
    bool has_sidechain = false;  // compressor: `sidechain = "Bus"`
    // Its automated frequencies, Qs and dB levels hold within SmoothedBiquad's
    // hold, their envelopes read only when they may have moved past it
    // (EffectAutomation::due()): a biquad's (the filters, the eq), and a
    // compressor's threshold, knee and makeup, whose curve then moves no
    // more than 0.01 dB either.
    bool automation_holds = false;
    // The parameter (a level in dB) an effect of this type is nothing but a
    // gain of: automated, its envelope is applied on every sample in place of
    // the effect, as a bus's volume is (the `gain` effect). None: automation
    // goes to the effect every few frames (EffectAutomation).
    std::optional<size_t> volume_param;
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
