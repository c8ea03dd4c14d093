// Surround WAV: more than two channels are WAVE_FORMAT_EXTENSIBLE with the
// layout's speaker mask, which ffprobe and sox read back as the layout, with
// every channel's tone where it was written; mono and stereo keep the plain
// 18-byte fmt chunk they always had.
#include <gtest/gtest.h>

#include <cstring>

#include "core/speakers.hpp"
#include "support/tempdir.hpp"
#include "sink_files.hpp"

namespace simvx {
namespace {

using sink_test::tones;

void write_wav(const std::string& path, SampleFormat f, const test::Pcm& pcm, std::optional<uint64_t> expected) {
    sink_test::write_file(path, Encoding{.codec = Codec::wav, .format = f}, pcm, expected);
}

uint32_t u32(const std::string& b, size_t at) {
    uint32_t v = 0;
    std::memcpy(&v, b.data() + at, 4);
    return v;
}
uint16_t u16(const std::string& b, size_t at) {
    uint16_t v = 0;
    std::memcpy(&v, b.data() + at, 2);
    return v;
}
// Where a chunk's header starts (its id), or npos.
size_t chunk_at(const std::string& b, const char* id) {
    for (size_t at = 12; at + 8 <= b.size(); at += 8 + u32(b, at + 4) + (u32(b, at + 4) & 1))
        if (b.compare(at, 4, id) == 0) return at;
    return std::string::npos;
}

using sink_test::kLayouts;
using sink_test::Layout;

TEST(WavSurround, MonoAndStereoKeepTheirPlainHeader) {
    test::TempDir dir;
    for (SampleFormat f : {SampleFormat::s16, SampleFormat::s24, SampleFormat::f32})
        for (uint32_t ch : {1u, 2u}) {
            const std::string path = dir / "p.wav";
            write_wav(path, f, tones(ch, 48000, 0.01), 480);
            const std::string b = test::read_file(path);
            const size_t fmt = chunk_at(b, "fmt ");
            ASSERT_EQ(fmt, 12u);
            EXPECT_EQ(u32(b, fmt + 4), 18u);
            EXPECT_EQ(u16(b, fmt + 8), f == SampleFormat::f32 ? 3 : 1);
            EXPECT_EQ(u16(b, fmt + 24), 0u);  // cbSize
            // RIFF, fmt (18), [fact], data: the 46 or 58 bytes every earlier render had.
            EXPECT_EQ(chunk_at(b, "data"), f == SampleFormat::f32 ? 50u : 38u);
        }
}

// The fmt chunk field by field, in both header shapes (length known: plain
// RIFF; unknown: a JUNK chunk kept for a ds64), and the sizes rewritten at
// the end agree with the file (the header is as long in both writes).
TEST(WavSurround, ExtensibleHeaderBytes) {
    test::TempDir dir;
    for (const std::optional<uint64_t> expected : {std::optional<uint64_t>{}, std::optional<uint64_t>{4800}})
        for (SampleFormat f : {SampleFormat::s16, SampleFormat::s24, SampleFormat::f32})
            for (const Layout& l : kLayouts) {
                const std::string what = std::string(sample_format_name(f)) + " " + std::to_string(l.channels) +
                                         (expected ? " known" : " unknown");
                const std::string path = dir / "h.wav";
                write_wav(path, f, tones(l.channels, 48000, 0.1), expected);
                const std::string b = test::read_file(path);
                const uint32_t bytes = f == SampleFormat::s16 ? 2 : f == SampleFormat::s24 ? 3 : 4;
                EXPECT_EQ(b.compare(0, 4, "RIFF"), 0) << what;
                EXPECT_EQ(u32(b, 4) + 8u, b.size()) << what;
                EXPECT_EQ(b.compare(12, 4, expected ? "fmt " : "JUNK"), 0) << what;
                const size_t fmt = chunk_at(b, "fmt ");
                ASSERT_NE(fmt, std::string::npos) << what;
                const size_t p = fmt + 8;
                EXPECT_EQ(u32(b, fmt + 4), 40u) << what;
                EXPECT_EQ(u16(b, p), 0xFFFEu) << what;
                EXPECT_EQ(u16(b, p + 2), l.channels) << what;
                EXPECT_EQ(u32(b, p + 4), 48000u) << what;
                EXPECT_EQ(u32(b, p + 8), 48000u * l.channels * bytes) << what;
                EXPECT_EQ(u16(b, p + 12), l.channels * bytes) << what;
                EXPECT_EQ(u16(b, p + 14), bytes * 8) << what;
                EXPECT_EQ(u16(b, p + 16), 22u) << what;  // cbSize
                EXPECT_EQ(u16(b, p + 18), bytes * 8) << what;  // valid bits
                EXPECT_EQ(u32(b, p + 20), speaker::default_mask(l.channels)) << what;
                const std::string guid = std::string(f == SampleFormat::f32 ? "\x03" : "\x01", 1) +
                                         std::string("\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 15);
                EXPECT_EQ(b.substr(p + 24, 16), guid) << what;
                EXPECT_EQ(chunk_at(b, "fact") != std::string::npos, f == SampleFormat::f32) << what;
                const size_t data = chunk_at(b, "data");
                ASSERT_NE(data, std::string::npos) << what;
                EXPECT_EQ(u32(b, data + 4), 4800u * l.channels * bytes) << what;
                EXPECT_EQ(data + 8 + u32(b, data + 4), b.size()) << what;
            }
}

// ffprobe names the layout, sox counts the channels, and decoding (sox and
// ffmpeg, each reading the file its own way) finds every tone in its channel.
TEST(WavSurround, ToolsReadTheLayoutAndTheChannels) {
    test::TempDir dir;
    for (SampleFormat f : {SampleFormat::s16, SampleFormat::s24, SampleFormat::f32})
        for (const Layout& l : kLayouts) {
            const std::string what = std::string(sample_format_name(f)) + " " + l.ffprobe_name;
            const std::string path = dir / "t.wav";
            write_wav(path, f, tones(l.channels, 48000), std::nullopt);
            EXPECT_EQ(sink_test::ffprobe_layout(path), l.ffprobe_name) << what;
            EXPECT_EQ(test::run({"sox", "--i", "-c", path}).out, std::to_string(l.channels) + "\n") << what;
            const double sox_error = sink_test::expect_tones_in_place(test::sox_read(path), l.channels, what + " sox");
            const double ffmpeg_error = sink_test::expect_tones_in_place(
                sink_test::ffmpeg_decode(path, 48000, l.channels), l.channels, what + " ffmpeg");
            std::printf("[ measured ] WAV %-4s %-4s: ffprobe %s; worst tone error sox %.2e, ffmpeg %.2e\n",
                        sample_format_name(f), l.ffprobe_name, sink_test::ffprobe_layout(path).c_str(), sox_error,
                        ffmpeg_error);
        }
}

}  // namespace
}  // namespace simvx
