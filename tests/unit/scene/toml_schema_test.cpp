// The TOML schema reader alone, on a small made-up format (a pond and its
// lilies): what it reports, where, and that it reports all of it.
#include "scene/toml_schema.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace simvx::schema {
namespace {

enum class Water { fresh, salt };
constexpr Choice<Water> kWaterNames[] = {{"fresh", Water::fresh}, {"salt", Water::salt}};

struct Lily {
    std::string color;
    int64_t petals = 5;
    SourceLocation where;
};

struct Pond {
    double depth = 1.0;
    int64_t fish = 0;
    bool heated = false;
    std::string name;
    Water water = Water::fresh;
    std::vector<Lily> lilies;
};

constexpr TableKind kPond{"pond", "[pond]"};
constexpr TableKind kLily{"lilies", "a lily"};

std::span<const Field<Lily>> lily_fields() {
    static const Field<Lily> fields[] = {
        {"color", string_field(&Lily::color)},
        {"petals", integer_field(&Lily::petals, 3, 30)},
    };
    return fields;
}

std::span<const Field<Pond>> pond_fields() {
    static const Field<Pond> fields[] = {
        {"depth", number_field(&Pond::depth, Range{0, 10, false, "m"})},
        {"fish", integer_field(&Pond::fish, 0, 100)},
        {"heated", bool_field(&Pond::heated)},
        {"name", string_field(&Pond::name)},
        {"water", choice_field(&Pond::water, std::span<const Choice<Water>>(kWaterNames))},
        {"lilies",
         [](Checker& c, const Item& it, Pond& p) {
             read_table_list(c, it, kLily, lily_fields(), "color", p.lilies,
                             [](Lily& lily, const SourceLocation& at) { lily.where = at; });
         }},
        {"fountain", {}},  // part of the format, not read yet
    };
    return fields;
}

struct Result {
    Pond pond;
    std::vector<SceneDiagnostic> diags;
    std::vector<std::string> strs() const {
        std::vector<std::string> out;
        for (const auto& d : diags) out.push_back(d.str());
        return out;
    }
};

// Reads the [pond] table of `text` as garden.toml.
Result read(const std::string& text) {
    const toml::table root = toml::parse(text, std::string_view("garden.toml"));
    Checker c("garden.toml");
    Result r;
    if (const toml::table* pond = root["pond"].as_table()) read_table(c, *pond, kPond, pond_fields(), r.pond);
    r.diags = c.take();
    return r;
}

TEST(TomlSchema, ReadsEveryField) {
    const Result r = read(
        "[pond]\ndepth = 2.5\nfish = 12\nheated = true\nname = \"koi\"\nwater = \"salt\"\n"
        "lilies = [{ color = \"white\" }, { color = \"pink\", petals = 8 }]\n");
    EXPECT_TRUE(r.diags.empty()) << ::testing::PrintToString(r.strs());
    EXPECT_EQ(r.pond.depth, 2.5);
    EXPECT_EQ(r.pond.fish, 12);
    EXPECT_TRUE(r.pond.heated);
    EXPECT_EQ(r.pond.name, "koi");
    EXPECT_EQ(r.pond.water, Water::salt);
    ASSERT_EQ(r.pond.lilies.size(), 2u);
    EXPECT_EQ(r.pond.lilies[0].color, "white");
    EXPECT_EQ(r.pond.lilies[0].petals, 5);
    EXPECT_EQ(r.pond.lilies[1].petals, 8);
    // Each entry located at the value of its required key.
    EXPECT_EQ(r.pond.lilies[1].where.str(), "garden.toml:7:42");
}

TEST(TomlSchema, UnknownKeyGetsTheClosestName) {
    EXPECT_EQ(read("[pond]\ndpeth = 2\n").strs(),
              std::vector<std::string>{"garden.toml:2:1: unknown key 'dpeth' in [pond]; did you mean 'depth'?"});
    // Nothing close: the keys it can read (not those only part of the format).
    EXPECT_EQ(read("[pond]\nwaterfall = 1\n").strs(),
              std::vector<std::string>{"garden.toml:2:1: unknown key 'waterfall' in [pond]; allowed keys: depth, fish, "
                                       "heated, name, water, lilies"});
    EXPECT_EQ(read("[pond.lilys]\n").strs(),
              std::vector<std::string>{"garden.toml:1:7: unknown table '[pond.lilys]'; did you mean 'lilies'?"});
}

TEST(TomlSchema, OutOfRangeNumberAtItsPosition) {
    const Result r = read("[pond]\nfish = 3\n  depth = 200\n");
    ASSERT_EQ(r.diags.size(), 1u);
    EXPECT_EQ(r.diags[0].where.file, "garden.toml");
    EXPECT_EQ(r.diags[0].where.line, 3u);
    EXPECT_EQ(r.diags[0].where.column, 11u);
    EXPECT_EQ(r.diags[0].str(), "garden.toml:3:11: 'depth' in [pond] must be between 0 and 10 m, found 200");
    EXPECT_EQ(r.pond.depth, 1.0);  // left as it was
    EXPECT_EQ(read("[pond]\nfish = 101\n").strs(),
              std::vector<std::string>{"garden.toml:2:8: 'fish' in [pond] must be an integer between 0 and 100, found 101"});
    EXPECT_EQ(read("[pond]\ndepth = nan\n").strs(),
              std::vector<std::string>{"garden.toml:2:9: 'depth' in [pond] must be between 0 and 10 m, found nan"});
}

TEST(TomlSchema, WrongTypeSaysWhatWasFound) {
    EXPECT_EQ(read("[pond]\nfish = \"many\"\n").strs(),
              std::vector<std::string>{"garden.toml:2:8: 'fish' in [pond] must be an integer, found a string (\"many\")"});
    EXPECT_EQ(read("[pond]\nheated = 1\n").strs(),
              std::vector<std::string>{"garden.toml:2:10: 'heated' in [pond] must be true or false, found an integer (1)"});
    EXPECT_EQ(read("[pond]\ndepth = [1]\n").strs(),
              std::vector<std::string>{"garden.toml:2:9: 'depth' in [pond] must be a number, found an array"});
    EXPECT_EQ(read("[pond]\nname = \"\"\n").strs(),
              std::vector<std::string>{"garden.toml:2:8: 'name' in [pond] must not be empty"});
}

TEST(TomlSchema, ChoiceSuggestsTheClosest) {
    EXPECT_EQ(read("[pond]\nwater = \"slat\"\n").strs(),
              std::vector<std::string>{"garden.toml:2:9: 'water' in [pond] must be one of \"fresh\", \"salt\", found "
                                       "\"slat\"; did you mean \"salt\"?"});
    EXPECT_EQ(read("[pond]\nwater = 3\n").strs(),
              std::vector<std::string>{"garden.toml:2:9: 'water' in [pond] must be one of \"fresh\", \"salt\", found an "
                                       "integer (3)"});
}

TEST(TomlSchema, NotSupportedYet) {
    const auto diags = read("[pond]\nfountain = true\n").strs();
    ASSERT_EQ(diags.size(), 1u);
    EXPECT_EQ(diags[0], "garden.toml:2:1: 'fountain' in [pond] " + not_supported_yet("").substr(1));
}

TEST(TomlSchema, NestedTableList) {
    const Result r = read(
        "[pond]\nlilies = [\n  { color = \"white\", petals = 2 },\n  { petals = 8 },\n  5,\n  { color = \"red\", "
        "colour = \"blue\" },\n]\n");
    EXPECT_EQ(r.strs(), (std::vector<std::string>{
                            "garden.toml:3:31: 'petals' in a lily must be an integer between 3 and 30, found 2",
                            "garden.toml:4:3: missing required key 'color' in a lily",
                            "garden.toml:5:3: each entry of 'lilies' must be a table ({ ... }), found an integer (5)",
                            "garden.toml:6:20: unknown key 'colour' in a lily; did you mean 'color'?",
                        }));
    // The entries with their required key are kept.
    ASSERT_EQ(r.pond.lilies.size(), 2u);
    EXPECT_EQ(r.pond.lilies[1].color, "red");
    EXPECT_EQ(read("[pond]\nlilies = 3\n").strs(),
              std::vector<std::string>{"garden.toml:2:10: 'lilies' in [pond] must be an array of tables ({ ... }), "
                                       "found an integer (3)"});
}

TEST(TomlSchema, CollectsEveryProblemSortedByPosition) {
    const Result r = read("[pond]\nwater = \"sea\"\ndepth = -1\nfihs = 2\nheated = \"yes\"\nname = \"koi\"\n");
    EXPECT_EQ(r.strs(), (std::vector<std::string>{
                            "garden.toml:2:9: 'water' in [pond] must be one of \"fresh\", \"salt\", found \"sea\"",
                            "garden.toml:3:9: 'depth' in [pond] must be between 0 and 10 m, found -1",
                            "garden.toml:4:1: unknown key 'fihs' in [pond]; did you mean 'fish'?",
                            "garden.toml:5:10: 'heated' in [pond] must be true or false, found a string (\"yes\")",
                        }));
    EXPECT_EQ(r.pond.name, "koi");  // the good keys are still read
}

TEST(TomlSchema, TakeSortsStably) {
    Checker c("x.toml");
    c.error(SourceLocation{"x.toml", 4, 2}, "later");
    c.error(SourceLocation{"x.toml", 1, 7}, "first");
    c.error(SourceLocation{"x.toml", 4, 2}, "later, found second");
    EXPECT_EQ(c.count(), 3u);
    const auto diags = c.take();
    ASSERT_EQ(diags.size(), 3u);
    EXPECT_EQ(diags[0].message, "first");
    EXPECT_EQ(diags[1].message, "later");
    EXPECT_EQ(diags[2].message, "later, found second");
}

TEST(TomlSchema, DescribesValues) {
    const toml::table t = toml::parse("a = 17.0\nb = 0.5\nc = \"x\"\nd = [1]\ne = [{ f = 1 }]\n");
    EXPECT_EQ(literal(*t.get("a")), "17.0");
    EXPECT_EQ(describe(*t.get("b")), "a floating-point number (0.5)");
    EXPECT_EQ(describe(*t.get("c")), "a string (\"x\")");
    EXPECT_EQ(describe(*t.get("d")), "an array");
    EXPECT_EQ(describe(*t.get("e")), "an array of tables");
    EXPECT_EQ(quote(std::string(70, 'a')), "\"" + std::string(60, 'a') + "...\"");
    EXPECT_EQ((Range{0, 1, true, "s"}.str()), "greater than 0 and at most 1 s");
    EXPECT_EQ((Range{8000, std::numeric_limits<double>::infinity(), false, "Hz"}.str()), "at least 8000 Hz");
    EXPECT_EQ(supported_keys(pond_fields()),
              (std::vector<std::string>{"depth", "fish", "heated", "name", "water", "lilies"}));
}

}  // namespace
}  // namespace simvx::schema
