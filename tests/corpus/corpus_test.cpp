// Real-world files (../shared/corpus, see its README.md): one test case per row
// of expected.tsv, checked through the tools a user runs. `Decode` uses
// simvx-decode-dump (frames, format, PCM checksum); `Render` runs
// `simvxplay FILE --render OUT.wav` and checks the exit code, the message and
// the output. Everything is skipped when the corpus folder is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

namespace fs = std::filesystem;

const std::string kCorpus = SIMVX_CORPUS_DIR;
constexpr double kPromptSeconds = 10;   // reject/either inputs must end this fast
constexpr double kPlaySeconds = 120;    // generous bound for rendering long ok inputs

struct Row {
    std::string name;  // test name, derived from the path
    std::string path;  // relative to the corpus folder
    std::string format, expect, md5;
    std::optional<uint64_t> frames;
    std::optional<uint32_t> rate, channels;
    std::string erratum;  // why a reference value was corrected (kErrata)
};

// Where the reference value in expected.tsv is known to be wrong, what is
// right instead, and why. Each entry was checked by hand against the file.
struct Erratum {
    std::string md5;                 // replaces md5_s16_pcm when set
    std::optional<uint64_t> frames;  // replaces frames when set
    std::optional<uint32_t> rate;    // replaces rate when set
    const char* why;
    std::string expect = {};                 // replaces expect when set
    std::optional<uint32_t> channels = {};   // replaces channels when set
};
const std::map<std::string, Erratum> kErrata = {
    {"scipy-wavfile/test-8000Hz-be-3ch-5S-24bit.wav",
     {"3ce2610f431069085fc7b31eb0dc4a5b", {}, {},
      "the reference (ffmpeg) reads RIFX 24-bit samples as little-endian; the file holds the same samples as "
      "test-8000Hz-le-3ch-5S-24bit.wav, whose checksum this is"}},
    // Streams whose sample rate changes part-way: `mpg123 -w` restarts its
    // WAV at each change, so the reference keeps only the last segment.
    // simvxplay plays from the start and stops at the change, with a warning
    // (mixing two rates into one stream is not an option, and dropping the
    // start would lose audio); `mpg123 -t -v` shows the segments.
    {"minimp3-vectors/l2-nonstandard-fl1_fl2_ff.bit",
     {"", 768, 32000, "768 frames at 32 kHz, then 768 at 44.1 kHz: the first segment is played"}},
    {"minimp3-vectors/l3-nonstandard-he_44_48khz.bit",
     {"", 472320, {}, "472320 frames at 44.1 kHz, then 48 kHz: the first segment is played"}},
    // Containers the corpus calls unsupported, which the FFmpeg fallback now
    // plays: the frame counts are ffmpeg's own decode of them.
    {"fuzzing-corpus-strongcourage/au/pcm_mulaw.au",
     {"", 9966, 8000, "AU/SND mu-law plays through the FFmpeg fallback", "ok", 1}},
    {"fuzzing-corpus-strongcourage/amr/AMRaudioNB.amr",
     {"", 19680, 8000, "AMR-NB plays through the FFmpeg fallback", "ok", 1}},
};

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream s(line);
    while (std::getline(s, cell, '\t')) out.push_back(cell);
    if (!line.empty() && line.back() == '\t') out.emplace_back();
    return out;
}

std::string test_name(const std::string& path, std::set<std::string>& taken) {
    std::string n;
    for (char c : path) n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    std::string unique = n;
    for (int i = 2; taken.count(unique); ++i) unique = n + "_" + std::to_string(i);
    taken.insert(unique);
    return unique;
}

template <typename T>
std::optional<T> number(const std::string& s) {
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return std::nullopt;
    return static_cast<T>(std::stoull(s));
}

std::vector<Row> load_rows() {
    std::ifstream f(kCorpus + "/expected.tsv");
    if (!f) return {Row{"corpus_not_present", "", "", "", "", {}, {}, {}}};
    std::string line;
    std::getline(f, line);
    const std::vector<std::string> header = split_tabs(line);
    auto col = [&](const char* name) {
        return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    const size_t c_path = col("path"), c_format = col("format"), c_expect = col("expect"), c_frames = col("frames"),
                 c_rate = col("rate"), c_channels = col("channels"), c_md5 = col("md5_s16_pcm");
    std::vector<Row> rows;
    std::set<std::string> taken;
    while (std::getline(f, line)) {
        if (line.empty()) continue;
        std::vector<std::string> cells = split_tabs(line);
        cells.resize(header.size());
        Row r;
        r.path = cells[c_path];
        r.name = test_name(r.path, taken);
        r.format = cells[c_format];
        r.expect = cells[c_expect];
        r.md5 = cells[c_md5];
        r.frames = number<uint64_t>(cells[c_frames]);
        r.rate = number<uint32_t>(cells[c_rate]);
        r.channels = number<uint32_t>(cells[c_channels]);
        if (auto e = kErrata.find(r.path); e != kErrata.end()) {
            if (!e->second.md5.empty()) r.md5 = e->second.md5;
            if (e->second.frames) r.frames = e->second.frames;
            if (e->second.rate) r.rate = e->second.rate;
            if (e->second.channels) r.channels = e->second.channels;
            if (!e->second.expect.empty()) r.expect = e->second.expect;
            r.erratum = e->second.why;
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

// Frames a decoder may legitimately differ by: none for lossless formats, one
// codec frame for lossy ones (decoder delay and padding are handled differently).
uint64_t frame_slack(const Row& r) {
    const std::string& f = r.format;
    if (f == "wav" || f == "flac") return 0;
    if (f == "mpeg-audio-mp1") return 384;
    if (f.rfind("mpeg-audio", 0) == 0) return 1152;
    if (f == "ogg-vorbis") return 2048;
    if (f == "ogg-opus") return 960 * uint64_t{r.rate.value_or(48000)} / 48000 + 1;
    return 2048;
}

// Sanitizer builds report into the child's stderr; any report fails the row.
void expect_no_sanitizer_report(const std::string& err) {
    for (const char* mark : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"})
        EXPECT_EQ(err.find(mark), std::string::npos) << "sanitizer report:\n" << err;
}

struct DumpInfo {
    int status = -1;
    std::string err;
    std::map<std::string, std::string> fields;
    uint64_t num(const std::string& k) const { return std::stoull(fields.at(k)); }
};

DumpInfo dump_info(const std::string& file, double timeout) {
    const test::RunResult r = test::run({SIMVX_DUMP_BIN, "--info", file}, {}, timeout);
    expect_no_sanitizer_report(r.err);
    DumpInfo d;
    d.status = r.status;
    d.err = r.err;
    std::istringstream s(r.out);
    std::string line;
    while (std::getline(s, line))
        if (auto eq = line.find('='); eq != std::string::npos) d.fields[line.substr(0, eq)] = line.substr(eq + 1);
    return d;
}

std::string md5_of(const std::string& data) {
    const test::RunResult r = test::run({"md5sum"}, data);
    return r.out.substr(0, r.out.find(' '));
}

bool cli_can_render() {
    static const bool yes = [] {
        const test::RunResult r = test::run({test::bin(), "--help"}, {}, 10);
        return r.status == 0 && (r.out + r.err).find("--render") != std::string::npos;
    }();
    return yes;
}

class CorpusFile : public ::testing::TestWithParam<Row> {
protected:
    void SetUp() override {
        if (GetParam().path.empty()) GTEST_SKIP() << "corpus folder not present: " << kCorpus;
        file_ = kCorpus + "/" + GetParam().path;
        RecordProperty("corpus_file", GetParam().path);
    }
    std::string file_;
};

void PrintTo(const Row& r, std::ostream* os) { *os << r.path << " (" << r.expect << ")"; }

// ---- decoding: frames, format and PCM checksum -----------------------------------------

void check_ok_decode(const Row& r, const std::string& file) {
    const DumpInfo d = dump_info(file, kPlaySeconds);
    ASSERT_EQ(d.status, 0) << d.err;
    if (r.rate) {
        EXPECT_EQ(d.num("rate"), *r.rate);
    }
    if (r.channels) {
        EXPECT_EQ(d.num("channels"), *r.channels);
    }
    if (r.frames) {
        const uint64_t got = d.num("frames"), slack = frame_slack(r);
        EXPECT_LE(got, *r.frames + slack) << "format " << d.fields.at("format");
        EXPECT_GE(got + slack, *r.frames) << "format " << d.fields.at("format");
    }
    if (r.md5.empty()) return;
    std::string want = r.md5;
    if (!r.erratum.empty()) ::testing::Test::RecordProperty("erratum", r.erratum);
    const test::RunResult pcm = test::run({SIMVX_DUMP_BIN, "--s16", file}, {}, kPlaySeconds);
    expect_no_sanitizer_report(pcm.err);
    ASSERT_EQ(pcm.status, 0) << pcm.err;
    EXPECT_EQ(md5_of(pcm.out), want) << "s16 PCM differs from the reference decode (" << pcm.out.size() << " bytes)";
}

void check_either_decode(const Row& r, const std::string& file) {
    const DumpInfo d = dump_info(file, kPromptSeconds);
    ASSERT_NE(d.status, 124) << "decoding did not end within " << kPromptSeconds << " s";
    ASSERT_LT(d.status, 128) << "decoder crashed: " << d.err;
    if (d.status != 0) {
        EXPECT_FALSE(d.err.empty()) << "refused without a message";
        return;
    }
    if (r.frames) {
        EXPECT_LE(d.num("frames"), *r.frames + frame_slack(r));
    }
}

TEST_P(CorpusFile, Decode) {
    const Row& r = GetParam();
    if (r.expect == "ok") {
        check_ok_decode(r, file_);
    } else if (r.expect == "either") {
        check_either_decode(r, file_);
    } else {
        // The player's verdict is what counts for rejects (Render); the decoder
        // alone must still end promptly, without a crash.
        const DumpInfo d = dump_info(file_, kPromptSeconds);
        EXPECT_NE(d.status, 124) << "decoding did not end within " << kPromptSeconds << " s";
        EXPECT_LT(d.status, 128) << "decoder crashed: " << d.err;
    }
}

// ---- the player: simvxplay FILE --render OUT.wav ----------------------------------------

test::RunResult render(const std::string& file, const std::string& out, std::optional<uint32_t> rate, double timeout) {
    std::vector<std::string> argv = {test::bin(), file, "--render", out};
    if (rate) {
        argv.push_back("--sample-rate");
        argv.push_back(std::to_string(*rate));
    }
    test::RunResult r = test::run(argv, {}, timeout);
    expect_no_sanitizer_report(r.err);
    return r;
}

std::optional<uint64_t> wav_frames(const std::string& path) {
    const test::RunResult r = test::run({"soxi", "-s", path});
    if (r.status != 0) return std::nullopt;
    return std::stoull(r.out);
}

void check_ok_render(const Row& r, const std::string& file, const std::string& out) {
    if (!r.rate || *r.rate < 8000 || *r.rate > 192000) GTEST_SKIP() << "rate outside 8000..192000";
    const test::RunResult res = render(file, out, r.rate, kPlaySeconds);
    ASSERT_EQ(res.status, 0) << res.err;
    const auto frames = wav_frames(out);
    ASSERT_TRUE(frames.has_value()) << "no readable WAV written";
    if (r.frames) {
        const uint64_t slack = frame_slack(r);
        EXPECT_LE(*frames, *r.frames + slack);
        EXPECT_GE(*frames + slack, *r.frames);
    }
}

void check_reject_render(const Row& r, const std::string& file, const std::string& out) {
    const test::RunResult res = render(file, out, std::nullopt, kPromptSeconds);
    ASSERT_NE(res.status, 124) << "did not end within " << kPromptSeconds << " s";
    ASSERT_LT(res.status, 128) << "crashed: " << res.err;
    EXPECT_EQ(res.status, 3) << "expected exit code 3 (bad input); stderr: " << res.err;
    EXPECT_NE(res.err.find(fs::path(r.path).filename().string()), std::string::npos)
        << "the error does not name the file: " << res.err;
    EXPECT_FALSE(fs::exists(out)) << "an output file was left behind";
}

void check_either_render(const Row& r, const std::string& file, const std::string& out) {
    const test::RunResult res = render(file, out, std::nullopt, kPromptSeconds);
    ASSERT_NE(res.status, 124) << "did not end within " << kPromptSeconds << " s";
    ASSERT_LT(res.status, 128) << "crashed: " << res.err;
    EXPECT_TRUE(res.status == 0 || res.status == 3) << "exit " << res.status << ": " << res.err;
    if (res.status != 0 || !r.frames) return;
    const DumpInfo d = dump_info(file, kPromptSeconds);
    if (d.status == 0) {
        EXPECT_LE(d.num("frames"), *r.frames + frame_slack(r));
    }
}

TEST_P(CorpusFile, Render) {
    if (!cli_can_render()) GTEST_FAIL() << test::bin() << " --help shows no --render yet";
    const Row& r = GetParam();
    test::TempDir dir;
    const std::string out = dir / "out.wav";
    if (r.expect == "ok") {
        check_ok_render(r, file_, out);
    } else if (r.expect == "reject") {
        check_reject_render(r, file_, out);
    } else {
        check_either_render(r, file_, out);
    }
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusFile, ::testing::ValuesIn(load_rows()),
                         [](const ::testing::TestParamInfo<Row>& p) { return p.param.name; });

}  // namespace
}  // namespace simvx
