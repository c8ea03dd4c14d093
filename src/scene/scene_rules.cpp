// The rules across keys and tables of a scene (see scene_rules.hpp), run on
// the Draft the tables filled (scene_tables.hpp), and the effect check that
// prepare_scene shares.
#include "scene/scene_rules.hpp"

#include <algorithm>
#include <map>

#include "core/bus_graph.hpp"
#include "core/suggest.hpp"
#include "dsp/effect_types.hpp"
#include "scene/scene_tables.hpp"

namespace simvx {

using namespace schema;
using namespace scene_format;

std::string effect_problem(const EffectType& type, const EffectDesc& effect, uint32_t rate) {
    if (!type.check) return {};
    std::string problem = type.check(effect.config, rate);
    for (const ParamEnvelope& pe : effect.envelopes)
        for (const EnvelopePoint& point : pe.envelope.points()) {
            if (!problem.empty()) return problem;
            EffectConfig at_point = effect.config;
            slot_value(at_point, pe.slot) = point.value;
            problem = type.check(at_point, rate);
            if (!problem.empty()) problem += " (at " + format_number(point.time) + " s of its envelope)";
        }
    return problem;
}

std::vector<EffectProblem> effect_problems(const Scene& scene, uint32_t rate) {
    std::vector<EffectProblem> problems;
    for (const BusDesc& b : scene.buses)
        for (const EffectDesc& e : b.effects)
            if (const EffectType* type = find_effect_type(e.config.type))
                if (std::string problem = effect_problem(*type, e, rate); !problem.empty())
                    problems.push_back({&b, &e, std::move(problem)});
    return problems;
}

namespace {

// Reports a bus name that no [[bus]] declares, with the closest one.
void check_bus_name(Checker& c, const Draft& d, const std::string& name, const SourceLocation& where,
                    const std::string& what) {
    std::vector<std::string> known;
    for (const auto& b : d.scene.buses) known.push_back(b.name);
    if (std::find(known.begin(), known.end(), name) != known.end()) return;
    std::string message = "unknown bus " + quote(name) + " " + what;
    if (auto near = closest(name, std::span<const std::string>(known))) {
        message += "; did you mean " + quote(*near) + "?";
        if (edit_distance(name, *near) == 0) message += " (bus names are case-sensitive)";
    }
    message += " (buses: " + join_names(known) + ")";
    c.error(where, message);
}

// The rules across sounds, once every bus is known.
void check_sounds(Checker& c, Draft& d) {
    std::map<std::string, SourceLocation, std::less<>> names;
    for (auto& s : d.sounds) {
        if (s.name) {
            const auto [first, inserted] = names.emplace(s.desc.name, c.at(s.name->source()));
            if (!inserted)
                c.error(s.name->source(), "duplicate sound name " + quote(s.desc.name) + " (first used at " +
                                              first->second.str() + "); sound names must be unique");
        }
        check_bus_name(c, d, s.desc.bus, s.desc.bus_where.line ? s.desc.bus_where : s.desc.where, "in [[sound]]");
        for (const auto& send : s.desc.sends) check_bus_name(c, d, send.bus, send.where, "in the sends of [[sound]]");
    }
}

// Streams go to buses that exist; only one can read standard input.
void check_streams(Checker& c, Draft& d) {
    const StreamDesc* stdin_reader = nullptr;
    for (const auto& st : d.scene.streams) {
        check_bus_name(c, d, st.bus, st.bus_where.line ? st.bus_where : st.where, "in [[stream]]");
        if (st.source != "-" || !st.source_where.line) continue;
        if (stdin_reader)
            c.error(st.source_where, "only one stream can read standard input (\"-\"); the first is at " +
                                         stdin_reader->source_where.str() + "; give the others a FIFO path");
        else
            stdin_reader = &st;
    }
}

// Each effect fits the engine rate: checked here, with every other problem of
// the file, and not again by prepare_scene unless the rate changes.
void check_effects(Checker& c, Draft& d) {
    const uint32_t rate = d.scene.engine.sample_rate;
    for (const EffectProblem& p : effect_problems(d.scene, rate))
        c.error(p.effect->where, "effect " + quote(p.effect->config.type) + " of bus " + quote(p.bus->name) + ": " +
                                     p.problem);
    d.scene.effects_checked_rate = rate;
}

// Every name in the bus graph resolves, effects fit the engine rate, and no
// bus feeds itself through send_to, sends or a sidechain.
void check_buses(Checker& c, Draft& d) {
    const size_t errors_before = c.count();
    const auto& buses = d.scene.buses;
    for (const auto& b : buses) {
        const std::string of = "of bus " + quote(b.name);
        if (b.name != kMaster)
            check_bus_name(c, d, b.send_to, b.send_to_where.line ? b.send_to_where : b.where, "in 'send_to' " + of);
        for (const auto& send : b.sends) check_bus_name(c, d, send.bus, send.where, "in the sends " + of);
        for (const auto& e : b.effects)
            if (!e.config.sidechain.empty())
                check_bus_name(c, d, e.config.sidechain, e.sidechain_where, "in the sidechain " + of);
    }
    check_effects(c, d);
    if (c.count() != errors_before) return;  // a cycle can only be named once every name resolves

    auto index = [&](const std::string& name) {
        return static_cast<size_t>(std::find_if(buses.begin(), buses.end(), [&](const BusDesc& b) { return b.name == name; }) -
                                   buses.begin());
    };
    std::vector<BusLinks> links(buses.size());
    std::vector<std::string> names;
    for (size_t i = 0; i < buses.size(); ++i) {
        if (buses[i].name != kMaster) links[i].parent = index(buses[i].send_to);
        for (const auto& send : buses[i].sends) links[i].sends.push_back(index(send.bus));
        for (const auto& e : buses[i].effects)
            if (!e.config.sidechain.empty()) links[i].keys.push_back(index(e.config.sidechain));
        names.push_back(buses[i].name);
    }
    const TopoResult r = bus_render_order(links);
    if (!r.cycle.empty()) c.error(buses[r.cycle.front()].where, bus_cycle_message(r.cycle, names));
}

}  // namespace

void check_scene(Checker& c, Draft& d) {
    check_sounds(c, d);
    check_streams(c, d);
    check_buses(c, d);
}

}  // namespace simvx
