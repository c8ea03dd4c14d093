// An effect's parameters following envelopes (docs/scene-format.md,
// "Automation"): which parameters, and on the audio thread the typed
// parameters (EffectParams) at a frame, for Processor::automate(). The engine
// asks every kStepFrames frames of scene time, and the effect glides from one
// step's values to the next (a filter's coefficients interpolated per sample),
// so a sweep has no zipper noise (tests/unit/dsp/effect_automation_test.cpp
// measures it against per-sample coefficients).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsp/effect_types.hpp"
#include "dsp/envelope.hpp"

namespace simvx {

// Where an automated value lives in an EffectConfig: a parameter of the
// effect type's ParamSpecs (`index` into them), or a field of an eq band
// (`index` is the band's).
struct ParamSlot {
    enum class Band : uint8_t { none, freq, q, gain_db };
    size_t index = 0;
    Band band = Band::none;

    bool operator==(const ParamSlot&) const = default;
};

// The value `slot` names in `config`.
double& slot_value(EffectConfig& config, const ParamSlot& slot) noexcept SIMVX_REALTIME;
// Its key as a user writes it ("cutoff_hz", "bands[2].gain_db") and its unit.
std::string slot_key(const EffectType& type, const ParamSlot& slot);
std::string_view slot_unit(const EffectType& type, const ParamSlot& slot);

// One automated parameter.
struct ParamEnvelope {
    ParamSlot slot;
    Envelope envelope;

    bool operator==(const ParamEnvelope&) const = default;
};

class EffectAutomation {
public:
    static constexpr uint32_t kStepFrames = 32;

    // `config` holds the constant parameters; times count from frame 0 at `sample_rate`.
    EffectAutomation(const EffectType& type, EffectConfig config, const std::vector<ParamEnvelope>& envelopes,
                     double sample_rate);

    // The parameters at scene frame `frame`. Allocates nothing: the values are
    // written into the config's own slots and converted by the type's to_params.
    EffectParams at(uint64_t frame) noexcept SIMVX_REALTIME;

private:
    EffectParams (*to_params_)(const EffectConfig&);
    EffectConfig config_;
    std::vector<std::pair<ParamSlot, EnvelopeCursor>> cursors_;
};

// `config` with every automated parameter at its value at `seconds` (an effect built to start there).
EffectConfig config_at(EffectConfig config, const std::vector<ParamEnvelope>& envelopes, double seconds);

}  // namespace simvx
