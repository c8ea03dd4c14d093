// The encoders behind the file sink: the codec a name stands for, the same
// bytes for the same render, the length written into each format, and a
// full disk reported as an output error rather than a truncated file.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/error.hpp"
#include "sink/encode/make_writer.hpp"
#include "sink/encoding.hpp"
#include "support/audio.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"
#include "sink_files.hpp"

namespace simvx {
namespace {

const AudioSpec kSpec{44100, 2};

// Encodes one second of a 440 Hz tone to `path` (seekable) and returns the file's bytes.
std::string encode(const std::string& path, const Encoding& e, std::optional<uint64_t> expected = std::nullopt) {
    const test::Pcm tone = test::interleave({test::sine(440, kSpec.rate, kSpec.rate), test::sine(440, kSpec.rate, kSpec.rate)},
                                            kSpec.rate);
    sink_test::write_file(path, e, tone, expected);
    return test::read_file(path);
}

TEST(Encoding, TheExtensionNamesTheCodec) {
    EXPECT_EQ(codec_for_path("a/b/mix.flac"), Codec::flac);
    EXPECT_EQ(codec_for_path("MIX.OPUS"), Codec::opus);
    EXPECT_EQ(codec_for_path("x.ogg"), Codec::vorbis);
    EXPECT_EQ(codec_for_path("x.oga"), Codec::vorbis);
    EXPECT_EQ(codec_for_path("x.Mp3"), Codec::mp3);
    EXPECT_EQ(codec_for_path("x.wav"), Codec::wav);
    EXPECT_EQ(codec_for_path("x.aiff"), std::nullopt);
    EXPECT_EQ(codec_for_path("flac"), std::nullopt);  // a name, not an extension
    EXPECT_EQ(codec_for_path("-"), std::nullopt);
    for (const auto& name : codec_names()) EXPECT_EQ(codec_name(*parse_codec(name)), name);
    EXPECT_EQ(parse_codec("ogg"), std::nullopt);
}

TEST(Encoding, Describe) {
    EXPECT_EQ(describe_encoding({.codec = Codec::flac, .format = SampleFormat::s24}), "FLAC s24, level 5");
    EXPECT_EQ(describe_encoding({.codec = Codec::mp3, .quality = 0}), "MP3 VBR -V 0");
    EXPECT_EQ(describe_encoding({.codec = Codec::mp3, .bitrate_kbps = 320}), "MP3 CBR 320 kbit/s");
    EXPECT_EQ(describe_encoding({.codec = Codec::opus, .bitrate_kbps = 96}), "Opus 96 kbit/s");
    EXPECT_EQ(describe_encoding({.codec = Codec::vorbis}), "Vorbis quality 3");
    EXPECT_EQ(describe_encoding({.codec = Codec::wav, .container = Container::raw}), "raw PCM s16le");
}

// A render is deterministic, so its encoded file is too (fixed Ogg serials, no clock).
TEST(Encoders, TheSameRenderGivesTheSameBytes) {
    test::TempDir dir;
    for (Codec c : {Codec::flac, Codec::opus, Codec::vorbis, Codec::mp3}) {
        const Encoding e{.codec = c, .tags = {{"TITLE", "t"}}};
        const std::string a = encode(dir / "a", e), b = encode(dir / "b", e);
        EXPECT_GT(a.size(), 1000u) << codec_name(c);
        EXPECT_TRUE(a == b) << codec_name(c);
    }
}

TEST(Encoders, TheLengthIsTheFramesWritten) {
    test::TempDir dir;
    encode(dir / "t.flac", {.codec = Codec::flac}, 1000);  // an estimate the real length corrects
    EXPECT_EQ(test::run({"metaflac", "--show-total-samples", dir / "t.flac"}).out, "44100\n");
    encode(dir / "t.opus", {.codec = Codec::opus});
    EXPECT_EQ(test::run({"sh", "-c", "opusdec --quiet --rate 44100 " + (dir / "t.opus") + " - | wc -c"}).out, "176400\n");
    encode(dir / "t.ogg", {.codec = Codec::vorbis});
    EXPECT_EQ(test::run({"sh", "-c", "oggdec -Q -R -o - " + (dir / "t.ogg") + " | wc -c"}).out, "176400\n");
    encode(dir / "t.mp3", {.codec = Codec::mp3});
    EXPECT_EQ(test::run({"sh", "-c", "mpg123 -q -s " + (dir / "t.mp3") + " | wc -c"}).out, "176400\n");
}

TEST(Encoders, AFullDiskIsAnOutputError) {
    for (Codec c : {Codec::flac, Codec::opus, Codec::vorbis, Codec::mp3}) {
        std::FILE* full = std::fopen("/dev/full", "wb");
        ASSERT_NE(full, nullptr);
        std::setvbuf(full, nullptr, _IONBF, 0);  // every write reaches the device
        try {
            auto w = make_writer(WriterTarget{full, "/dev/full", false, kSpec, std::nullopt}, Encoding{.codec = c});
            const std::vector<float> second(kSpec.rate * 2, 0.25f);
            for (int i = 0; i < 3; ++i) w->write(second);
            w->finalize();
            ADD_FAILURE() << codec_name(c) << ": no error";
        } catch (const OutputError& e) {
            EXPECT_NE(std::string(e.what()).find("/dev/full: write failed: No space left on device"), std::string::npos)
                << codec_name(c) << ": " << e.what();
        }
        std::fclose(full);
    }
}

}  // namespace
}  // namespace simvx
