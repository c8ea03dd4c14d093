// Users see every option: each long option that --help shows is documented in
// the man page and offered by the bash, zsh and fish completions.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

std::set<std::string> help_options() {
    RunResult r = simvx({"--help"});
    EXPECT_EQ(r.status, 0);
    std::set<std::string> opts;
    const std::regex re("--[a-z][a-z0-9-]+");
    for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), re); it != std::sregex_iterator(); ++it)
        opts.insert(it->str());
    return opts;
}

std::string source(const std::string& rel) { return read_file(std::string(SIMVX_SOURCE_DIR) + "/" + rel); }

TEST(Docs, HelpListsTheOptions) {
    const auto opts = help_options();
    EXPECT_GE(opts.size(), 15u);
    EXPECT_TRUE(opts.count("--render"));
    EXPECT_TRUE(opts.count("--null"));
}

TEST(Docs, ManPageDocumentsEveryOption) {
    // An entry is a .B/.BI/.BR line naming the option (roff escapes its dashes).
    std::vector<std::string> entries;
    std::istringstream man(source("man/simvxplay.1"));
    for (std::string line; std::getline(man, line);)
        if (line.rfind(".B", 0) == 0) entries.push_back(line + " ");
    for (const auto& o : help_options()) {
        std::string roff;
        for (char c : o) roff += c == '-' ? std::string("\\-") : std::string(1, c);
        bool found = false;
        for (const auto& e : entries)
            found = found || e.find(roff + " ") != std::string::npos || e.find(roff + "\"") != std::string::npos;
        EXPECT_TRUE(found) << o << " has no entry in man/simvxplay.1";
    }
}

TEST(Docs, CompletionsOfferEveryOption) {
    const std::string bash = source("completions/simvxplay.bash");
    const std::string zsh = source("completions/_simvxplay");
    const std::string fish = source("completions/simvxplay.fish");
    for (const auto& o : help_options()) {
        const std::string name = o.substr(2);
        EXPECT_TRUE(std::regex_search(bash, std::regex("[ \"]" + o + "[ \\n\"]"))) << o << " missing from bash";
        EXPECT_TRUE(std::regex_search(zsh, std::regex("(" + o + "\\[|," + o + "\\})"))) << o << " missing from zsh";
        EXPECT_TRUE(std::regex_search(fish, std::regex("complete -c simvxplay( -s .)? -l " + name + "( |$)")))
            << o << " missing from fish";
    }
}

TEST(Docs, CompletionScriptsParse) {
    if (have_tool("bash")) {
        RunResult r = run({"bash", "-n", std::string(SIMVX_SOURCE_DIR) + "/completions/simvxplay.bash"});
        EXPECT_EQ(r.status, 0) << r.err;
    }
    if (have_tool("zsh")) {
        RunResult r = run({"zsh", "-n", std::string(SIMVX_SOURCE_DIR) + "/completions/_simvxplay"});
        EXPECT_EQ(r.status, 0) << r.err;
    }
    if (have_tool("fish")) {
        RunResult r = run({"fish", "-n", std::string(SIMVX_SOURCE_DIR) + "/completions/simvxplay.fish"});
        EXPECT_EQ(r.status, 0) << r.err;
    }
}

TEST(Docs, ExitCodesInHelpMatchTheManPage) {
    RunResult r = simvx({"--help"});
    const std::string man = source("man/simvxplay.1");
    for (const char* code : {"0", "2", "3", "4", "5", "6", "130"}) {
        EXPECT_NE(r.out.find(std::string(code) + " "), std::string::npos) << code;
        EXPECT_NE(man.find(".B " + std::string(code) + "\n"), std::string::npos) << code;
    }
}

}  // namespace
}  // namespace simvx::test
