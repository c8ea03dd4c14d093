// Inputs that are not audio (issue 12): executables, fonts, images, archives,
// documents, text, random bytes, and audio in Ogg codecs simvxplay does not
// read (other containers go to the FFmpeg fallback: ffmpeg_fallback_test.cpp).
// Each must be refused as "not a supported audio file" naming what it is, exit 3, and leave no output file, never play as noise. Several
// carry MPEG frame headers after their signature, as a stored MP3 in a ZIP
// would: a recognisable format is never searched for MPEG audio.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "cli_support.hpp"

namespace simvx {
namespace {

namespace fs = std::filesystem;

// `n` MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, 417 bytes each) of silence.
std::string mpeg_frames(int n) {
    std::string frame(417, '\0');
    frame[0] = '\xff', frame[1] = '\xfb', frame[2] = '\x90', frame[3] = '\x00';
    std::string out;
    for (int i = 0; i < n; ++i) out += frame;
    return out;
}

std::string random_bytes(size_t n, uint32_t seed) {
    std::mt19937 gen(seed);
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(gen() & 0xff);
    return out;
}

// One Ogg page beginning a stream whose first packet is `packet` (the CRC is
// not checked before the codec is named).
std::string ogg_bos_page(const std::string& packet, uint32_t serial) {
    std::string page("OggS\0\x02", 6);
    page += std::string(8, '\0');  // granule position
    for (int i = 0; i < 4; ++i) page += static_cast<char>((serial >> (8 * i)) & 0xff);
    page += std::string(8, '\0');  // sequence number, CRC
    page += '\x01';                // one segment
    page += static_cast<char>(packet.size());
    return page + packet;
}

std::string padded(std::string s, size_t n) {
    s.resize(n, '\0');
    return s;
}

class NotAudio : public ::testing::Test {
protected:
    // Runs simvxplay FILE --render OUT and checks the refusal.
    void expect_refused(const std::string& file, const std::string& found) {
        const std::string out = dir_ / "out.wav";
        const test::RunResult r = test::simvx({"--render", out, file}, {}, 30);
        EXPECT_EQ(r.status, 3) << file << ": " << r.err;
        EXPECT_NE(r.err.find(file + ": not a supported audio file: found " + found), std::string::npos)
            << file << ": " << r.err;
        EXPECT_FALSE(fs::exists(out)) << file << ": an output file was left behind";
        EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path() / "out"), fs::directory_iterator{}), 0);
    }
    void expect_refused_bytes(const std::string& name, const std::string& bytes, const std::string& found) {
        const std::string path = dir_ / ("in/" + name);
        test::write_file(path, bytes);
        expect_refused(path, found);
    }
    void SetUp() override {
        fs::create_directories(dir_.path() / "in");
        fs::create_directories(dir_.path() / "out");
    }
    std::string in(const std::string& name) const { return dir_ / ("in/" + name); }

    test::TempDir dir_;
};

TEST_F(NotAudio, ExecutableIsRefused) {
    const std::string ls = fs::exists("/usr/bin/ls") ? "/usr/bin/ls" : test::bin();
    fs::copy_file(ls, in("ls"));
    expect_refused(in("ls"), "an ELF executable or library");
}

TEST_F(NotAudio, TrueTypeFontIsRefused) {
    std::string font;
    if (fs::exists("/usr/share/fonts"))
        for (const auto& e : fs::recursive_directory_iterator("/usr/share/fonts"))
            if (e.path().extension() == ".ttf") {
                font = e.path().string();
                break;
            }
    if (font.empty()) GTEST_SKIP() << "no .ttf font under /usr/share/fonts";
    fs::copy_file(font, in("font.ttf"));
    expect_refused(in("font.ttf"), "a TrueType font");
}

TEST_F(NotAudio, ImagesArchivesAndDocumentsAreRefusedEvenWithMpegFramesInside) {
    const std::string frames = mpeg_frames(8);
    expect_refused_bytes("a.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16) + frames, "a PNG image");
    expect_refused_bytes("a.jpg", "\xff\xd8\xff\xe0" + frames, "a JPEG image");
    expect_refused_bytes("a.pdf", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + frames, "a PDF document");
    expect_refused_bytes("a.zip", std::string("PK\x03\x04\x0a\0\0\0\0\0", 10) + padded("song.mp3", 20) + frames,
                         "a ZIP archive");
    expect_refused_bytes("a.gz", std::string("\x1f\x8b\x08\0\0\0\0\0\0\x03", 10) + frames, "gzip-compressed data");
    expect_refused_bytes("a.tar", padded("song.mp3", 257) + padded("ustar", 255) + frames, "a tar archive");
}

TEST_F(NotAudio, ArchivesMadeByToolsAreRefused) {
    if (!test::have_tool("gzip")) GTEST_SKIP() << "gzip not installed";
    test::sh("gzip -c /etc/passwd > '" + in("passwd.gz") + "'");
    expect_refused(in("passwd.gz"), "gzip-compressed data");
}

TEST_F(NotAudio, TextAndRandomBytesAreRefused) {
    expect_refused_bytes("notes.txt", "Shopping list:\n- milk\n- eggs\n", "text, not audio");
    const std::string noise = random_bytes(256 * 1024, 12345);
    expect_refused_bytes("noise.bin", noise, "unrecognised data (first bytes ");
}

// Two frame headers in a row deep inside other data are chance, not a stream.
TEST_F(NotAudio, ChanceFrameHeadersInsideDataAreRefused) {
    std::string data = random_bytes(8192, 7);
    for (auto& c : data)
        if (c == '\xff') c = '\x7f';  // no other sync words
    expect_refused_bytes("blob.bin", data + mpeg_frames(2) + data, "unrecognised data (first bytes ");
}

TEST_F(NotAudio, OggStreamsOfOtherCodecsAreRefusedByName) {
    const std::string frames = mpeg_frames(8);
    expect_refused_bytes("speex.spx", ogg_bos_page(padded("Speex   1.2.1", 80), 1) + frames,
                         "Ogg Speex audio, which is not supported");
    expect_refused_bytes("video.ogv", ogg_bos_page(padded("\x80theora\x03\x02", 42), 2) + frames,
                         "Ogg Theora video with no audio stream");
    expect_refused_bytes("skeleton.ogg", ogg_bos_page(padded(std::string("fishead\0", 8), 64), 3) + frames,
                         "an Ogg Skeleton stream with no audio stream");
    expect_refused_bytes("skeleton-speex.ogg",
                         ogg_bos_page(padded(std::string("fishead\0", 8), 64), 3) +
                             ogg_bos_page(padded("Speex   1.2.1", 80), 4) + frames,
                         "Ogg Speex audio, which is not supported");
    expect_refused_bytes("other.ogg", ogg_bos_page(padded("XYZcodec", 30), 5) + frames,
                         "an Ogg stream of an unknown codec");
}

TEST_F(NotAudio, SpeexMadeByAnEncoderIsRefused) {
    if (!test::have_tool("ffmpeg")) GTEST_SKIP() << "ffmpeg not installed";
    const test::RunResult enc = test::run({"ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=2", "-ar",
                                           "16000", "-c:a", "libspeex", in("tone.spx")});
    if (enc.status != 0) GTEST_SKIP() << "ffmpeg cannot encode Speex: " << enc.err;
    expect_refused(in("tone.spx"), "Ogg Speex audio, which is not supported");
}

// The other side: real MPEG audio is still taken, with its junk and tags.
TEST_F(NotAudio, MpegAfterATagOrALittleJunkStillPlays) {
    const std::string out = dir_ / "out/ok.wav";
    // An ID3v2 tag of 100 000 bytes (longer than what is sniffed), then frames.
    std::string tag("ID3\x03\0\0", 6);
    const size_t body = 100000;
    for (int shift : {21, 14, 7, 0}) tag += static_cast<char>((body >> shift) & 0x7f);
    test::write_file(in("tagged.mp3"), tag + std::string(body, '\0') + mpeg_frames(10));
    test::RunResult r = test::simvx({"--render", out, in("tagged.mp3")}, {}, 30);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(fs::exists(out));
    // 300 bytes of junk before the first frame.
    test::write_file(in("junk.mp3"), random_bytes(300, 3) + mpeg_frames(10));
    r = test::simvx({"--render", out, in("junk.mp3")}, {}, 30);
    EXPECT_EQ(r.status, 0) << r.err;
}

}  // namespace
}  // namespace simvx
