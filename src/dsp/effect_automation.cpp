#include "dsp/effect_automation.hpp"

namespace simvx {

double& slot_value(EffectConfig& config, const ParamSlot& slot) noexcept {
    switch (slot.band) {
        case ParamSlot::Band::none: break;
        case ParamSlot::Band::freq: return config.bands[slot.index].freq;
        case ParamSlot::Band::q: return config.bands[slot.index].q;
        case ParamSlot::Band::gain_db: return config.bands[slot.index].gain_db;
    }
    return config.values[slot.index];
}

std::string slot_key(const EffectType& type, const ParamSlot& slot) {
    static constexpr std::string_view kBandKeys[] = {"", "freq", "q", "gain_db"};
    if (slot.band == ParamSlot::Band::none) return std::string(type.params[slot.index].key);
    return "bands[" + std::to_string(slot.index + 1) + "]." + std::string(kBandKeys[static_cast<int>(slot.band)]);
}

std::string_view slot_unit(const EffectType& type, const ParamSlot& slot) {
    switch (slot.band) {
        case ParamSlot::Band::none: return type.params[slot.index].unit;
        case ParamSlot::Band::freq: return "Hz";
        case ParamSlot::Band::q: return "";
        case ParamSlot::Band::gain_db: return "dB";
    }
    return "";
}

EffectAutomation::EffectAutomation(const EffectType& type, EffectConfig config,
                                   const std::vector<ParamEnvelope>& envelopes, double sample_rate)
    : to_params_(type.to_params), config_(std::move(config)) {
    cursors_.reserve(envelopes.size());
    for (const ParamEnvelope& e : envelopes) cursors_.emplace_back(e.slot, EnvelopeCursor(e.envelope, sample_rate));
}

EffectParams EffectAutomation::at(uint64_t frame) noexcept {
    for (auto& c : cursors_) slot_value(config_, c.first) = c.second.at(frame);
    return to_params_(config_);
}

EffectConfig config_at(EffectConfig config, const std::vector<ParamEnvelope>& envelopes, double seconds) {
    for (const ParamEnvelope& e : envelopes) slot_value(config, e.slot) = e.envelope.value_at(seconds);
    return config;
}

}  // namespace simvx
