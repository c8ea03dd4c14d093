// Encoded renders (--render FILE.flac|.opus|.ogg|.mp3): each file checked by
// the codec's own tools (flac, opusdec/opusinfo, oggdec/vorbiscomment,
// mpg123/ffprobe): decodable, exactly as long as the render, the tone's
// frequency and level kept, the tags there; FLAC bit-exact with the WAV.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <thread>

#include "cli_support.hpp"

namespace simvx::test {
namespace {

namespace fs = std::filesystem;

std::string sh_out(const std::string& command) { return run({"sh", "-c", command}).out; }

constexpr uint32_t kRate = 48000;
constexpr size_t kFrames = 2 * kRate;  // 2 s
constexpr double kToneHz = 1000;
constexpr double kAmplitude = 0.5;     // -6.02 dBFS peak, -9.03 dBFS RMS

// The decoded tone's signal-to-noise ratio: the residual after subtracting
// the source (the codecs keep the timing sample-exact, so no alignment), over
// the steady part (the first and last 100 ms hold the codecs' edge effects).
double snr_db(const Pcm& decoded, const Pcm& source) {
    double sig = 0, err = 0;
    const size_t edge = kRate / 10 * decoded.channels;
    for (size_t i = edge; i + edge < decoded.samples.size(); ++i) {
        sig += double{source.samples[i]} * source.samples[i];
        const double d = double{decoded.samples[i]} - source.samples[i];
        err += d * d;
    }
    return 10 * std::log10(sig / err);
}

class Encode : public ::testing::Test {
protected:
    TempDir dir;
    std::string at(const std::string& name) const { return dir / name; }
    void SetUp() override {
        tone_ = interleave({sine(kToneHz, kRate, kFrames, kAmplitude), sine(kToneHz, kRate, kFrames, kAmplitude)}, kRate);
        write_wav(at("tone.wav"), tone_, WavFormat::f32);
    }
    // Renders the tone to `name`; the run must succeed.
    void render(const std::string& name, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {at("tone.wav"), "--render", at(name)};
        args.insert(args.end(), extra.begin(), extra.end());
        const RunResult r = simvx(args);
        ASSERT_EQ(r.status, 0) << r.err;
    }
    // Checks what a codec's own decoder made of the tone: length, frequency, level, SNR.
    void expect_tone(const std::string& decoded_wav, double min_snr_db) {
        const Pcm d = sox_read(decoded_wav);
        ASSERT_EQ(d.channels, 2u);
        EXPECT_EQ(d.rate, kRate);
        EXPECT_EQ(d.frames(), kFrames);  // gapless: exactly the render's length
        const auto left = d.channel(0);
        EXPECT_NEAR(peak_frequency(left, d.rate), kToneHz, 0.5);
        EXPECT_NEAR(rms_db(left), 20 * std::log10(kAmplitude / std::sqrt(2.0)), 0.5);
        if (d.frames() == kFrames) {
            const double snr = snr_db(d, tone_);
            EXPECT_GT(snr, min_snr_db);
        }
    }
    Pcm tone_;
};

TEST_F(Encode, FlacIsBitExactWithTheWavRender) {
    // Noise exercises every bit; s16 and s24 each against the WAV of the same format.
    for (const std::string fmt : {"s16", "s24"}) {
        sh("sox -R -n -r 44100 -c 2 -b 24 " + at("noise.wav") + " synth 1 whitenoise vol 0.7");
        for (const std::string out : {"n.flac", "n.wav"}) {
            const RunResult r = simvx({at("noise.wav"), "--render-format", fmt, "--render", at(out)});
            ASSERT_EQ(r.status, 0) << r.err;
        }
        EXPECT_EQ(run({"flac", "-t", "-s", at("n.flac")}).status, 0);
        ASSERT_EQ(run({"flac", "-d", "-s", "-f", "-o", at("dec.wav"), at("n.flac")}).status, 0);
        const WavData dec = read_wav_data(at("dec.wav")), wav = read_wav_data(at("n.wav"));
        EXPECT_EQ(dec.bits, fmt == "s16" ? 16 : 24);
        EXPECT_EQ(dec.rate, 44100u);
        EXPECT_EQ(dec.data.size(), 44100u * 2 * (fmt == "s16" ? 2 : 3));
        EXPECT_TRUE(dec.data == wav.data) << fmt << ": flac -d differs from the WAV render";
    }
}

TEST_F(Encode, FlacLevelsChangeTheSizeNotTheSamples) {
    render("fast.flac", {"--quality", "0"});
    render("best.flac", {"--quality", "8"});
    EXPECT_EQ(sh_out("metaflac --show-md5sum " + at("fast.flac")), sh_out("metaflac --show-md5sum " + at("best.flac")));
    EXPECT_GT(fs::file_size(at("fast.flac")), fs::file_size(at("best.flac")));
    EXPECT_EQ(sh_out("metaflac --show-total-samples " + at("best.flac")), std::to_string(kFrames) + "\n");
}

TEST_F(Encode, OpusDecodesWithOpusdecToTheExactLength) {
    render("t.opus", {"--bitrate", "128"});
    ASSERT_EQ(run({"opusdec", "--quiet", "--float", at("t.opus"), at("dec.wav")}).status, 0);
    // Measured 41 dB at 128 kbit/s stereo (the codec spends its bits where
    // the ear listens, not on the noise floor under a loud tone): 35 leaves room.
    expect_tone(at("dec.wav"), 35);
}

TEST_F(Encode, VorbisDecodesWithOggdecToTheExactLength) {
    render("t.ogg");
    ASSERT_EQ(run({"oggdec", "-Q", "-f", "-o", at("dec.wav"), at("t.ogg")}).status, 0);
    expect_tone(at("dec.wav"), 35);  // measured 40 dB at quality 3
}

TEST_F(Encode, Mp3HasAnInfoFrameSoMpg123ReturnsTheExactLength) {
    render("t.mp3");
    ASSERT_EQ(run({"mpg123", "-q", "--gapless", "-w", at("dec.wav"), at("t.mp3")}).status, 0);
    expect_tone(at("dec.wav"), 60);  // measured 69 dB at -V 2
    // ffmpeg reads the same info frame; simvxplay's own decoder too.
    EXPECT_EQ(sh_out("ffmpeg -v error -i " + at("t.mp3") + " -f s16le - | wc -c"), std::to_string(kFrames * 4) + "\n");
    ASSERT_EQ(simvx({at("t.mp3"), "--render", at("back.wav")}).status, 0);
    EXPECT_EQ(soxi("-s", at("back.wav")), static_cast<long>(kFrames));
}

TEST_F(Encode, Mp3ConstantBitRate) {
    render("cbr.mp3", {"--bitrate", "128"});
    // 2 s at 128 kbit/s: 32000 bytes, and the info frame (one 384-byte
    // frame at 48 kHz) and the encoder's delay and padding (two more).
    EXPECT_NEAR(static_cast<double>(fs::file_size(at("cbr.mp3"))), 32000 + 3 * 384, 384);
    EXPECT_NE(sh_out("mpg123 -t -v " + at("cbr.mp3") + " 2>&1").find("cbr128"), std::string::npos);
    ASSERT_EQ(run({"mpg123", "-q", "-w", at("dec.wav"), at("cbr.mp3")}).status, 0);
    // Measured 26 dB: at a constant 128 kbit/s lame lets the quantization
    // noise rise to what the tone masks (-V 2 spends far more on a pure tone).
    expect_tone(at("dec.wav"), 20);
}

TEST_F(Encode, TagsFromTheSceneAndTheCommandLine) {
    write_file(at("scene.toml"), "version = 1\n[engine]\ntitle = \"Night mix\"\nartist = \"Zoë\"\ngenre = \"Ambient\"\n"
                                 "[[sound]]\nfile = \"tone.wav\"\n");
    const std::vector<std::string> tags = {"--tag", "artist=Someone Else", "--tag", "REPLAYGAIN_TRACK_GAIN=-3.5 dB"};
    for (const std::string out : {"t.flac", "t.ogg", "t.opus", "t.mp3"}) {
        std::vector<std::string> args = {at("scene.toml"), "--render", at(out)};
        args.insert(args.end(), tags.begin(), tags.end());
        const RunResult r = simvx(args);
        ASSERT_EQ(r.status, 0) << out << ": " << r.err;
    }
    // The scene's keys in the loader's order (toml++ keeps a table's keys
    // sorted), --tag replacing a value in place and adding the others after.
    const std::string want = "ARTIST=Someone Else\nGENRE=Ambient\nTITLE=Night mix\nREPLAYGAIN_TRACK_GAIN=-3.5 dB\n";
    EXPECT_EQ(sh_out("metaflac --export-tags-to=- " + at("t.flac")), want);
    EXPECT_EQ(sh_out("vorbiscomment -l " + at("t.ogg")), want);
    const std::string opus = sh_out("opusinfo " + at("t.opus"));
    for (const std::string line : {"TITLE=Night mix", "ARTIST=Someone Else", "GENRE=Ambient", "REPLAYGAIN_TRACK_GAIN=-3.5 dB"})
        EXPECT_NE(opus.find("\t" + line + "\n"), std::string::npos) << line << " not in\n" << opus;
    EXPECT_EQ(sh_out("ffprobe -v error -show_entries format_tags=title,artist,genre,REPLAYGAIN_TRACK_GAIN -of "
                     "default=nw=1 " + at("t.mp3")),
              "TAG:artist=Someone Else\nTAG:genre=Ambient\nTAG:title=Night mix\nTAG:REPLAYGAIN_TRACK_GAIN=-3.5 dB\n");
    // The info frame follows the ID3v2 tag: still the exact length.
    ASSERT_EQ(run({"mpg123", "-q", "-w", at("dec.wav"), at("t.mp3")}).status, 0);
    EXPECT_EQ(soxi("-s", at("dec.wav")), static_cast<long>(kFrames));
}

// WAV renders carry their tags in a RIFF LIST/INFO chunk before the samples
// (title INAM, artist IART, ...), as ffmpeg and sox read them; the samples
// stay bit-exact with an untagged render, an odd-length value is padded, and
// the f32 layout (with its fact chunk) and a pipe carry them too.
TEST_F(Encode, WavCarriesTheTagsRiffInfoHasFieldsFor) {
    write_file(at("scene.toml"), "version = 1\n[engine]\ntitle = \"Night mix\"\nartist = \"Zoë\"\n"
                                 "[[sound]]\nfile = \"tone.wav\"\n");
    for (const std::string format : {"s16", "f32"}) {
        SCOPED_TRACE(format);
        const std::string tagged = at("tagged-" + format + ".wav"), plain = at("plain-" + format + ".wav");
        RunResult r = simvx({at("scene.toml"), "--render", tagged, "--render-format", format, "--tag", "comment=odd",
                             "--tag", "date=2026"});
        ASSERT_EQ(r.status, 0) << r.err;
        r = simvx({at("tone.wav"), "--render", plain, "--render-format", format});
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(sh_out("ffprobe -v error -show_entries format_tags=title,artist,comment,date -of default=nw=1 " + tagged),
                  "TAG:artist=Zoë\nTAG:title=Night mix\nTAG:comment=odd\nTAG:date=2026\n");  // the scene's keys sorted, as toml++ keeps them
        // The same samples, and the lengths sox reads from the header.
        EXPECT_EQ(sh_out("sox " + tagged + " -t raw - | md5sum"), sh_out("sox " + plain + " -t raw - | md5sum"));
        EXPECT_EQ(soxi("-s", tagged), static_cast<long>(kFrames));
        // The RIFF size is the file's, less its first 8 bytes.
        const std::string bytes = read_file(tagged);
        ASSERT_GT(bytes.size(), 12u);
        const uint32_t riff = static_cast<uint8_t>(bytes[4]) | static_cast<uint8_t>(bytes[5]) << 8 |
                              static_cast<uint8_t>(bytes[6]) << 16 | static_cast<uint32_t>(static_cast<uint8_t>(bytes[7])) << 24;
        EXPECT_EQ(riff + 8u, bytes.size());
        EXPECT_NE(bytes.find("LIST"), std::string::npos);
        EXPECT_LT(bytes.find("INAM"), bytes.find("data"));
    }
    // Into a pipe: the streaming header carries them as well.
    RunResult r = simvx({at("tone.wav"), "--render", "-", "--tag", "title=piped"});
    ASSERT_EQ(r.status, 0) << r.err;
    write_file(at("piped.wav"), r.out);
    EXPECT_EQ(sh_out("ffprobe -v error -show_entries format_tags=title -of default=nw=1 " + at("piped.wav")),
              "TAG:title=piped\n");
}

TEST_F(Encode, AnExtensionItDoesNotEncodeIsAUsageErrorAndWritesNothing) {
    for (const std::string out : {"t.aiff", "t.m4a", "noextension"}) {
        const RunResult r = simvx({at("tone.wav"), "--render", at(out)});
        EXPECT_EQ(r.status, 2) << out;
        EXPECT_NE(r.err.find(".wav, .flac, .opus, .ogg/.oga, .mp3"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("--render-codec"), std::string::npos) << r.err;
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);  // tone.wav alone
    // Named, the codec is written whatever the name.
    render("t.audio", {"--render-codec", "flac"});
    EXPECT_EQ(run({"flac", "-t", "-s", at("t.audio")}).status, 0);
    // Upper case is the same extension.
    render("T.FLAC");
    EXPECT_EQ(run({"flac", "-t", "-s", at("T.FLAC")}).status, 0);
}

TEST_F(Encode, OptionsThatDoNothingForTheCodecAreRefused) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--render", "x.wav", "--quality", "5"}, "--quality means nothing for wav"},
        {{"--render", "x.opus", "--quality", "5"}, "--quality means nothing for opus"},
        {{"--render", "x.flac", "--bitrate", "128"}, "--bitrate means nothing for flac"},
        {{"--render", "x.flac", "--render-format", "f32"}, "FLAC holds integer samples only"},
        {{"--render", "x.flac", "--quality", "9"}, "FLAC compression level from 0 to 8"},
        {{"--render", "x.mp3", "--render-format", "s24"}, "applies to WAV and FLAC only"},
        {{"--render", "x.ogg", "--dither", "tpdf"}, "never dithered"},
        {{"--render", "x.mp3", "--quality", "2", "--bitrate", "128"}, "not both"},
        {{"--render", "x.mp3", "--bitrate", "400"}, "8 to 320"},
        {{"--render", "x.wav", "--tag", "mood=calm"}, "RIFF INFO) has no field for 'mood'; it takes title, artist"},
        {{"--render", "x.wav", "--raw", "--tag", "title=x"}, "headerless PCM, which carries no tags"},
        {{"--render", "x.flac", "--tag", "title"}, "must be KEY=VALUE"},
        {{"--render", "x.flac", "--raw"}, "--raw writes headerless PCM"},
        {{"--render", "-", "--render-codec", "opus", "--expect", "tone.wav"}, "render to a file"},
    };
    for (const auto& [args, message] : cases) {
        std::vector<std::string> a = {at("tone.wav")};
        for (const auto& s : args) a.push_back(s.rfind("x.", 0) == 0 ? at(s) : s == "tone.wav" ? at(s) : s);
        const RunResult r = simvx(a);
        EXPECT_EQ(r.status, 2) << args[1];
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    }
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST_F(Encode, PipesCarryEachCodec) {
    EXPECT_EQ(sh_out(bin() + " " + at("tone.wav") + " --render - --render-codec flac | flac -s -d -c - | wc -c"),
                     std::to_string(kFrames * 4 + 44) + "\n");
    EXPECT_EQ(sh_out(bin() + " " + at("tone.wav") + " --render - --render-codec opus | opusdec --quiet --rate 48000 - - | wc -c"),
              std::to_string(kFrames * 4) + "\n");
    EXPECT_EQ(sh_out(bin() + " " + at("tone.wav") + " --render - --render-codec vorbis | oggdec -Q -R -o - - | wc -c"),
              std::to_string(kFrames * 4) + "\n");
    // A pipe's MP3 has no info frame (it could not be completed): the encoder's delay and padding remain.
    const long mp3 = std::stol(sh_out(bin() + " " + at("tone.wav") + " --render - --render-codec mp3 | mpg123 -q -s - | wc -c"));
    EXPECT_GE(mp3, static_cast<long>(kFrames * 4));
}

TEST_F(Encode, InterruptFinalizesADecodableFile) {
    sh("sox -n -r 8000 -c 1 -b 16 " + at("short.wav") + " synth 1 sine 500 vol 0.5");
    const std::vector<std::pair<std::string, std::string>> codecs = {
        {"i.flac", "flac -t -s "}, {"i.opus", "opusdec --quiet --force-wav "},
        {"i.ogg", "oggdec -Q -o /dev/null "}, {"i.mp3", "mpg123 -q -t "}};
    for (const auto& [name, check] : codecs) {
        const std::string log = at(name + ".log");
        Child render({bin(), at("short.wav"), "--loop", "--duration", "36000", "--render", at(name)}, log);
        auto partial_bytes = [&, n = name] {
            for (const auto& e : fs::directory_iterator(dir.path()))
                if (e.path().filename().string().rfind("." + n + ".partial-", 0) == 0) return fs::file_size(e.path());
            return std::uintmax_t{0};
        };
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (partial_bytes() < 64 * 1024 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        EXPECT_EQ(render.stop(SIGINT, 20), 130) << read_file(log);
        ASSERT_TRUE(fs::exists(at(name))) << name;
        const std::string cmd = name == "i.opus" ? check + at(name) + " /dev/null" : check + at(name);
        EXPECT_EQ(run({"sh", "-c", cmd}).status, 0) << cmd;
        EXPECT_NE(read_file(log).find("interrupted: wrote "), std::string::npos) << read_file(log);
    }
}

TEST_F(Encode, AFullDiskIsAnOutputErrorForEveryCodec) {
    for (const std::string codec : {"flac", "opus", "vorbis", "mp3"}) {
        const RunResult r = simvx({at("tone.wav"), "--render", "/dev/full", "--render-codec", codec});
        EXPECT_EQ(r.status, 5) << codec;
        EXPECT_NE(r.err.find("/dev/full: write failed: No space left on device"), std::string::npos) << r.err;
    }
}

TEST_F(Encode, AKilledRenderLeavesTheTargetUntouched) {
    write_file(at("keep.opus"), "the previous render");
    Child render({bin(), at("tone.wav"), "--loop", "--duration", "36000", "--render", at("keep.opus")});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    auto partial = [&] {
        for (const auto& e : fs::directory_iterator(dir.path()))
            if (e.path().filename().string().rfind(".keep.opus.partial-", 0) == 0 && fs::file_size(e.path()) > 65536)
                return true;
        return false;
    };
    while (!partial() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    render.stop(SIGKILL, 20);
    EXPECT_EQ(read_file(at("keep.opus")), "the previous render");
}

TEST_F(Encode, ExpectComparesWhatWasDecodedBack) {
    // Decoded back, an Opus tone at 128 kbit/s stays within -30 dBFS of the source, not within -90.
    RunResult r = simvx({at("tone.wav"), "--render", at("t.opus"), "--bitrate", "128", "--expect", at("tone.wav"),
                         "--tolerance-db", "-30"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("matches"), std::string::npos) << r.err;
    r = simvx({at("tone.wav"), "--render", at("t.opus"), "--bitrate", "128", "--expect", at("tone.wav")});
    EXPECT_EQ(r.status, 6) << r.err;
    EXPECT_NE(r.err.find("differs"), std::string::npos) << r.err;
    // Another tone is another matter, even at a loose tolerance.
    write_wav(at("other.wav"), interleave({sine(1500, kRate, kFrames, kAmplitude), sine(1500, kRate, kFrames, kAmplitude)}, kRate),
              WavFormat::f32);
    r = simvx({at("tone.wav"), "--render", at("t.mp3"), "--expect", at("other.wav"), "--tolerance-db", "-30"});
    EXPECT_EQ(r.status, 6) << r.err;
    // FLAC decodes to exactly the quantized render.
    ASSERT_EQ(simvx({at("tone.wav"), "--render", at("ref.wav")}).status, 0);
    r = simvx({at("tone.wav"), "--render", at("t.flac"), "--expect", at("ref.wav"), "--tolerance-db", "-200"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("worst residual -inf dBFS"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace simvx::test
