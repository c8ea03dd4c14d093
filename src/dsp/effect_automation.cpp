#include "dsp/effect_automation.hpp"

#include <algorithm>
#include <cmath>

#include "dsp/biquad.hpp"

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

namespace {

// How a parameter holds, where its effect's biquads do (frequencies, Qs and
// gains, SmoothedBiquad::hold_room); any other parameter is read at every step.
std::optional<SmoothedBiquad::Held> hold_of(const EffectType& type, const ParamSlot& slot) {
    using Hold = SmoothedBiquad::Held;
    if (!type.automation_holds) return std::nullopt;
    switch (slot.band) {
        case ParamSlot::Band::freq: return Hold::freq;
        case ParamSlot::Band::q: return Hold::q;
        case ParamSlot::Band::gain_db: return Hold::gain_db;
        case ParamSlot::Band::none: break;
    }
    const ParamSpec& spec = type.params[slot.index];
    if (spec.unit == "Hz") return Hold::freq;
    if (spec.key == "q") return Hold::q;
    if (spec.unit == "dB") return Hold::gain_db;
    return std::nullopt;
}

}  // namespace

EffectAutomation::EffectAutomation(const EffectType& type, EffectConfig config,
                                   const std::vector<ParamEnvelope>& envelopes, double sample_rate)
    : to_params_(type.to_params), config_(std::move(config)) {
    cursors_.reserve(envelopes.size());
    for (const ParamEnvelope& e : envelopes) {
        // Bands past the 31st share a bit: they only glide together more often.
        const uint32_t group = e.slot.band == ParamSlot::Band::none ? 1u << 31 : 1u << std::min<size_t>(e.slot.index, 30);
        cursors_.push_back({e.slot, EnvelopeCursor(e.envelope, sample_rate), hold_of(type, e.slot), group, NAN});
    }
}

bool EffectAutomation::read(Cursor& c, uint64_t frame, bool fresh) noexcept {
    const double v = c.envelope.at(frame);
    if (!c.hold) {
        slot_value(config_, c.slot) = c.given = v;
        c.given_at = frame;
        c.due = frame + 1;
        return true;
    }
    const auto room = [&] { return SmoothedBiquad::hold_room(*c.hold, c.given); };
    // Past the hold (or the first read: NaN), or holding still elsewhere
    // (the envelope stopped): give the value, exactly.
    const bool give = fresh || !(std::fabs(v - c.given) <= room()) || (c.envelope.holding() && v != c.given);
    if (give) {
        slot_value(config_, c.slot) = c.given = v;
        c.given_at = frame;
    }
    // Until the value may pass the hold (a hair less, for the rounding of the
    // envelope's own arithmetic); a moving value whose hold is used up is read
    // at the next step.
    const double left = 0.999 * room() - std::fabs(v - c.given);
    c.due = frame + 1 + (left > 0 ? c.envelope.frames_within(v, left) : 0);
    return give;
}

EffectParams EffectAutomation::at(uint64_t frame) noexcept {
    uint32_t gliding = 0;  // the biquads given a new value: they glide anyway
    uint64_t next = UINT64_MAX;
    for (Cursor& c : cursors_) {
        if (frame >= c.due && read(c, frame, false)) gliding |= c.group;
        next = std::min(next, c.due);
    }
    if (gliding) {
        next = UINT64_MAX;
        for (Cursor& c : cursors_) {
            // The same biquad's other parameters go along, fresh: one glide, not one each.
            if (c.hold && (gliding & c.group) && c.given_at != frame) read(c, frame, true);
            next = std::min(next, c.due);
        }
    }
    next_due_ = next;
    return to_params_(config_);
}

EffectConfig config_at(EffectConfig config, const std::vector<ParamEnvelope>& envelopes, double seconds) {
    for (const ParamEnvelope& e : envelopes) slot_value(config, e.slot) = e.envelope.value_at(seconds);
    return config;
}

}  // namespace simvx
