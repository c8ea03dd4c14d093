// --render end to end: the binary, real files made with sox, and the output
// read back by sox (an independent reader).
#include <gtest/gtest.h>

#include <cmath>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "core/time_format.hpp"
#include "cli_support.hpp"

namespace simvx::test {
namespace {

namespace fs = std::filesystem;

uint32_t le32(const std::string& b, size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b.at(at + static_cast<size_t>(i)));
    return v;
}

// A shell pipeline's standard output (for the independent tools' views).
std::string sh_out(const std::string& command) { return run({"sh", "-c", command}).out; }

class Render : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& name) const { return dir / name; }
    // Uniform noise from sox: every bit of every sample is exercised.
    std::string noise(const std::string& name, const std::string& fmt_args, double seconds = 1.0) {
        sh("sox -R -n " + fmt_args + " " + at(name) + " synth " + std::to_string(seconds) + " whitenoise vol 0.7");
        return at(name);
    }
    size_t files_in_dir() const {
        return static_cast<size_t>(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()));
    }
};

TEST_F(Render, IdentityS16IsBitExact) {
    const auto in = noise("in.wav", "-r 48000 -c 2 -b 16 -e signed-integer");
    RunResult r = simvx({in, "--render", at("out.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(soxi("-r", at("out.wav")), 48000);
    EXPECT_EQ(soxi("-c", at("out.wav")), 2);
    EXPECT_EQ(raw_samples(at("out.wav"), "s16"), raw_samples(in, "s16"));
}

TEST_F(Render, IdentityF32IsBitExact) {
    Pcm p = interleave({sine(997, 44100, 44100, 0.9), sine(3001, 44100, 44100, 0.3)}, 44100);
    for (size_t i = 0; i < p.samples.size(); i += 7) p.samples[i] *= 0.123456789f;  // irregular values
    write_wav(at("in.wav"), p, WavFormat::f32);
    RunResult r = simvx({at("in.wav"), "--render", at("out.wav"), "--render-format", "f32"});
    ASSERT_EQ(r.status, 0) << r.err;
    const WavData in = read_wav_data(at("in.wav")), out = read_wav_data(at("out.wav"));
    EXPECT_EQ(out.tag, 3);
    EXPECT_EQ(out.rate, 44100u);
    EXPECT_EQ(out.data, in.data);  // byte for byte
}

TEST_F(Render, IdentityS24AndMonoStaysMono) {
    const auto in = noise("in.wav", "-r 96000 -c 1 -b 24 -e signed-integer");
    RunResult r = simvx({in, "--render", at("out.wav"), "--render-format", "s24"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(soxi("-c", at("out.wav")), 1);
    EXPECT_EQ(soxi("-r", at("out.wav")), 96000);
    EXPECT_EQ(raw_samples(at("out.wav"), "s32"), raw_samples(in, "s32"));
}

TEST_F(Render, SameCommandSameBytes) {
    const auto a = noise("a.wav", "-r 44100 -c 2 -b 16");
    const auto b = noise("b.wav", "-r 22050 -c 1 -b 16");
    for (const char* out : {"1.wav", "2.wav"}) {
        RunResult r = simvx({a, b, "--mix", "--sample-rate", "48000", "--volume-db", "-3", "--render", at(out)});
        ASSERT_EQ(r.status, 0) << r.err;
    }
    EXPECT_EQ(read_file(at("1.wav")), read_file(at("2.wav")));
}

TEST_F(Render, ResampledToneStaysPure) {
    write_wav(at("tone.wav"), interleave({sine(1000, 44100, 3 * 44100, 0.5)}, 44100), WavFormat::s24);
    RunResult r = simvx({at("tone.wav"), "--sample-rate", "48000", "--render-format", "f32", "--render", at("out.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    Pcm out = sox_read(at("out.wav"));
    ASSERT_EQ(out.rate, 48000u);
    ASSERT_EQ(out.frames(), 144000u);
    std::span<const float> mid(out.samples.data() + 9600, 124800);
    EXPECT_NEAR(peak_frequency(mid, 48000), 1000.0, 0.1);
    // s24 input carries its own quantization noise at about -144 dBFS per bin; the converter must add
    // nothing above -110 dBFS.
    EXPECT_LT(worst_spurious_db(mid, 48000, {1000.0}, 60.0), -110.0);
}

TEST_F(Render, PlaylistIsGapless) {
    sh("sox -R -n -r 48000 -c 2 -b 16 " + at("whole.wav") + " synth 2 sine 440 sine 660 vol 0.5");
    sh("sox " + at("whole.wav") + " " + at("p1.wav") + " trim 0 0.7317");
    sh("sox " + at("whole.wav") + " " + at("p2.wav") + " trim 0.7317");
    RunResult r = simvx({at("p1.wav"), at("p2.wav"), "--render", at("out.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(raw_samples(at("out.wav"), "s16"), raw_samples(at("whole.wav"), "s16"));
}

TEST_F(Render, MixLayersAndStartAtSkips) {
    write_wav(at("a.wav"), interleave({std::vector<float>(48000, 0.25f)}, 48000), WavFormat::f32);
    write_wav(at("b.wav"), interleave({std::vector<float>(24000, 0.125f)}, 48000), WavFormat::f32);
    RunResult r = simvx({at("a.wav"), at("b.wav"), "--mix", "--render-format", "f32", "--render", at("mix.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    Pcm m = sox_read(at("mix.wav"));
    ASSERT_EQ(m.frames(), 48000u);
    EXPECT_FLOAT_EQ(m.samples[100], 0.375f);
    EXPECT_FLOAT_EQ(m.samples[30000], 0.25f);
    r = simvx({at("a.wav"), at("b.wav"), "--start-at", "0.25", "--render-format", "f32", "--render", at("skip.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    Pcm s = sox_read(at("skip.wav"));
    EXPECT_EQ(s.frames(), 72000u - 12000u);  // playlist of 1.5 s, skipping 0.25 s
    EXPECT_FLOAT_EQ(s.samples[0], 0.25f);
    EXPECT_FLOAT_EQ(s.samples[36000 + 10], 0.125f);
}

TEST_F(Render, VolumeAndDuration) {
    write_wav(at("a.wav"), interleave({std::vector<float>(48000, 0.5f)}, 48000), WavFormat::f32);
    RunResult r = simvx({at("a.wav"), "--volume-db", "-6.0206", "--duration", "0.5", "--render-format", "f32",
                         "--render", at("out.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    Pcm p = sox_read(at("out.wav"));
    EXPECT_EQ(p.frames(), 24000u);
    EXPECT_NEAR(p.samples[20000], 0.25, 1e-5);
    r = simvx({at("a.wav"), "--loop", "--duration", "2.5", "--render", at("loop.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(soxi("-s", at("loop.wav")), 120000);
}

TEST_F(Render, ToStandardOutputMatchesTheFile) {
    const auto in = noise("in.wav", "-r 48000 -c 2 -b 16", 0.5);
    RunResult f = simvx({in, "--render", at("out.wav")});
    RunResult p = simvx({in, "--render", "-"});
    ASSERT_EQ(f.status, 0) << f.err;
    ASSERT_EQ(p.status, 0) << p.err;
    const std::string file = read_file(at("out.wav"));
    // A plain RIFF file with exact sizes, no JUNK chunk (the length was known, it
    // could not pass 4 GiB): fmt (18 bytes) follows WAVE at once, then data.
    ASSERT_EQ(file.size(), 46u + 4u * 24000);
    EXPECT_EQ(file.substr(12, 4), "fmt ");
    EXPECT_EQ(file.substr(38, 4), "data");
    EXPECT_EQ(le32(file, 4), file.size() - 8);
    EXPECT_EQ(le32(file, 42), 4u * 24000);
    // A pipe gets the same bytes but the streaming placeholders for the sizes
    // (a render cut short must not claim more than it holds).
    ASSERT_EQ(p.out.size(), file.size());
    EXPECT_EQ(le32(p.out, 4), 0xFFFFFFFFu);
    EXPECT_EQ(le32(p.out, 42), 0xFFFFFFFFu);
    EXPECT_EQ(p.out.substr(8, 34), file.substr(8, 34));
    EXPECT_EQ(p.out.substr(46), file.substr(46));
    // ... which readers take up to the end of the stream.
    write_file(at("piped.wav"), p.out);
    EXPECT_EQ(sh_out("ffmpeg -v error -i " + at("piped.wav") + " -f s16le - | wc -c"), std::to_string(4 * 24000) + "\n");
}

// flac, sox and ffmpeg take a render without a word: no JUNK for them to warn about.
TEST_F(Render, FlacEncodesARenderWithoutWarnings) {
    const auto in = noise("in.wav", "-r 44100 -c 2 -b 16", 0.3);
    ASSERT_EQ(simvx({in, "--render", at("out.wav")}).status, 0);
    const std::string log = sh_out("flac -f -o " + at("out.flac") + " " + at("out.wav") + " 2>&1");
    EXPECT_EQ(log.find("WARNING"), std::string::npos) << log;
    EXPECT_EQ(sh_out("tail -c +47 " + at("out.wav") + " > " + at("out.raw") + "; flac -s -d -c --force-raw-format --endian=little --sign=signed " +
                     at("out.flac") + " | cmp - " + at("out.raw") + " && echo same"),
              "same\n");
}

TEST_F(Render, FailedRenderLeavesNoFileAndKeepsTheOldOne) {
    const auto good = noise("good.wav", "-r 48000 -c 2 -b 16", 0.2);
    write_file(at("bad.wav"), "RIFF\x10\0\0\0WAVEjunkjunk");
    write_file(at("out.wav"), "precious");
    const size_t before = files_in_dir();
    RunResult r = simvx({good, at("bad.wav"), "--render", at("out.wav")});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("bad.wav"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(at("out.wav")), "precious");
    EXPECT_EQ(files_in_dir(), before);  // no temporary left behind
    r = simvx({good, "--render", at("new.wav"), "--sample-rate", "7"});
    EXPECT_EQ(r.status, 2);
    EXPECT_FALSE(fs::exists(at("new.wav")));
}

TEST_F(Render, UnwritableOutputIsAnOutputError) {
    const auto good = noise("good.wav", "-r 48000 -c 2 -b 16", 0.2);
    RunResult r = simvx({good, "--render", at("no/such/dir/out.wav")});
    EXPECT_EQ(r.status, 5);
    EXPECT_NE(r.err.find("no/such/dir"), std::string::npos) << r.err;
    r = simvx({good, "--render", "/dev/full"});
    EXPECT_EQ(r.status, 5) << r.err;
}

TEST_F(Render, InterruptFinalizesAValidFadedWav) {
    sh("sox -n -r 8000 -c 1 -b 16 " + at("tone.wav") + " synth 1 sine 500 vol 0.5");  // small: the render runs flat out
    // A loop rendered for ten hours is stopped by SIGINT once it is under way
    // (its partial file has grown: on a loaded machine a fixed delay could
    // come before the signal handler was even installed).
    const std::string log = at("render.log");
    Child render({bin(), at("tone.wav"), "--loop", "--duration", "36000", "--render-format", "f32", "--render",
                  at("out.wav")},
                 log);
    auto partial_bytes = [&] {
        for (const auto& e : fs::directory_iterator(dir.path()))
            if (e.path().filename().string().rfind(".out.wav.partial-", 0) == 0) return fs::file_size(e.path());
        return std::uintmax_t{0};
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (partial_bytes() < 64 * 1024 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(render.stop(SIGINT, 20), 130) << read_file(log);
    ASSERT_TRUE(fs::exists(at("out.wav")));
    const long frames = soxi("-s", at("out.wav"));
    EXPECT_GT(frames, 800);
    EXPECT_LT(frames, 8000L * 36000);
    // It says what it kept.
    EXPECT_NE(read_file(log).find("interrupted: wrote " + format_time(static_cast<double>(frames) / 8000) +
                                  " of audio to " + at("out.wav")),
              std::string::npos)
        << read_file(log);
    // The header is complete and the end is a fade, not a cut: the last
    // samples fall to silence.
    RunResult tail = run({"sox", at("out.wav"), "-e", "floating-point", "-t", "f32", "-", "trim", "-200s"});
    ASSERT_EQ(tail.status, 0) << tail.err;
    const Pcm last = from_f32le(tail.out, 8000, 1);
    ASSERT_EQ(last.frames(), 200u);
    EXPECT_LT(std::fabs(last.samples.back()), 0.01);
    EXPECT_LT(max_step(last.samples), 0.5 * 2 * 3.1416 * 500 / 8000 * 1.01);  // no step beyond the sine's own
    EXPECT_EQ(fs::file_size(at("out.wav")) % 2, 0u);
}

// A playlist whose files differ plays at the highest rate and the widest
// layout among them, and says so once: a 96 kHz stereo tone at 30 kHz after
// a 22 kHz mono one keeps its rate and its channels.
TEST_F(Render, APlaylistTakesTheHighestRateAndWidestLayout) {
    sh("sox -n -r 22050 -c 1 -b 16 " + at("a.wav") + " synth 0.5 sine 300 vol 0.5");
    sh("sox -r 96000 -c 2 -n -b 24 " + at("b.flac") + " synth 0.5 sine 30000 vol 0.5 remix 1 0");  // synthesized at 96 kHz
    RunResult r = simvx({at("a.wav"), at("b.flac"), "--render", at("out.wav"), "--render-format", "f32"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("the files differ (22050 Hz mono, 96000 Hz stereo): playing at 96000 Hz stereo"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    const Pcm out = sox_read(at("out.wav"));
    ASSERT_EQ(out.rate, 96000u);
    ASSERT_EQ(out.channels, 2u);
    EXPECT_EQ(out.frames(), 96000u);
    const auto left = out.channel(0), right = out.channel(1);
    const std::span<const float> second_left(left.data() + 48000 + 4800, 38400), second_right(right.data() + 48000 + 4800, 38400);
    EXPECT_NEAR(peak_frequency(second_left, 96000), 30000.0, 3.0);
    EXPECT_NEAR(rms_db(second_left), 20 * std::log10(0.5 / std::sqrt(2.0)), 0.1);
    EXPECT_LT(rms_db(second_right), -100);  // the right channel stays its own (silent), not a downmix
    // Chosen by the user: no note.
    r = simvx({at("a.wav"), at("b.flac"), "--sample-rate", "48000", "--render", at("out.wav")});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err.find("differ"), std::string::npos) << r.err;
}

// A closed output pipe ends the run quietly with the shell's convention
// (141 = 128 + SIGPIPE), as `sox ... - | head` would; so does --json when
// its reader leaves, without playing on to the end.
TEST_F(Render, AClosedOutputPipeEndsQuietlyWith141) {
    sh("sox -n -r 8000 -c 1 -b 16 " + at("tone.wav") + " synth 1 sine 500 vol 0.5");
    RunResult r = run({"bash", "-c",
                       bin() + " " + at("tone.wav") + " --loop --duration 3600 --render - 2>" + at("err.txt") +
                           " | head -c 1000 >/dev/null; echo ${PIPESTATUS[0]}"});
    EXPECT_EQ(r.out, "141\n");
    EXPECT_EQ(read_file(at("err.txt")), "");
    r = run({"bash", "-c",
             bin() + " " + at("tone.wav") + " --loop --duration 30 --null --json 2>" + at("err.txt") +
                 " | head -n 2 | wc -l; echo ${PIPESTATUS[0]}"});
    EXPECT_EQ(r.out, "2\n141\n");
    EXPECT_LT(r.seconds, 15.0);  // not the 30 s it would play: it stopped when its reader left
    EXPECT_EQ(read_file(at("err.txt")), "");
}

TEST_F(Render, RenderToATerminalIsRefused) {
    if (!have_tool("script")) GTEST_SKIP() << "script (util-linux) is needed to give the binary a terminal";
    sh("sox -n -r 8000 -c 1 -b 16 " + at("tone.wav") + " synth 0.1 sine 500");
    const RunResult r = run({"script", "-qec", bin() + " " + at("tone.wav") + " --render -", "/dev/null"});
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("--render -: standard output is a terminal"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("RIFF"), std::string::npos);
}

TEST_F(Render, LoopWithoutDurationCannotBeRendered) {
    const auto in = noise("in.wav", "-r 48000 -c 2 -b 16", 0.1);
    RunResult r = simvx({in, "--loop", "--render", at("out.wav")});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--duration"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(at("out.wav")));
}

TEST_F(Render, NullOutputRunsInRealTime) {
    const auto in = noise("in.wav", "-r 48000 -c 2 -b 16", 0.6);
    RunResult r = simvx({in, "--null"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_GT(r.seconds, 0.55);
    EXPECT_LT(r.seconds, 3.0);
}

}  // namespace
}  // namespace simvx::test

namespace simvx::test {
namespace {

// --raw: the render's samples alone, the same bytes as the WAV's data chunk.
TEST_F(Render, RawIsTheWavWithoutItsHeader) {
    const auto in = noise("in.wav", "-r 44100 -c 2 -b 16", 0.5);
    for (const std::string format : {"s16", "s24", "f32"}) {
        SCOPED_TRACE(format);
        RunResult wav = simvx({in, "--render", at("out.wav"), "--render-format", format});
        RunResult raw = simvx({in, "--render", "-", "--render-format", format, "--raw"});
        ASSERT_EQ(wav.status, 0) << wav.err;
        ASSERT_EQ(raw.status, 0) << raw.err;
        const WavData data = read_wav_data(at("out.wav"));
        EXPECT_EQ(raw.out, data.data);
        EXPECT_EQ(raw.out.size(), 22050u * 2 * (format == "s16" ? 2 : format == "s24" ? 3 : 4));
    }
    // To a file as well (written aside, renamed when complete): what sox makes of the WAV, as raw s16.
    ASSERT_EQ(simvx({in, "--render", at("out.wav")}).status, 0);
    ASSERT_EQ(simvx({in, "--render", at("out.raw"), "--raw"}).status, 0);
    EXPECT_EQ(read_file(at("out.raw")), run({"sox", at("out.wav"), "-t", "s16", "-"}).out);
    RunResult bad = simvx({in, "--raw", "--null"});
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("--raw requires --render"), std::string::npos) << bad.err;
}

// --null --record -: a WAV stream on standard output at the pace of playback.
TEST_F(Render, NullRecordToStandardOutputIsPacedWav) {
    sh("sox -n -r 48000 -c 2 -b 16 " + at("tone.wav") + " synth 1 sine 440 vol 0.5");
    RunResult r = simvx({at("tone.wav"), "--null", "--record", "-"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_GE(r.seconds, 0.9) << "paced by the clock, not as fast as possible";
    write_file(at("rec.wav"), r.out);
    const Pcm rec = sox_read(at("rec.wav"));
    EXPECT_EQ(rec.frames(), 48000u);
    const Pcm in = sox_read(at("tone.wav"));
    ASSERT_EQ(rec.samples.size(), in.samples.size());
    double worst = 0;
    for (size_t i = 0; i < in.samples.size(); ++i) worst = std::max(worst, std::fabs(double(rec.samples[i]) - in.samples[i]));
    EXPECT_LT(worst, 1e-6);
}

}  // namespace
}  // namespace simvx::test
