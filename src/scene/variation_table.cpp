// The scene format's variation keys of a [[sound]]: `{ random = [lo, hi] }`
// for a value drawn at each trigger, and [sound.repeat]. (`files` and
// `pick` are rows of the sound's own table, beside `file`.)
#include "scene/scene_tables.hpp"

namespace simvx::scene_format {

using namespace schema;

namespace {

// `{ random = [lo, hi] }`: two numbers in the key's range, lo <= hi.
std::optional<RandomRange> read_random(Checker& c, const Item& it, const Range& range) {
    const toml::table* t = it.node.as_table();
    std::optional<RandomRange> out;
    for (auto&& [key, node] : *t) {
        if (key.str() != "random") {
            c.error(key.source(), "unknown key '" + std::string(key.str()) + "' in " + it.subject() +
                                      "'s { random = [low, high] }");
            return std::nullopt;
        }
        const toml::array* a = node.as_array();
        if (!a || a->size() != 2) {
            c.error(node.source(), "'random' of " + it.subject() + " must be [low, high], two numbers, found " +
                                       describe(node));
            return std::nullopt;
        }
        const Item lo_item{it.key, *a->get(0), it.in}, hi_item{it.key, *a->get(1), it.in};
        const auto lo = read_number(c, lo_item, range), hi = read_number(c, hi_item, range);
        if (!lo || !hi) return std::nullopt;
        if (*hi < *lo) {
            c.error(node.source(), "'random' of " + it.subject() + " must be [low, high] with low <= high, found [" +
                                       format_number(*lo) + ", " + format_number(*hi) + "]");
            return std::nullopt;
        }
        out = RandomRange{*lo, *hi};
    }
    if (!out) c.error(it.node.source(), it.subject() + ": an empty table; a value drawn per trigger is { random = [low, high] }");
    return out;
}

}  // namespace

Reader<SoundEntry> randomizable(Reader<SoundEntry> plain, std::optional<RandomRange> SoundVariation::*slot, Range range) {
    return [plain = std::move(plain), slot, range](Checker& c, const Item& it, SoundEntry& s) {
        const toml::table* t = it.node.as_table();
        if (t && t->contains("random")) {
            s.desc.variation.*slot = read_random(c, it, range);
            return;
        }
        if (t && t->empty()) {
            c.error(it.node.source(), it.subject() + ": an empty table; a value drawn per trigger is { random = [low, high] }");
            return;
        }
        plain(c, it, s);
    };
}

std::span<const Field<RepeatDesc>> repeat_fields() {
    static const Field<RepeatDesc> fields[] = {
        {"every", number_field(&RepeatDesc::every, Range{0, kMaxTimeSeconds, true, "s"})},
        {"jitter", number_field(&RepeatDesc::jitter, seconds())},
        {"count", integer_field(&RepeatDesc::count, 1, 100000)},
    };
    return fields;
}

void read_repeat(Checker& c, const Item& it, RepeatDesc& r) {
    const toml::table* t = table_of(c, it, "a table ([sound.repeat]: every, jitter, count)");
    if (!t) return;
    r.where = c.at(it.node.source());
    const Seen seen = read_table(c, *t, kRepeat, repeat_fields(), r);
    if (!seen.find("every")) {
        c.error(it.node.source(), "missing required key 'every' in [sound.repeat] (the seconds between triggers)");
        return;
    }
    if (const toml::node* jitter = seen.find("jitter"); jitter && r.every > 0 && r.jitter >= r.every)
        c.error(jitter->source(), "'jitter' in [sound.repeat] must be less than 'every' (" + format_number(r.every) +
                                      " s), so that each trigger comes after the one before; found " + literal(*jitter));
}

}  // namespace simvx::scene_format
