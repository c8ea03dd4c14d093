#include "dsp/effect_automation.hpp"

namespace simvx {

EffectAutomation::EffectAutomation(const EffectType& type, EffectConfig config,
                                   const std::vector<ParamEnvelope>& envelopes, double sample_rate)
    : to_params_(type.to_params), config_(std::move(config)) {
    cursors_.reserve(envelopes.size());
    for (const ParamEnvelope& e : envelopes) cursors_.emplace_back(e.param, EnvelopeCursor(e.envelope, sample_rate));
}

EffectParams EffectAutomation::at(uint64_t frame) noexcept {
    for (auto& c : cursors_) config_.values[c.first] = c.second.at(frame);
    return to_params_(config_);
}

EffectConfig config_at(EffectConfig config, const std::vector<ParamEnvelope>& envelopes, double seconds) {
    for (const ParamEnvelope& e : envelopes) config.values[e.param] = e.envelope.value_at(seconds);
    return config;
}

}  // namespace simvx
