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

std::span<const Field<BandDesc>> band_fields() {
    static const Field<BandDesc> fields[] = {
        {"type", choice_field(&BandDesc::type, std::span<const Choice<EqBand::Type>>(EqBand::kTypeNames))},
        {"freq", automatable_field(&BandDesc::freq, &BandDesc::freq_envelope, Range{10, 96000, false, "Hz"})},
        {"q", automatable_field(&BandDesc::q, &BandDesc::q_envelope, Range{0, 100, true, ""})},
        {"gain_db", automatable_field(&BandDesc::gain_db, &BandDesc::gain_db_envelope, Range{-48, 48, false, "dB"})},
    };
    return fields;
}

namespace {

// The bands into the effect's config, their envelopes into its automation
// (the first EqBand::kMaxLive bands only: automation reaches no more).
void add_bands(Checker& c, const Item& it, std::vector<BandDesc>& bands, EffectDesc& e) {
    for (BandDesc& b : bands) {
        const size_t index = e.config.bands.size();
        e.config.bands.push_back({.type = b.type, .freq = b.freq, .q = b.q, .gain_db = b.gain_db});
        const std::pair<std::optional<Envelope>*, ParamSlot::Band> automated[] = {
            {&b.freq_envelope, ParamSlot::Band::freq},
            {&b.q_envelope, ParamSlot::Band::q},
            {&b.gain_db_envelope, ParamSlot::Band::gain_db}};
        for (auto [envelope, field] : automated) {
            if (!*envelope) continue;
            if (index >= EqBand::kMaxLive) {
                c.error(it.node.source(), "band " + std::to_string(index + 1) + " of " + it.subject() +
                                              " follows an envelope: only the first " +
                                              std::to_string(EqBand::kMaxLive) + " bands of an eq can");
                return;
            }
            e.envelopes.push_back({{index, field}, std::move(**envelope)});
        }
    }
}

}  // namespace

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
            std::vector<BandDesc> bands;
            read_table_list(c, it, kBand, band_fields(), "freq", bands);
            add_bands(c, it, bands, e);
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
                    e.envelopes.push_back({{index}, std::move(*envelope)});
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
