// --list: the capability list other programs and the completions read,
// checked against the tables the loader and the effects use; and the bash
// completion of bus names, which asks the binary.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include "dsp/effect_types.hpp"
#include "scene/loader.hpp"

namespace simvx::test {
namespace {

class ListCli : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
};

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        const size_t nl = text.find('\n', start);
        out.push_back(text.substr(start, nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return out;
}

TEST_F(ListCli, EffectsComeFromTheEffectTable) {
    RunResult r = simvx({"--list", "effects"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto rows = lines(r.out);
    ASSERT_EQ(rows.size(), effect_types().size());
    for (size_t i = 0; i < rows.size(); ++i) {
        const EffectType& t = effect_types()[i];
        EXPECT_EQ(rows[i].substr(0, rows[i].find('\t')), t.name);
        for (const ParamSpec& p : t.params) EXPECT_NE(rows[i].find(std::string(p.key) + "="), std::string::npos) << rows[i];
    }
    EXPECT_NE(r.out.find("compressor\tthreshold_db=-24 ([-80..0] dB)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("sidechain=BUS"), std::string::npos);

    r = simvx({"--list", "effects", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(lines(r.out).size(), 1u);
    EXPECT_NE(r.out.find(R"({"key":"lookahead_ms","type":"number","default":5,"min":0,"max":50,"min_excluded":true,"unit":"ms"})"),
              std::string::npos)
        << r.out;
}

TEST_F(ListCli, KeysComeFromTheLoadersTables) {
    RunResult r = simvx({"--list", "keys"});
    ASSERT_EQ(r.status, 0) << r.err;
    for (const SceneTableKeys& t : scene_keys()) {
        std::string row = t.table + "\t";
        for (size_t i = 0; i < t.keys.size(); ++i) row += (i ? " " : "") + t.keys[i];
        EXPECT_NE(r.out.find(row + "\n"), std::string::npos) << row;
    }
    EXPECT_NE(r.out.find("[[stream]]\tsource format rate channels bus volume_db pan buffer_ms\n"), std::string::npos);
    // Every key listed for [[sound]] is one the loader accepts (no "unknown key").
    for (const SceneTableKeys& t : scene_keys()) {
        if (t.table != "[[sound]]") continue;
        for (const auto& key : t.keys) {
            write_file(at("k.toml"), "version = 1\n[[sound]]\n" + key + " = 0\n");
            const RunResult c = simvx({at("k.toml"), "--check"});
            EXPECT_EQ(c.err.find("unknown key"), std::string::npos) << key << ": " << c.err;
        }
    }
}

TEST_F(ListCli, FormatsAndBuses) {
    RunResult r = simvx({"--list", "formats"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("decode\tWAV\n"), std::string::npos);
    EXPECT_NE(r.out.find("decode\tOgg Opus\n"), std::string::npos);
    EXPECT_NE(r.out.find("render\tf32\n"), std::string::npos);
    EXPECT_NE(r.out.find("stream\twav\n"), std::string::npos);

    // Buses only (a sound's name is not one), even when the sound files are missing.
    write_file(at("mix.toml"), "version = 1\n[[bus]]\nname = \"Music\"\n[[bus]]\nname = \"Voice Over\"\n"
                               "[[sound]]\nname = \"kick\"\nfile = \"missing.wav\"\nbus = \"Music\"\n");
    r = simvx({at("mix.toml"), "--list", "buses"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "Master\nMusic\nVoice Over\n");
    r = simvx({at("mix.toml"), "--list", "buses", "--json"});
    EXPECT_EQ(r.out, "{\"buses\":[\"Master\",\"Music\",\"Voice Over\"]}\n");
    r = simvx({"--list", "buses"});
    EXPECT_EQ(r.status, 2);
    r = simvx({"--list", "colours"});
    EXPECT_EQ(r.status, 2);
}

TEST_F(ListCli, BashCompletesBusNamesOnly) {
    write_file(at("mix.toml"), "version = 1\n[[bus]]\nname = \"Music\"\n[[bus]]\nname = \"Mumble\"\n"
                               "[[sound]]\nname = \"Mu-sound\"\nfile = \"missing.wav\"\nbus = \"Music\"\n");
    const std::string script = "source " + std::string(SIMVX_SOURCE_DIR) +
                               "/completions/simvxplay.bash\n"
                               "COMP_WORDS=(" + bin() + " " + at("mix.toml") + " --mute Mu)\nCOMP_CWORD=3\n"
                               "_simvxplay\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    write_file(at("complete.sh"), script);
    const RunResult r = run({"bash", at("complete.sh")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "Music\nMumble\n");
}

}  // namespace
}  // namespace simvx::test
