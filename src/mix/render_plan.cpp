#include "mix/render_plan.hpp"

#include <algorithm>
#include <functional>
#include <string>

#include "core/error.hpp"
#include "core/bus_graph.hpp"

namespace simvx {
namespace {

// The order to render in; a cycle is an error naming its buses.
std::vector<size_t> render_order(const std::vector<BusSetup>& buses) {
    std::vector<BusLinks> links(buses.size());
    std::vector<std::string> names;
    for (size_t i = 0; i < buses.size(); ++i) {
        links[i].parent = buses[i].parent;
        for (const auto& s : buses[i].sends) links[i].sends.push_back(s.bus);
        for (const auto& e : buses[i].effects)
            if (e.key) links[i].keys.push_back(*e.key);
        names.push_back(buses[i].name);
    }
    TopoResult r = bus_render_order(links);
    if (!r.cycle.empty()) throw InputError(bus_cycle_message(r.cycle, names));
    return r.order;
}

// Solo: a bus is "active" when it is soloed or its path to the output passes
// through a soloed bus (the children of a soloed group); sounds on a bus are
// heard only when it is active. A bus's output is heard when it is active or
// is fed by a soloed bus (the returns and parents that a soloed bus feeds).
void apply_solo(const std::vector<BusSetup>& buses, RenderPlan& plan) {
    const bool any = std::any_of(buses.begin(), buses.end(), [](const BusSetup& b) { return b.solo; });
    if (!any) return;
    std::vector<bool> active(buses.size()), downstream(buses.size());
    for (size_t i = 0; i < buses.size(); ++i)
        for (std::optional<size_t> b = i; b; b = buses[*b].parent)
            if (buses[*b].solo) active[i] = true;
    std::function<void(size_t)> feed = [&](size_t b) {
        auto next = [&](size_t t) {
            if (!downstream[t]) {
                downstream[t] = true;
                feed(t);
            }
        };
        if (buses[b].parent) next(*buses[b].parent);
        for (const auto& s : buses[b].sends) next(s.bus);
    };
    for (size_t i = 0; i < buses.size(); ++i)
        if (buses[i].solo) feed(i);
    // A sidechain key keeps mixing for its detector whatever is soloed: the
    // key bus and every bus feeding it (its children, buses sending to it)
    // take their sounds, and the feeders pass them on; the key bus's own
    // output stays as solo says, so it is not heard.
    std::vector<bool> keyed(buses.size()), feeds_key(buses.size());
    for (const RenderPlan::Bus& b : plan.buses)  // the effects have moved into the plan: keys are slots there
        for (const auto& e : b.effects)
            if (e.key) keyed[plan.buses[*e.key].index] = true;
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < buses.size(); ++i) {
            bool feeds = buses[i].parent && keyed[*buses[i].parent];
            for (const auto& s : buses[i].sends) feeds = feeds || keyed[s.bus];
            feeds_key[i] = feeds;
            if (feeds && !keyed[i]) keyed[i] = grew = true;
        }
    }
    for (size_t i = 0; i < buses.size(); ++i) {
        RenderPlan::Bus& bus = plan.buses[plan.slot_of[i]];
        bus.input_open = active[i] || keyed[i];
        bus.output_open = active[i] || downstream[i] || feeds_key[i];
    }
}

}  // namespace

std::unique_ptr<RenderPlan> compile_plan(std::vector<BusSetup> setups, const ProcessSpec& spec) {
    const auto outputs = std::count_if(setups.begin(), setups.end(), [](const BusSetup& b) { return !b.parent; });
    if (outputs != 1) throw InputError("the bus graph needs exactly one output bus (Master)");
    const std::vector<size_t> order = render_order(setups);

    auto plan = std::make_unique<RenderPlan>();
    plan->max_block = spec.max_block;
    plan->channels = spec.channels;
    const size_t block_samples = static_cast<size_t>(spec.max_block) * spec.channels;
    plan->slot_of.resize(setups.size());
    for (size_t pos = 0; pos < order.size(); ++pos) plan->slot_of[order[pos]] = pos;
    plan->buses.resize(setups.size());
    const uint32_t ramp = std::max<uint32_t>(1, spec.sample_rate / 100);  // 10 ms
    for (size_t i = 0; i < setups.size(); ++i) {
        BusSetup& s = setups[i];
        RenderPlan::Bus& b = plan->buses[plan->slot_of[i]];
        b.name = s.name;
        b.index = i;
        b.gain = GainRamp(s.mute ? 0.0f : s.gain, ramp);
        b.volume_db_envelope = std::move(s.volume_db_envelope);
        b.bypass_effects = s.bypass_effects;
        if (s.parent) b.parent = plan->slot_of[*s.parent];
        else plan->output = plan->slot_of[i];
        for (auto& send : s.sends)
            b.sends.push_back({plan->slot_of[send.bus], send.gain, std::move(send.volume_db_envelope)});
        for (auto& e : s.effects) {
            if (e.key) {
                e.key = plan->slot_of[*e.key];
                plan->buses[*e.key].key_buffer.assign(block_samples, 0.0f);
            }
            e.processor->prepare(spec);
            if (e.enabled && !s.bypass_effects && e.processor->tail_frames() > 0) {
                plan->has_tail = true;
                plan->tail_hint = std::max(plan->tail_hint, e.processor->tail_frames());
            }
            b.effects.push_back(std::move(e));
        }
        b.buffer.assign(block_samples, 0.0f);
    }
    apply_solo(setups, *plan);
    return plan;
}

std::unique_ptr<RenderPlan> master_only_plan(float gain, bool mute, const ProcessSpec& spec) {
    std::vector<BusSetup> buses(1);
    buses[0].name = "Master";
    buses[0].gain = gain;
    buses[0].mute = mute;
    return compile_plan(std::move(buses), spec);
}

}  // namespace simvx
