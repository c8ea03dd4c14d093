// --stream and [[stream]] through the real binary: PCM piped in by a producer
// that writes in any pieces, at any pace, rendered exactly; resampled and
// WAV-headed streams; a late producer during playback; bad streams.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <regex>
#include <thread>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

namespace fs = std::filesystem;

class Stream : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& name) const { return dir / name; }

    // Raw little-endian samples made by sox (`fmt` e.g. "-r 48000 -c 2 -b 16 -e signed-integer").
    std::string raw(const std::string& fmt, const std::string& synth) {
        sh("sox -R -n " + fmt + " -t raw " + at("gen.raw") + " synth " + synth);
        return read_file(at("gen.raw"));
    }
    std::string noise_s16(double seconds) {
        return raw("-r 48000 -c 2 -b 16 -e signed-integer", std::to_string(seconds) + " whitenoise vol 0.7");
    }
    // Renders `--stream -` fed by `produce` to s16 and returns the output's samples.
    std::string render_fed(const std::function<void(int)>& produce, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {bin(), "--stream", "-", "--render", at("out.wav")};
        args.insert(args.end(), extra.begin(), extra.end());
        RunResult r = run_fed(args, produce);
        EXPECT_EQ(r.status, 0) << r.err;
        return raw_samples(at("out.wav"), "s16");
    }
};

TEST_F(Stream, PipedS16IsBitExact) {
    const std::string in = noise_s16(2.0);
    RunResult r = simvx({"--stream", "-", "--render", at("out.wav")}, in);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(soxi("-r", at("out.wav")), 48000);
    EXPECT_EQ(soxi("-c", at("out.wav")), 2);
    EXPECT_EQ(raw_samples(at("out.wav"), "s16"), in);
}

TEST_F(Stream, SameRenderWhateverTheProducersWritesAndPace) {
    const std::string in = noise_s16(0.5);
    const std::string one_byte = render_fed([&](int fd) {
        for (char c : in)
            if (!write_all(fd, &c, 1)) return;
    });
    EXPECT_EQ(one_byte, in);
    const std::string random_sizes = render_fed([&](int fd) {
        std::mt19937 rng(11);
        std::uniform_int_distribution<size_t> size(1, 20000);
        for (size_t at = 0; at < in.size();) {
            const size_t n = std::min(size(rng), in.size() - at);
            if (!write_all(fd, in.data() + at, n)) return;
            at += n;
        }
    });
    EXPECT_EQ(random_sizes, in);
    // Slower than real time, with frames split across pauses: the render waits.
    const std::string slow = render_fed([&](int fd) {
        for (size_t at = 0; at < in.size(); at += 9601) {
            if (!write_all(fd, in.data() + at, std::min<size_t>(9601, in.size() - at))) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(60));
        }
    }, {"--stream-buffer-ms", "20"});
    EXPECT_EQ(slow, in);
}

TEST_F(Stream, MonoLowRateStreamsComeOutAtTheEngineRate) {
    for (const std::string type : {"s16", "f32"}) {
        const std::string fmt = type == "s16" ? "-b 16 -e signed-integer" : "-b 32 -e floating-point";
        const std::string in = raw("-r 24000 -c 1 " + fmt, "1 sine 1000 vol 0.5");
        RunResult r = simvx({"--stream", "-", "--stream-format", type, "--stream-rate", "24000", "--stream-channels",
                             "1", "--render", at("out.wav"), "--render-format", "f32"},
                            in);
        ASSERT_EQ(r.status, 0) << r.err;
        const Pcm out = sox_read(at("out.wav"));
        EXPECT_EQ(out.rate, 48000u);
        EXPECT_EQ(out.channels, 2u);
        EXPECT_EQ(out.frames(), 48000u) << type;
        const auto left = out.channel(0);
        const std::span<const float> middle(left.data() + 4800, 38400);
        EXPECT_NEAR(peak_frequency(middle, 48000), 1000.0, 0.5) << type;
        EXPECT_NEAR(rms_db(middle), 20 * std::log10(0.5 / std::sqrt(2.0)), 0.1) << type;
    }
}

// A WAV header as a producer on a pipe writes it: it cannot know the lengths.
std::string with_placeholder_lengths(std::string wav, uint32_t placeholder) {
    std::memcpy(wav.data() + 4, &placeholder, 4);
    const size_t data = wav.find("data");
    std::memcpy(wav.data() + data + 4, &placeholder, 4);
    return wav;
}

TEST_F(Stream, WavHeaderWithPlaceholderLengthsIsRead) {
    write_wav(at("voice.wav"), interleave({sine(700, 22050, 22050, 0.5)}, 22050), WavFormat::s16);
    const std::string wav = read_file(at("voice.wav"));
    for (uint32_t placeholder : {0u, 0xFFFFFFFFu}) {
        RunResult r = simvx({"--stream", "-", "--stream-format", "wav", "--render", at("out.wav"), "--render-format",
                             "f32"},
                            with_placeholder_lengths(wav, placeholder));
        ASSERT_EQ(r.status, 0) << r.err;
        const Pcm out = sox_read(at("out.wav"));
        EXPECT_EQ(out.rate, 48000u);
        EXPECT_EQ(out.frames(), 48000u);
        EXPECT_NEAR(peak_frequency(out.channel(1), 48000), 700.0, 0.5);
    }
}

// espeak-ng --stdout and sox -t wav - write a WAV header on the pipe: with
// no --stream-format it is read as WAV (22050 Hz mono speech once played
// as 48 kHz stereo raw: a quarter as long, and noise). Given as raw, it
// stays raw and a warning says why it probably sounds wrong. One byte at a
// time changes nothing.
TEST_F(Stream, AWavHeaderIsReadAsWavWhenNoFormatIsGiven) {
    write_wav(at("voice.wav"), interleave({sine(700, 22050, 22050, 0.5)}, 22050), WavFormat::s16);
    const std::string wav = read_file(at("voice.wav"));
    for (const bool bytewise : {false, true}) {
        const std::vector<std::string> args = {bin(), "--stream", "-", "--render", at("out.wav"), "--render-format",
                                               "f32"};
        RunResult r = bytewise ? run_fed(args,
                                         [&](int fd) {
                                             for (char c : with_placeholder_lengths(wav, 0xFFFFFFFFu))
                                                 if (!write_all(fd, &c, 1)) return;
                                         })
                               : run(args, wav);
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
        const Pcm out = sox_read(at("out.wav"));
        EXPECT_EQ(out.rate, 48000u);
        EXPECT_EQ(out.frames(), 48000u) << "bytewise " << bytewise;
        EXPECT_NEAR(peak_frequency(out.channel(0), 48000), 700.0, 0.5);
    }
    // RF64 too (its 32-bit sizes are placeholders on a pipe).
    std::string rf64 = with_placeholder_lengths(wav, 0xFFFFFFFFu);
    std::memcpy(rf64.data(), "RF64", 4);
    RunResult r = simvx({"--stream", "-", "--render", at("out.wav")}, rf64);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(soxi("-s", at("out.wav")), 48000);

    r = simvx({"--stream", "-", "--stream-format", "s16", "--render", at("out.wav")}, wav);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("starts with a WAV header but is read as raw s16"), std::string::npos) << r.err;
    // Read raw: 2 bytes per sample, 4 per stereo frame.
    EXPECT_EQ(soxi("-s", at("out.wav")), static_cast<long>(wav.size() / 4));
}

TEST_F(Stream, AnEmptyOrTinyInputIsWarnedAboutOrPlayed) {
    RunResult r = simvx({"--stream", "-", "--render", at("out.wav")}, "");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("the input was empty"), std::string::npos) << r.err;
    EXPECT_EQ(soxi("-s", at("out.wav")), 0);
    // Two s16 mono frames, fewer bytes than a WAV header: still played.
    const std::string two = std::string("\x00\x40\x00\xc0", 4);
    r = simvx({"--stream", "-", "--stream-channels", "1", "--render", at("out.wav"), "--render-format", "f32"}, two);
    ASSERT_EQ(r.status, 0) << r.err;
    const Pcm out = sox_read(at("out.wav"));
    ASSERT_EQ(out.frames(), 2u);
    EXPECT_FLOAT_EQ(out.samples[0], 0.5f);
    EXPECT_FLOAT_EQ(out.samples[2], -0.5f);
}

TEST_F(Stream, LateProducerDuringPlaybackCountsUnderrunsAndEndsCleanly) {
    const std::string in = noise_s16(0.6);
    const size_t half = in.size() / 2 / 4 * 4;
    RunResult r = run_fed({bin(), "--stream", "-", "--null", "--stream-buffer-ms", "50"}, [&](int fd) {
        write_all(fd, in.data(), half);
        std::this_thread::sleep_for(std::chrono::milliseconds(700));  // far longer than the 50 ms buffer
        write_all(fd, in.data() + half, in.size() - half);
    });
    EXPECT_EQ(r.status, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, std::regex("([0-9]+) underruns?:"))) << r.err;
    EXPECT_GE(std::stoi(m[1]), 1);
}

TEST_F(Stream, BadStreamsFailWithExitCode3AndNoOutput) {
    RunResult r = simvx({"--stream", "-", "--stream-format", "wav", "--render", at("out.wav")},
                        std::string(100, 'x'));
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("stream - (standard input): not a WAV stream"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(at("out.wav")));

    // A header announcing MPEG audio inside WAV, after some valid frames' worth of bytes elsewhere.
    write_wav(at("v.wav"), interleave({sine(700, 8000, 800, 0.5)}, 8000), WavFormat::s16);
    std::string wav = read_file(at("v.wav"));
    wav[20] = 0x55;
    r = simvx({"--stream", "-", "--stream-format", "wav", "--render", at("out.wav")}, wav);
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("WAV stream holds format tag 85"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(at("out.wav")));

    // Ended before its header did.
    r = simvx({"--stream", "-", "--stream-format", "wav", "--null"}, wav.substr(0, 30));
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("ended before its WAV header was complete"), std::string::npos) << r.err;
}

TEST_F(Stream, TruncatedLastFrameIsDroppedWithAWarning) {
    const std::string in = noise_s16(0.1);
    RunResult r = simvx({"--stream", "-", "--render", at("out.wav")}, in + "abc");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("ended inside a frame; its last 3 byte(s) were dropped"), std::string::npos) << r.err;
    EXPECT_EQ(raw_samples(at("out.wav"), "s16"), in);
}

// --stream-pan and a [[stream]]'s pan place the stream as a sound's pan
// does (the default balance law: full on one side, the other side reduced).
TEST_F(Stream, PanPlacesTheStream) {
    std::vector<float> samples(4800, 0.25f);
    std::string bytes(samples.size() * 4, '\0');
    std::memcpy(bytes.data(), samples.data(), bytes.size());
    for (const double pan : {-1.0, -0.5, 0.5, 1.0}) {
        RunResult r = simvx({"--stream", "-", "--stream-format", "f32", "--stream-channels", "1", "--stream-pan",
                             std::to_string(pan), "--render", at("out.wav"), "--render-format", "f32"},
                            bytes);
        ASSERT_EQ(r.status, 0) << r.err;
        const Pcm out = sox_read(at("out.wav"));
        ASSERT_EQ(out.frames(), 4800u);
        // A mono source reaches both sides at 0.25; balance keeps the near
        // side at full and scales the far one by 1 - |pan|.
        const double left = pan <= 0 ? 0.25 : 0.25 * (1 - pan), right = pan >= 0 ? 0.25 : 0.25 * (1 + pan);
        EXPECT_NEAR(out.samples[2 * 2400], left, 1e-6) << pan;
        EXPECT_NEAR(out.samples[2 * 2400 + 1], right, 1e-6) << pan;
    }
    // The same from a scene's [[stream]].
    write_file(at("s.toml"), "version = 1\n[[stream]]\nsource = \"-\"\nformat = \"f32\"\nchannels = 1\npan = -1.0\n");
    RunResult r = simvx({at("s.toml"), "--render", at("out.wav"), "--render-format", "f32"}, bytes);
    ASSERT_EQ(r.status, 0) << r.err;
    const Pcm out = sox_read(at("out.wav"));
    EXPECT_NEAR(out.samples[2 * 2400], 0.25, 1e-6);
    EXPECT_EQ(out.samples[2 * 2400 + 1], 0.0f);
    // Out of range: a usage error, and a scene error with its position.
    r = simvx({"--stream", "-", "--stream-pan", "2", "--null"}, bytes);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--stream-pan: must be a pan position from -1 to 1, got '2'"), std::string::npos) << r.err;
    write_file(at("s.toml"), "version = 1\n[[stream]]\nsource = \"-\"\npan = 1.5\n");
    r = simvx({at("s.toml"), "--check"}, bytes);
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("s.toml:4:7: 'pan' in [[stream]] must be between -1 and 1, found 1.5"), std::string::npos)
        << r.err;
}

TEST_F(Stream, NonFiniteFloatsBecomeSilenceWithAWarning) {
    std::vector<float> samples(4800, 0.25f);
    samples[100] = std::nanf("");
    samples[200] = INFINITY;
    std::string bytes(samples.size() * 4, '\0');
    std::memcpy(bytes.data(), samples.data(), bytes.size());
    RunResult r = simvx({"--stream", "-", "--stream-format", "f32", "--stream-channels", "1", "--render",
                         at("out.wav"), "--render-format", "f32"},
                        bytes);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("2 NaN or infinite samples replaced by silence"), std::string::npos) << r.err;
    const Pcm out = sox_read(at("out.wav"));
    ASSERT_EQ(out.frames(), 4800u);
    EXPECT_EQ(out.samples[200], 0.0f);
    EXPECT_EQ(out.samples[201], 0.0f);
    EXPECT_EQ(out.samples[202], 0.25f);
}

TEST_F(Stream, StreamOptionsAreChecked) {
    RunResult r = simvx({"--stream", "-", "--stream-bus", "Mastr", "--null"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--stream-bus Mastr: no such bus; did you mean Master?"), std::string::npos) << r.err;
    write_wav(at("tone.wav"), interleave({sine(440, 8000, 800)}, 8000), WavFormat::s16);
    r = simvx({at("tone.wav"), "--stream-rate", "24000", "--null"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--stream-rate describes a live input: give it with --stream SRC"), std::string::npos) << r.err;
    r = simvx({"--stream", at("missing.fifo"), "--null"});
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("cannot open"), std::string::npos) << r.err;
    r = simvx({"--stream", "-", "--stream-channels", "9", "--null"});
    EXPECT_EQ(r.status, 2);
}

// A scene with a sound, a [[stream]] from a file and --stream: all mixed, and
// the render ends with whichever ends last.
TEST_F(Stream, StreamsMixIntoASceneAndTheLastToEndEndsIt) {
    write_wav(at("tone.wav"), interleave({sine(440, 48000, 48000, 0.25), sine(440, 48000, 48000, 0.25)}, 48000),
              WavFormat::f32);
    const std::string voice = raw("-r 48000 -c 1 -b 32 -e floating-point", "0.5 sine 1500 vol 0.25");
    write_file(at("voice.raw"), voice);
    write_file(at("scene.toml"), R"(version = 1
[[bus]]
name = "Voice"
[[sound]]
file = "tone.wav"
[[stream]]
source = "voice.raw"
format = "f32"
channels = 1
bus = "Voice"
)");
    for (double seconds : {0.25, 1.5}) {
        const std::string cli = raw("-r 48000 -c 2 -b 16 -e signed-integer", std::to_string(seconds) + " sine 3000 vol 0.25");
        RunResult r = simvx({at("scene.toml"), "--stream", "-", "--render", at("out.wav"), "--render-format", "f32"}, cli);
        ASSERT_EQ(r.status, 0) << r.err;
        const Pcm mix = sox_read(at("out.wav"));
        EXPECT_EQ(mix.frames(), static_cast<size_t>(std::max(1.0, seconds) * 48000)) << seconds;
        // In the first quarter second all three play: 440 (file), 1500 (scene stream), 3000 (--stream).
        const auto left = mix.channel(0);
        const std::span<const float> first(left.data(), 12000);
        EXPECT_LT(worst_spurious_db(first, 48000, {440, 1500, 3000}, 60), -60);
        EXPECT_GT(rms_db(first), rms_db(std::span<const float>(left.data() + 24000, 12000)) + 1.0);
    }
}


// A render waits for its producer; Ctrl-C must end it even when the producer never writes.
TEST(StreamInterrupt, RenderWaitingForASilentProducerEndsOnCtrlC) {
    TempDir dir;
    const std::string fifo = dir / "voice.fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    Child c({bin(), "--stream", fifo, "--render", dir / "out.wav"});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(c.running());  // waiting for data
    EXPECT_EQ(c.stop(SIGINT, 10), 130);
    EXPECT_EQ(soxi("-c", dir / "out.wav"), 2);  // a valid WAV of what was rendered
}


// --watch reloads the scene while a [[stream]] plays: the stream goes on,
// whole (a reload must not open its input a second time and take its data).
TEST(StreamWatch, ReloadKeepsTheStreamWhole) {
    TempDir dir;
    const std::string fifo = dir / "voice.fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    const std::string head = "version = 1\n[[bus]]\nname = \"Music\"\nvolume_db = ";
    const std::string tail = "\n[[stream]]\nsource = \"voice.fifo\"\nchannels = 1\n";
    write_file(dir / "scene.toml", head + "0" + tail);
    Child child({bin(), dir / "scene.toml", "--null", "--watch", "--json", "--record", dir / "rec.wav"}, dir / "log.txt");
    // 1.5 s of a 1 kHz tone, written in 0.1 s pieces, faster than real time (the pipe pushes back).
    const std::string tone = to_s16le(sine(1000, 48000, 72000, 0.5));
    const int fd = open(fifo.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    for (size_t at = 0; at < tone.size(); at += 9600) {
        ASSERT_TRUE(write_all(fd, tone.data() + at, std::min<size_t>(9600, tone.size() - at)));
        if (at == 9600 * 5) {
            write_file(dir / "scene.toml.tmp", head + "-6" + tail);  // an edit while it plays
            std::filesystem::rename(dir / "scene.toml.tmp", dir / "scene.toml");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    close(fd);
    for (int i = 0; i < 1000 && child.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(child.stop(), 0) << read_file(dir / "log.txt");
    const std::string log = read_file(dir / "log.txt");
    EXPECT_NE(log.find(R"("type":"reload","ok":true)"), std::string::npos) << log;
    const WavData w = read_wav_data(dir / "rec.wav");
    const Pcm rec = from_f32le(w.data, w.rate, w.channels);
    const auto l = rec.channel(0);
    // Every sample of the tone arrived: its energy, 72000 × 0.5² / 2, is all there
    // (100 ms lost would be 7% less), and nothing twice.
    double energy = 0;
    for (float x : l) energy += double(x) * x;
    EXPECT_NEAR(energy / (72000 * 0.125), 1.0, 0.005) << log;
}

}  // namespace
}  // namespace simvx::test
