// Surround through the encoders: FLAC stores WAV's order (and says the
// layout), Vorbis and Opus are given their own order (Opus with mapping
// family 1), and MP3, which has no surround, refuses before writing anything.
// Each file is read back by tools that are not ours, which report the layout
// and put the channels back in WAV order: every tone must be in its channel.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/speakers.hpp"
#include "sink/encode/vorbis_channel_order.hpp"
#include "support/tempdir.hpp"
#include "sink_files.hpp"

namespace simvx {
namespace {

using sink_test::ffprobe_layout;
using sink_test::tones;

using sink_test::kLayouts;
using sink_test::Layout;
constexpr uint32_t kRate = 48000;

TEST(VorbisChannelOrder, PositionsPerLayout) {
    using V = std::vector<uint32_t>;
    EXPECT_EQ(vorbis_order(6).source, (V{0, 2, 1, 4, 5, 3}));        // FL FC FR BL BR LFE
    EXPECT_EQ(vorbis_order(8).source, (V{0, 2, 1, 6, 7, 4, 5, 3}));  // FL FC FR SL SR BL BR LFE
    EXPECT_EQ(vorbis_order(3).source, (V{0, 2, 1}));                  // L C R
    EXPECT_EQ(vorbis_order(5).source, (V{0, 2, 1, 3, 4}));            // FL C FR BL BR
    EXPECT_EQ(vorbis_order(7).source, (V{0, 2, 1, 5, 6, 4, 3}));      // FL C FR SL SR BC LFE
    EXPECT_FALSE(vorbis_order(6).identity);
    for (uint32_t same : {1u, 2u, 4u, 10u}) {
        EXPECT_TRUE(vorbis_order(same).identity) << same;
        EXPECT_EQ(vorbis_order(same).source.size(), same);
    }
    std::vector<float> out;
    to_vorbis_order(vorbis_order(6), std::vector<float>{0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15}, out);
    EXPECT_EQ(out, (std::vector<float>{0, 2, 1, 4, 5, 3, 10, 12, 11, 14, 15, 13}));
}

TEST(EncodersSurround, Flac) {
    test::TempDir dir;
    for (SampleFormat f : {SampleFormat::s16, SampleFormat::s24})
        for (const Layout& l : kLayouts) {
            const std::string what = std::string("FLAC ") + sample_format_name(f) + " " + l.ffprobe_name;
            const std::string path = dir / "t.flac";
            sink_test::write_file(path, Encoding{.codec = Codec::flac, .format = f}, tones(l.channels, kRate));
            EXPECT_EQ(ffprobe_layout(path), l.ffprobe_name) << what;
            char mask[64];
            std::snprintf(mask, sizeof mask, "WAVEFORMATEXTENSIBLE_CHANNEL_MASK=0x%04X\n", speaker::default_mask(l.channels));
            EXPECT_EQ(test::run({"metaflac", "--show-tag=WAVEFORMATEXTENSIBLE_CHANNEL_MASK", path}).out, mask) << what;
            // The reference decoder, then sox (which reads WAV in file order).
            const auto decoded = test::run({"flac", "-d", "-s", "-f", "-o", dir / "d.wav", path});
            ASSERT_EQ(decoded.status, 0) << decoded.err;
            const double error = sink_test::expect_tones_in_place(test::sox_read(dir / "d.wav"), l.channels, what);
            std::printf("[ measured ] %s: ffprobe %s, flac -d: %u channels; worst tone error %.2e\n", what.c_str(),
                        ffprobe_layout(path).c_str(), test::sox_read(dir / "d.wav").channels, error);
        }
}

// Vorbis and Opus store their own order; ffmpeg's decoders put the channels
// back in WAV order and name the layout. Returns the worst tone error.
double check_with_ffmpeg(Codec codec, const Layout& l, const std::string& path) {
    const std::string what = std::string(codec_name(codec)) + " " + l.ffprobe_name;
    sink_test::write_file(path, Encoding{.codec = codec}, tones(l.channels, kRate));
    EXPECT_EQ(ffprobe_layout(path), l.ffprobe_name) << what;
    return sink_test::expect_tones_in_place(sink_test::ffmpeg_decode(path, kRate, l.channels), l.channels,
                                                what + " ffmpeg");
}

// The stream itself is in Vorbis order (the specification's section 4.3.9),
// as `oggdec --raw` gives it untouched: the WAV channel each position holds.
// (oggdec 1.4.2's WAV output is no reference: it misplaces 5.1's back and LFE
// channels and garbles 7.1, also for oggenc's own files.)
std::vector<uint32_t> vorbis_positions(uint32_t channels) {
    switch (channels) {
        case 4: return {0, 1, 2, 3};              // FL FR BL BR
        case 6: return {0, 2, 1, 4, 5, 3};        // FL FC FR BL BR LFE
        default: return {0, 2, 1, 6, 7, 4, 5, 3};  // FL FC FR SL SR BL BR LFE
    }
}

TEST(EncodersSurround, Vorbis) {
    test::TempDir dir;
    for (const Layout& l : kLayouts) {
        const std::string path = dir / "t.ogg";
        const double ffmpeg_error = check_with_ffmpeg(Codec::vorbis, l, path);
        const auto raw = test::run({"oggdec", "--quiet", "--raw", "--output", "-", path});
        ASSERT_EQ(raw.status, 0) << raw.err;
        std::vector<float> samples;
        for (int16_t v : test::from_s16le(raw.out)) samples.push_back(static_cast<float>(v) / 32768.0f);
        const test::Pcm stored{kRate, l.channels, samples};
        const double stored_error =
            sink_test::expect_tones(stored, vorbis_positions(l.channels), std::string("Vorbis stored ") + l.ffprobe_name);
        std::printf("[ measured ] Vorbis %-4s: ffprobe %s; worst tone error ffmpeg %.2e, oggdec --raw (Vorbis order) %.2e\n",
                    l.ffprobe_name, ffprobe_layout(path).c_str(), ffmpeg_error, stored_error);
    }
}

// Mapping family 1, whose channel order is Vorbis's; opusdec's WAV output
// is in WAV order too.
TEST(EncodersSurround, Opus) {
    test::TempDir dir;
    for (const Layout& l : kLayouts) {
        const std::string path = dir / "t.opus";
        const double ffmpeg_error = check_with_ffmpeg(Codec::opus, l, path);
        // OpusHead: magic, version, channel count, pre-skip, rate, gain, then the mapping family.
        const std::string bytes = test::read_file(path);
        const size_t head = bytes.find("OpusHead");
        ASSERT_NE(head, std::string::npos);
        EXPECT_EQ(bytes[head + 9], static_cast<char>(l.channels));
        EXPECT_EQ(bytes[head + 18], 1) << "mapping family";
        const auto decoded = test::run({"opusdec", "--quiet", "--rate", "48000", path, dir / "d.wav"});
        ASSERT_EQ(decoded.status, 0) << decoded.err;
        const double opusdec_error = sink_test::expect_tones_in_place(test::sox_read(dir / "d.wav"), l.channels,
                                                                          std::string("Opus opusdec ") + l.ffprobe_name);
        std::printf("[ measured ] Opus %-4s: ffprobe %s; worst tone error ffmpeg %.2e, opusdec %.2e\n", l.ffprobe_name,
                    ffprobe_layout(path).c_str(), ffmpeg_error, opusdec_error);
    }
}

TEST(EncodersSurround, Mp3RefusesMoreThanTwoChannelsBeforeWriting) {
    test::TempDir dir;
    const std::string path = dir / "t.mp3";
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    try {
        make_writer(WriterTarget{file, path, true, AudioSpec{kRate, 6}, std::nullopt}, Encoding{.codec = Codec::mp3});
        ADD_FAILURE() << "no error";
    } catch (const OutputError& e) {
        EXPECT_EQ(std::string(e.what()),
                  path + ": MP3 holds at most 2 channels, and this render has 6: use WAV, FLAC, Ogg Vorbis or Opus for surround");
    }
    std::fclose(file);
    EXPECT_EQ(test::read_file(path).size(), 0u);
}

}  // namespace
}  // namespace simvx
