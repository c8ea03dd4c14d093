// Faults a render must survive: a full disk, signals of every kind, and
// inputs at scale. What is on disk afterwards is either the untouched old
// target or a complete, valid WAV (checked by parsing it); memory stays
// bounded (peak RSS measured with /usr/bin/time and reported).
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <chrono>
#include <cmath>
#include <iostream>
#include <regex>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

namespace fs = std::filesystem;

// AddressSanitizer's shadow memory and quarantine come on top of what the
// program holds: the memory bounds are checked in the plain build.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMeasuresMemory = false;
#else
constexpr bool kMeasuresMemory = true;
#endif

class Faults : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& n) const { return dir / n; }
    void SetUp() override { sh("sox -n -r 8000 -c 1 -b 16 " + at("tone.wav") + " synth 1 sine 300 vol 0.5"); }

    // Runs simvxplay under /usr/bin/time; the peak RSS in MB.
    double peak_rss_mb(const std::vector<std::string>& args, RunResult* result = nullptr) {
        std::vector<std::string> argv = {"/usr/bin/time", "-f", "maxrss_kb=%M", bin()};
        argv.insert(argv.end(), args.begin(), args.end());
        RunResult r = run(argv, {}, 300);
        if (result) *result = r;
        const auto k = r.err.rfind("maxrss_kb=");
        EXPECT_NE(k, std::string::npos) << r.err;
        return k == std::string::npos ? 0 : std::stod(r.err.substr(k + 10)) / 1024;
    }
};

// The frames a WAV file's header announces, and whether that matches the
// bytes that follow (a complete file, not one cut short or claiming more).
struct ParsedWav {
    bool valid = false;
    uint64_t data_bytes = 0;
};
ParsedWav parse_wav(const std::string& bytes) {
    ParsedWav w;
    if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) return w;
    size_t at = 12;
    while (at + 8 <= bytes.size()) {
        uint32_t size = 0;
        std::memcpy(&size, bytes.data() + at + 4, 4);
        if (bytes.compare(at, 4, "data") == 0) {
            w.data_bytes = size;
            w.valid = at + 8 + size <= bytes.size() && bytes.size() - (at + 8 + size) <= 1;  // a pad byte at most
            return w;
        }
        at += 8 + size + (size & 1);
    }
    return w;
}

// The partial files of `out.wav` in the test folder.
std::vector<std::string> partials_of(const fs::path& dir, const std::string& name) {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind("." + name + ".partial-", 0) == 0) found.push_back(e.path());
    return found;
}

void wait_for_bytes(const std::function<std::uintmax_t()>& bytes, std::uintmax_t at_least) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (bytes() < at_least && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

TEST_F(Faults, AFullDiskIsAClearErrorAndLeavesNothingBehind) {
    const std::string mnt = at("small-disk");
    fs::create_directory(mnt);
    if (geteuid() != 0 || ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") != 0)
        GTEST_SKIP() << "cannot mount a 1 MB tmpfs here (" << std::strerror(errno) << "): the full-disk case needs root";
    struct Unmount {
        std::string path;
        ~Unmount() { ::umount(path.c_str()); }
    } unmount{mnt};
    // A minute of 8 kHz mono s16 is 960 kB: more than fits beside the header
    // once the disk also holds the old target.
    write_file(mnt + "/o.wav", "EXISTING");
    for (const char* format : {"s16", "f32"}) {
        RunResult r = simvx({at("tone.wav"), "--loop", "--duration", "120", "--render-format", format, "--render",
                             mnt + "/o.wav"});
        EXPECT_EQ(r.status, 5) << r.err;
        EXPECT_NE(r.err.find(mnt + "/o.wav: write failed: No space left on device"), std::string::npos) << r.err;
        EXPECT_EQ(read_file(mnt + "/o.wav"), "EXISTING");  // the old target, untouched
        size_t entries = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(mnt)) ++entries;
        EXPECT_EQ(entries, 1u) << "a partial file was left behind";
    }
}

// SIGINT and SIGTERM finalize a valid WAV of what was rendered; SIGKILL
// leaves the old target as it was.
TEST_F(Faults, SignalsDuringARenderLeaveAValidWavOrTheOldTarget) {
    for (const int sig : {SIGINT, SIGTERM, SIGKILL}) {
        write_file(at("out.wav"), "OLD");
        Child render({bin(), at("tone.wav"), "--loop", "--duration", "36000", "--render", at("out.wav")});
        // Under way: its partial file has grown.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        auto partial_bytes = [&] {
            for (const auto& e : fs::directory_iterator(dir.path()))
                if (e.path().filename().string().rfind(".out.wav.partial-", 0) == 0) return fs::file_size(e.path());
            return std::uintmax_t{0};
        };
        while (partial_bytes() < 64 * 1024 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const int status = render.stop(sig, 20);
        const std::string bytes = read_file(at("out.wav"));
        if (sig == SIGKILL) {
            EXPECT_EQ(status, 128 + SIGKILL);
            EXPECT_EQ(bytes, "OLD");
            continue;
        }
        EXPECT_EQ(status, 128 + sig);
        const ParsedWav w = parse_wav(bytes);
        EXPECT_TRUE(w.valid) << "signal " << sig;
        EXPECT_GT(w.data_bytes, 64u * 1024) << "signal " << sig;
        EXPECT_EQ(soxi("-s", at("out.wav")), static_cast<long>(w.data_bytes / 2));
    }
}

// At scale: 1,000 sounds, a chain of 200 buses, six hours of a looped
// sound. Each renders what it should in bounded memory.
TEST_F(Faults, LargeScenesAndLongRendersStayInBoundedMemory) {
    std::string many = "version = 1\n[engine]\nsample_rate = 8000\nchannels = 1\n";
    for (int i = 0; i < 1000; ++i)
        many += "[[sound]]\nname = \"s" + std::to_string(i) + "\"\nfile = \"tone.wav\"\nstart = " +
                std::to_string(i * 0.01) + "\nvolume_db = -60\n";
    write_file(at("many.toml"), many);
    RunResult r;
    const double many_mb = peak_rss_mb({at("many.toml"), "--render", at("many.wav")}, &r);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(soxi("-s", at("many.wav")), 8000 * 10 + 8000 - 80);  // the last starts at 9.99 s and lasts 1 s
    std::cout << "1,000 sounds: peak RSS " << many_mb << " MB\n";
    if (kMeasuresMemory) {
        EXPECT_LT(many_mb, 200);
    }

    std::string chain = "version = 1\n[engine]\nsample_rate = 8000\nchannels = 1\n";
    for (int i = 0; i < 200; ++i)
        chain += "[[bus]]\nname = \"b" + std::to_string(i) + "\"\nsend_to = \"" +
                 (i == 0 ? std::string("Master") : "b" + std::to_string(i - 1)) + "\"\nvolume_db = -0.05\n";
    chain += "[[sound]]\nfile = \"tone.wav\"\nbus = \"b199\"\n";
    write_file(at("chain.toml"), chain);
    const double chain_mb = peak_rss_mb({at("chain.toml"), "--render", at("chain.wav"), "--render-format", "f32"}, &r);
    ASSERT_EQ(r.status, 0) << r.err;
    const Pcm out = sox_read(at("chain.wav"));
    // 200 buses at -0.05 dB each: -10 dB in all, on a -6 dB tone.
    EXPECT_NEAR(rms_db(std::span<const float>(out.samples).subspan(800, 6400)), 20 * std::log10(0.5 / std::sqrt(2.0)) - 10,
                0.05);
    std::cout << "200-bus chain: peak RSS " << chain_mb << " MB\n";
    if (kMeasuresMemory) {
        EXPECT_LT(chain_mb, 100);
    }

    // --check of 1,000 streamed sounds, each its own file: each is opened to
    // learn its format and length, then closed; no stream is set up.
    sh("sox -n -r 44100 -c 2 -b 16 " + at("long.flac") + " synth 30 sine 300 vol 0.5");
    std::string streamed = "version = 1\n";
    for (int i = 0; i < 1000; ++i) {
        const std::string file = "long" + std::to_string(i) + ".flac";
        fs::create_symlink(at("long.flac"), at(file));
        streamed += "[[sound]]\nfile = \"" + file + "\"\nstream = true\nstart = " + std::to_string(i * 0.01) + "\n";
    }
    write_file(at("streamed.toml"), streamed);
    const double check_mb = peak_rss_mb({at("streamed.toml"), "--check"}, &r);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("long999.flac: FLAC, 44100 Hz, 2 ch, 0:30.0, streamed from disk"), std::string::npos) << r.out.substr(0, 2000);
    EXPECT_NE(r.out.find("sound long999.flac: starts 0:09.9, ends 0:39.9"), std::string::npos) << r.out.substr(r.out.size() - 2000);
    std::cout << "--check of 1,000 streamed sounds: peak RSS " << check_mb << " MB\n";
    if (kMeasuresMemory) {
        EXPECT_LT(check_mb, 50);
    }

    // --stats keeps its loudness history in histograms: an hour costs no more than a minute.
    const double stats_minute_mb =
        peak_rss_mb({at("tone.wav"), "--loop", "--duration", "60", "--render", "/dev/null", "--stats"}, &r);
    ASSERT_EQ(r.status, 0) << r.err;
    const double stats_hour_mb =
        peak_rss_mb({at("tone.wav"), "--loop", "--duration", "3600", "--render", "/dev/null", "--stats"}, &r);
    ASSERT_EQ(r.status, 0) << r.err;
    // Measured to the end, and exactly: a steady tone's integrated loudness is its short-term loudness.
    // (sox's sine starts at 0.0124, not 0, so each loop's seam steps a little and
    // rings: the true peak reads up to 0.006 dB over the samples' -6.02.)
    EXPECT_TRUE(std::regex_search(r.err, std::regex("-6\\.02 +-6\\.0[12] +-9\\.60 +0\\.00 +-9\\.60 +0\\n"))) << r.err;
    std::cout << "--stats: peak RSS " << stats_minute_mb << " MB for a minute, " << stats_hour_mb << " MB for an hour\n";
    EXPECT_LT(stats_hour_mb, stats_minute_mb + 1.0);

    const double long_mb = peak_rss_mb({at("tone.wav"), "--loop", "--duration", "21600", "--render", "/dev/null"}, &r);
    ASSERT_EQ(r.status, 0) << r.err;
    std::cout << "six hours looped: peak RSS " << long_mb << " MB\n";
    if (kMeasuresMemory) {
        EXPECT_LT(long_mb, 60);
    }
}

// A repeating sound holds a voice for each trigger, built before the render
// starts: what one costs decides how long an ambience can run. Pitched
// triggers (each with its pitch stage), 500 against 10,500: the 10,000 more
// cost under 6 kB each. Every burst plays: the level is the bursts' duty cycle.
TEST_F(Faults, EachScheduledTriggerCostsAFewKilobytes) {
    // 20 ms of a 1 kHz sine at -6 dBFS, every 50 ms.
    sh("sox -n -r 8000 -c 1 -b 16 " + at("burst.wav") + " synth 0.02 sine 1000 vol 0.5");
    auto scene = [&](int count) {
        const std::string path = at("ticks" + std::to_string(count) + ".toml");
        write_file(path, "version = 1\n[engine]\nsample_rate = 8000\nchannels = 1\nseed = 5\nduration = " +
                             std::to_string(count / 20) + "\n[[sound]]\nname = \"tick\"\nfile = \"burst.wav\"\n"
                             "repeat = { every = 0.05, count = " + std::to_string(count) + " }\n"
                             "pitch = { random = [0.995, 1.005] }\n");
        return path;
    };
    RunResult r;
    const double few_mb = peak_rss_mb({scene(500), "--render", at("few.wav"), "--render-format", "f32"}, &r);
    ASSERT_EQ(r.status, 0) << r.err;
    const double many_mb = peak_rss_mb({scene(10500), "--render", at("many.wav"), "--render-format", "f32"}, &r);
    ASSERT_EQ(r.status, 0) << r.err;
    const Pcm out = sox_read(at("many.wav"));
    ASSERT_EQ(out.samples.size(), 8000u * 525);
    // A sine of amplitude 0.5 for 0.4 of the time (the pitch moves each burst's length by 0.5% at most).
    EXPECT_NEAR(rms_db(out.samples), 20 * std::log10(0.5 / std::sqrt(2.0) * std::sqrt(0.4)), 0.03);
    const double per_trigger_kb = (many_mb - few_mb) * 1024 / 10000;
    std::cout << "10,000 pitched triggers: " << per_trigger_kb << " kB each (peak RSS " << few_mb << " MB for 500, "
              << many_mb << " MB for 10,500)\n";
    if (kMeasuresMemory) {
        EXPECT_LT(per_trigger_kb, 6.0);
    }
}

}  // namespace
}  // namespace simvx::test

namespace simvx::test {
namespace {

// SIGINT while rendering into a pipe: the header never claims more than the
// stream holds (the streaming placeholders), and ffmpeg reads every frame.
TEST_F(Faults, SigintIntoAPipeLeavesAHeaderThatClaimsNothing) {
    const std::string fifo = at("fifo"), out = at("piped.wav");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    Child reader({"sh", "-c", "cat " + fifo + " > " + out});
    Child render({"sh", "-c", "exec " + bin() + " " + at("tone.wav") + " --loop --duration 36000 --render - > " + fifo});
    wait_for_bytes([&] { return fs::exists(out) ? fs::file_size(out) : 0; }, 64 * 1024);
    EXPECT_EQ(render.stop(SIGINT, 20), 128 + SIGINT);
    for (int i = 0; i < 500 && reader.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::string bytes = read_file(out);
    ASSERT_GT(bytes.size(), 64u * 1024);
    uint32_t riff = 0, data = 0;
    std::memcpy(&riff, bytes.data() + 4, 4);
    std::memcpy(&data, bytes.data() + 42, 4);
    EXPECT_EQ(riff, 0xFFFFFFFFu);
    EXPECT_EQ(data, 0xFFFFFFFFu);
    EXPECT_EQ(bytes.compare(38, 4, "data"), 0);
    EXPECT_EQ((bytes.size() - 46) % 2, 0u) << "whole frames only";
    const RunResult f = run({"sh", "-c", "ffmpeg -v error -i " + out + " -f s16le - | wc -c"});
    EXPECT_EQ(f.out, std::to_string(bytes.size() - 46) + "\n");
}

// SIGKILL leaves a partial file; the next render of the same target removes
// it and says so. A partial whose writer is still alive (stopped here, so its
// file ages) is left alone.
TEST_F(Faults, StalePartialsAreRemovedAndLiveOnesKept) {
    {
        Child killed({bin(), at("tone.wav"), "--loop", "--duration", "36000", "--render", at("out.wav")});
        wait_for_bytes([&] { auto p = partials_of(dir.path(), "out.wav"); return p.empty() ? 0 : fs::file_size(p[0]); }, 64 * 1024);
        EXPECT_EQ(killed.stop(SIGKILL, 5), 128 + SIGKILL);
    }
    ASSERT_EQ(partials_of(dir.path(), "out.wav").size(), 1u);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // older than any run that is only starting
    RunResult r = simvx({at("tone.wav"), "--render", at("out.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("removed 1 partial file"), std::string::npos) << r.err;
    EXPECT_TRUE(partials_of(dir.path(), "out.wav").empty());
    EXPECT_EQ(soxi("-s", at("out.wav")), 8000);
    // A partial of another name is none of our business.
    write_file(at(".other.wav.partial-abcdef"), "x");

    Child alive({bin(), at("tone.wav"), "--loop", "--duration", "36000", "--render", at("out.wav")});
    wait_for_bytes([&] { auto p = partials_of(dir.path(), "out.wav"); return p.empty() ? 0 : fs::file_size(p[0]); }, 64 * 1024);
    ::kill(alive.pid(), SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    r = simvx({at("tone.wav"), "--render", at("out.wav")});
    ::kill(alive.pid(), SIGCONT);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err.find("removed"), std::string::npos) << r.err;
    EXPECT_EQ(partials_of(dir.path(), "out.wav").size(), 1u) << "the live writer's file stays";
    EXPECT_TRUE(fs::exists(at(".other.wav.partial-abcdef")));
    EXPECT_EQ(alive.stop(SIGINT, 20), 128 + SIGINT);
    EXPECT_TRUE(partials_of(dir.path(), "out.wav").empty());
    EXPECT_GT(soxi("-s", at("out.wav")), 8000) << "the interrupted run finished its file";
}

}  // namespace
}  // namespace simvx::test
