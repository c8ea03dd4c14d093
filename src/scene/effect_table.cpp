// [[bus.effect]]: an effect's keys depend on its `type` (dsp/effect_types),
// so it is read against that type's parameters rather than a fixed field
// list; eq's bands are a field list of their own.
#include "scene/scene_tables.hpp"

#include <algorithm>

#include "core/suggest.hpp"
#include "dsp/effect_types.hpp"
#include "scene/envelope_table.hpp"

namespace simvx::scene_format {

using namespace schema;

namespace {

constexpr TableKind kBand{"bands", "an eq band"};

std::string effect_type_names() {
    std::string s;
    for (const auto& t : effect_types()) s += (s.empty() ? "" : ", ") + std::string(t.name);
    return s;
}

// A value of an effect parameter as its spec says: a number in range, or a boolean (as 0/1).
std::optional<double> read_param(Checker& c, const Item& it, const ParamSpec& p) {
    if (p.kind == ParamSpec::Kind::boolean) {
        auto b = read_bool(c, it);
        return b ? std::optional<double>(*b ? 1.0 : 0.0) : std::nullopt;
    }
    return read_number(c, it, Range{p.min, p.max, p.min_open, p.unit});
}

}  // namespace

std::span<const Field<EqBand>> band_fields() {
    static const Field<EqBand> fields[] = {
        {"type", choice_field(&EqBand::type, std::span<const Choice<EqBand::Type>>(EqBand::kTypeNames))},
        {"freq", number_field(&EqBand::freq, Range{10, 96000, false, "Hz"})},
        {"q", number_field(&EqBand::q, Range{0, 100, true, ""})},
        {"gain_db", number_field(&EqBand::gain_db, Range{-48, 48, false, "dB"})},
    };
    return fields;
}

// [[bus.effect]]: `type` chooses the parameters; every other key is checked
// against that type's list.
void read_effect(Checker& c, const toml::table& table, BusDesc& bus) {
    EffectDesc e;
    e.where = c.at(table.source());
    const toml::node* type_node = table.get("type");
    if (!type_node) {
        c.error(table.source(), "missing required key 'type' in [[bus.effect]]; one of: " + effect_type_names());
        return;
    }
    const auto* type_name = type_node->as_string();
    const EffectType* type = type_name ? find_effect_type(type_name->get()) : nullptr;
    if (!type) {
        std::vector<std::string_view> names;
        for (const auto& t : effect_types()) names.push_back(t.name);
        std::string message = "'type' in [[bus.effect]] must be one of " + effect_type_names() + ", found " +
                              describe(*type_node);
        if (type_name)
            if (auto near = closest(type_name->get(), names)) message += "; did you mean " + quote(*near) + "?";
        c.error(type_node->source(), message);
        return;
    }
    e.config = default_config(*type);
    const std::string in = "in [[bus.effect]] of type " + quote(type->name);
    for (auto&& [key, node] : table) {
        const std::string_view k = key.str();
        const Item it{k, node, in};
        if (k == "type") continue;
        if (k == "enabled") {
            if (auto v = read_bool(c, it)) e.config.enabled = *v;
            continue;
        }
        if (k == "bands" && type->has_bands) {
            read_table_list(c, it, kBand, band_fields(), "freq", e.config.bands);
            continue;
        }
        if (k == "sidechain" && type->has_sidechain) {
            if (auto v = read_string(c, it)) {
                e.config.sidechain = *v;
                e.sidechain_where = c.at(node.source());
            }
            continue;
        }
        const auto p = std::find_if(type->params.begin(), type->params.end(), [&](const auto& x) { return x.key == k; });
        if (p != type->params.end()) {
            const auto index = static_cast<size_t>(p - type->params.begin());
            if (node.is_table() && p->kind == ParamSpec::Kind::number) {
                if (auto envelope = read_envelope(c, it, Range{p->min, p->max, p->min_open, p->unit})) {
                    e.config.values[index] = envelope->value_at(0.0);
                    e.envelopes.push_back({index, std::move(*envelope)});
                }
            } else if (auto v = read_param(c, it, *p)) {
                e.config.values[index] = *v;
            }
            continue;
        }
        std::vector<std::string_view> allowed{"type", "enabled"};
        for (const auto& x : type->params) allowed.push_back(x.key);
        if (type->has_bands) allowed.push_back("bands");
        if (type->has_sidechain) allowed.push_back("sidechain");
        std::string message = "unknown key '" + std::string(k) + "' " + in;
        if (auto near = closest(k, allowed)) {
            message += "; did you mean '" + *near + "'?";
        } else {
            std::vector<std::string> names(allowed.begin(), allowed.end());
            message += "; allowed keys: " + join_names(names);
        }
        c.error(key.source(), message);
    }
    bus.effects.push_back(std::move(e));
}

}  // namespace simvx::scene_format
