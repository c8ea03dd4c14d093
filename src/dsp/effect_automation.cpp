#include "dsp/effect_automation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>

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
    // An eq band's parameters by band; the effect's own, one group after them.
    const auto group_of = [](const ParamSlot& s) { return s.band == ParamSlot::Band::none ? SIZE_MAX : s.index; };
    std::vector<const ParamEnvelope*> order;
    for (const ParamEnvelope& e : envelopes) order.push_back(&e);
    std::stable_sort(order.begin(), order.end(),
                     [&](const ParamEnvelope* a, const ParamEnvelope* b) { return group_of(a->slot) < group_of(b->slot); });
    cursors_.reserve(order.size());
    for (const ParamEnvelope* e : order) {
        if (cursors_.empty() || group_of(cursors_.back().slot) != group_of(e->slot))
            groups_.push_back({cursors_.size(), cursors_.size() + 1});
        else
            ++groups_.back().end;
        cursors_.push_back({e->slot, EnvelopeCursor(e->envelope, sample_rate), hold_of(type, e->slot), NAN});
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
    uint64_t next = UINT64_MAX;
    for (Group& g : groups_) {
        if (frame >= g.due) {
            const std::span<Cursor> cursors(cursors_.data() + g.begin, g.end - g.begin);
            bool gliding = false;  // the biquad given a new value: it glides anyway
            for (Cursor& c : cursors)
                if (frame >= c.due && read(c, frame, false)) gliding = true;
            g.due = UINT64_MAX;
            for (Cursor& c : cursors) {
                // Its other parameters go along, fresh: one glide, not one each.
                if (gliding && c.hold && c.given_at != frame) read(c, frame, true);
                g.due = std::min(g.due, c.due);
            }
        }
        next = std::min(next, g.due);
    }
    next_due_ = next;
    return to_params_(config_);
}

EffectConfig config_at(EffectConfig config, const std::vector<ParamEnvelope>& envelopes, double seconds) {
    for (const ParamEnvelope& e : envelopes) slot_value(config, e.slot) = e.envelope.value_at(seconds);
    return config;
}

}  // namespace simvx
