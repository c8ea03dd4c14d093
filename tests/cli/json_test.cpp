// --json: every stdout line parses as JSON (checked with Python's json
// module, an independent parser) and carries the fields the man page documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

// Parses each line of `path` with python3 and checks the documented fields of
// each type; prints one line per object: its type and the key facts.
const char* kChecker = R"PY(
import json, sys
need = {
  "start": ["output", "rate", "channels", "length"],
  "status": ["position", "length", "underruns", "reconnecting", "buses"],
  "sound": ["event", "name", "time"],
  "underrun": ["time", "count", "total"],
  "reconnect": ["time", "total"],
  "stats": ["buses"],
  "expect": ["passed", "differences", "frames_compared", "peak_residual_db", "rms_residual_db"],
  "normalize": ["target_lufs", "true_peak_max_db", "gain_db", "outcome", "measured_lufs", "measured_true_peak_db",
                "integrated_lufs", "true_peak_db"],
  "check": ["ok", "scene", "rate", "channels", "length", "buses", "sounds", "files"],
  "end": ["position", "reason", "exit_code"],
  "error": ["message", "exit_code"],
  "warning": ["message"],
}
bus_need = {"status": ["name", "peak_db"],
            "stats": ["name", "sample_peak_db", "true_peak_db", "integrated_lufs", "range_lu",
                      "shortterm_max_lufs", "clipped", "frames"]}
for n, line in enumerate(open(sys.argv[1]), 1):
    o = json.loads(line)
    t = o["type"]
    for k in need[t]:
        assert k in o, "line %d (%s) lacks %s" % (n, t, k)
    for b in o.get("buses", []) if t in bus_need else []:
        for k in bus_need[t]:
            assert k in b, "line %d (%s bus) lacks %s" % (n, t, k)
    extra = ""
    if t == "sound": extra = " %s %s %.3f" % (o["event"], o["name"], o["time"])
    if t == "stats": extra = " " + ",".join(b["name"] for b in o["buses"])
    if t in ("end", "error"): extra = " %d" % o["exit_code"]
    if t == "error" and "problems" in o:
        for p in o["problems"]:
            assert "message" in p
            extra += " | %s:%s:%s" % (p.get("file", "-").split("/")[-1], p.get("line", "-"), p.get("column", "-"))
    if t == "warning": extra = " " + o["message"]
    if t == "expect": extra = " %s" % o["passed"]
    print(t + extra)
)PY";

class Json : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override {
        write_wav(at("a.wav"), interleave({sine(440, 48000, 24000, 0.5)}, 48000), WavFormat::s16);
        write_file(at("mix.toml"), R"(version = 1
[[bus]]
name = "Music \"quoted\" \u00e9"
volume_db = -6
[[sound]]
name = "first"
file = "a.wav"
bus = "Music \"quoted\" \u00e9"
[[sound]]
name = "second"
file = "a.wav"
start = 0.25
)");
    }
    // The checker's summary of stdout, one line per object.
    std::vector<std::string> parse(const std::string& out) {
        write_file(at("out.jsonl"), out);
        write_file(at("check.py"), kChecker);
        RunResult r = run({"python3", at("check.py"), at("out.jsonl")});
        EXPECT_EQ(r.status, 0) << r.err << "\n" << out;
        std::vector<std::string> lines;
        std::istringstream in(r.out);
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        return lines;
    }
    static size_t count(const std::vector<std::string>& v, const std::string& prefix) {
        return static_cast<size_t>(std::count_if(v.begin(), v.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
    }
};

TEST_F(Json, LivePlaybackStatusEventsStatsAndEnd) {
    if (!have_tool("python3")) GTEST_SKIP() << "python3 not installed";
    RunResult r = simvx({at("mix.toml"), "--null", "--json", "--stats"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto v = parse(r.out);
    ASSERT_GE(v.size(), 6u);
    EXPECT_EQ(v.front(), "start");
    EXPECT_GE(count(v, "status"), 3u);  // 0.75 s at one status per 100 ms
    EXPECT_EQ(count(v, "sound started first 0.000"), 1u);
    EXPECT_EQ(count(v, "sound started second 0.250"), 1u);
    EXPECT_EQ(count(v, "sound ended first 0.500"), 1u);
    EXPECT_EQ(count(v, "sound ended second 0.750"), 1u);
    EXPECT_EQ(count(v, "stats Master,Music \"quoted\" \u00e9"), 1u);
    EXPECT_EQ(v.back(), "end 0");
    EXPECT_EQ(r.err.find("sample peak"), std::string::npos);  // the table is replaced by the JSON object
}

TEST_F(Json, RenderWithExpectAndErrors) {
    if (!have_tool("python3")) GTEST_SKIP() << "python3 not installed";
    ASSERT_EQ(simvx({at("mix.toml"), "--render", at("ref.wav")}).status, 0);
    RunResult r = simvx({at("mix.toml"), "--render", at("o.wav"), "--expect", at("ref.wav"), "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto v = parse(r.out);
    EXPECT_EQ(count(v, "expect True"), 1u);
    EXPECT_EQ(v.back(), "end 0");

    // A mismatch: the expect object, then the error with exit code 6.
    r = simvx({at("mix.toml"), "--render", at("o.wav"), "--expect", at("ref.wav"), "--json", "--volume-db", "-1"});
    EXPECT_EQ(r.status, 6);
    v = parse(r.out);
    EXPECT_EQ(count(v, "expect False"), 1u);
    EXPECT_EQ(v.back(), "error 6");

    // A bad scene: one error object with the bad-input code.
    write_file(at("bad.toml"), "version = 1\n[[sound]]\nfile = \"missing.wav\"\n");
    r = simvx({at("bad.toml"), "--null", "--json"});
    EXPECT_EQ(r.status, 3);
    v = parse(r.out);
    ASSERT_EQ(v.size(), 1u) << r.out;
    EXPECT_EQ(v[0], "error 3 | bad.toml:3:8");
}

TEST_F(Json, CheckAsJsonAndNotWithARenderOnStdout) {
    if (!have_tool("python3")) GTEST_SKIP() << "python3 not installed";
    RunResult r = simvx({at("mix.toml"), "--check", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(parse(r.out), std::vector<std::string>{"check"});
    EXPECT_NE(r.out.find("\"length\":0.75"), std::string::npos) << r.out;
    r = simvx({at("mix.toml"), "--render", "-", "--json"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--render -"), std::string::npos) << r.err;
}

// --check's problems as objects with their positions, and warnings as
// objects: a program reading --json needs no stderr parsing.
TEST_F(Json, CheckProblemsAndWarningsAreObjects) {
    if (!have_tool("python3")) GTEST_SKIP() << "python3 not installed";
    write_file(at("bad.toml"), "version = 1\n[[sound]]\nfile = \"a.wav\"\nvolme = 1\n[[sound]]\nfile = \"a.wav\"\n"
                               "from_position = 9\n");
    RunResult r = simvx({at("bad.toml"), "--check", "--json"});
    EXPECT_EQ(r.status, 3);
    EXPECT_EQ(parse(r.out), std::vector<std::string>{"error 3 | bad.toml:4:1 | bad.toml:5:1"});
    EXPECT_NE(r.out.find(R"J("message":"sound 'a.wav': from_position 9.000 s is at or past the end of a.wav (0.500 s)")J"),
              std::string::npos)
        << r.out;
    // A warning (a stream that ends inside a frame), even with -q.
    r = simvx({"--stream", "-", "--render", at("o.wav"), "--json", "-q"}, "abc");
    EXPECT_EQ(r.status, 0) << r.err;
    const auto objects = parse(r.out);
    ASSERT_FALSE(objects.empty());
    // The reader thread warns when the input ends: before or after "start".
    EXPECT_EQ(count(objects, "warning stream - (standard input): the input ended inside a frame; its last 3 byte(s) were "
                             "dropped"),
              1u)
        << r.out;
    EXPECT_EQ(objects.back(), "end 0");
    EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace simvx::test
