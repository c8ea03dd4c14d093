// The FFmpeg fallback decoder (decode/ffmpeg.cpp): containers and codecs no
// native decoder covers, made by sox and ffmpeg(1) and decoded through
// open_decoder_file (so the registry's order and sniffing are exercised).
// Lossless inputs must equal sox's or ffmpeg(1)'s decode bit for bit; lossy
// ones must match ffmpeg(1)'s decode in length and samples and keep the tone.
// Seeks land on the exact frame; layouts keep their speakers; ReplayGain tags
// are read; a video-only or truncated file is refused with what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/speakers.hpp"
#include "decode/registry.hpp"
#include "decode_all.hpp"
#include "support/audio.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

using test::TempDir;
using test::decode_float;
using test::decode_int;

struct FallbackCase {
    const char* name;
    const char* file;      // output name; the extension picks ffmpeg's muxer
    const char* encode;    // ffmpeg arguments between the input and the output
    const char* format;    // what info().format must start with
    uint32_t rate;
    uint32_t channels;
    bool lossless;
    uint32_t bits;         // info().bits for lossless integer codecs
};
void PrintTo(const FallbackCase& c, std::ostream* os) { *os << c.name; }

// Each channel c carries a sine of 440 * (c + 1) Hz at -6 dBFS, 2 s.
const FallbackCase kCases[] = {
    {"aiff_s16", "x.aiff", "-c:a pcm_s16be", "PCM signed 16-bit big-endian in AIFF", 44100, 2, true, 16},
    {"aiff_s24", "x.aiff", "-c:a pcm_s24be", "PCM signed 24-bit big-endian in AIFF", 48000, 2, true, 24},
    {"alac_m4a", "x.m4a", "-c:a alac -sample_fmt s16p", "ALAC (Apple Lossless Audio Codec) in MP4/M4A", 44100, 2, true, 16},
    {"alac24_caf", "x.caf", "-c:a alac -sample_fmt s32p", "ALAC (Apple Lossless Audio Codec) in CAF", 96000, 1, true, 24},
    {"wavpack", "x.wv", "-c:a wavpack -sample_fmt s16p", "WavPack in WavPack", 44100, 2, true, 16},
    // PNS (noise substitution) draws from the decoder's random state, which a
    // seek restarts: noise bands differ after any seek, in ffmpeg(1) too.
    {"aac_m4a", "x.m4a", "-c:a aac -aac_pns 0 -b:a 160k", "AAC (Advanced Audio Coding) in MP4/M4A", 48000, 2, false, 0},
    {"aac_adts", "x.aac", "-c:a aac -aac_pns 0 -b:a 128k", "AAC (Advanced Audio Coding) in ADTS", 44100, 1, false, 0},
    {"wma", "x.wma", "-c:a wmav2 -b:a 128k", "Windows Media Audio 2 in ASF/WMA", 44100, 2, false, 0},
    {"ac3", "x.ac3", "-c:a ac3 -b:a 192k", "ATSC A/52A (AC-3) in AC-3", 48000, 2, false, 0},
    // WAV codecs the native reader leaves to the fallback.
    {"wav_mulaw", "x.wav", "-c:a pcm_mulaw", "PCM mu-law / G.711 mu-law in WAV", 8000, 1, false, 0},
    {"wav_ima_adpcm", "x.wav", "-c:a adpcm_ima_wav", "ADPCM IMA WAV in WAV", 22050, 2, false, 0},
    {"opus_mka", "x.mka", "-c:a libopus -b:a 128k", "Opus (Opus Interactive Audio Codec) in Matroska/WebM", 48000, 2,
     false, 0},
};

std::string make_source(const TempDir& dir, uint32_t rate, uint32_t channels) {
    const std::string wav = dir / "src.wav";
    std::vector<std::vector<float>> chans;
    for (uint32_t c = 0; c < channels; ++c) chans.push_back(test::sine(440.0 * (c + 1), rate, 2 * rate, 0.5));
    test::write_wav(wav, test::interleave(chans, rate), test::WavFormat::s24);
    return wav;
}

std::string encode(const TempDir& dir, const FallbackCase& c) {
    const std::string src = make_source(dir, c.rate, c.channels), out = dir / c.file;
    test::sh("ffmpeg -v error -y -i '" + src + "' " + c.encode + " '" + out + "'");
    return out;
}

// ffmpeg(1)'s decode of `path` in `sample_fmt` (f32le or s32le), interleaved.
std::string ffmpeg_decode(const std::string& path, const char* sample_fmt) {
    const test::RunResult r = test::run({"ffmpeg", "-v", "error", "-i", path, "-f", sample_fmt, "-"});
    if (r.status != 0) throw std::runtime_error("ffmpeg failed: " + r.err);
    return r.out;
}

std::vector<float> channel(const std::vector<float>& x, uint32_t channels, uint32_t c) {
    std::vector<float> out;
    for (size_t i = c; i < x.size(); i += channels) out.push_back(x[i]);
    return out;
}

class FfmpegFallback : public testing::TestWithParam<FallbackCase> {
protected:
    void SetUp() override {
        if (!test::have_tool("ffmpeg")) GTEST_SKIP() << "needs ffmpeg";
        path_ = encode(dir_, GetParam());
    }
    TempDir dir_;
    std::string path_;
};

TEST_P(FfmpegFallback, DecodesWhatFfmpegDecodes) {
    const FallbackCase& c = GetParam();
    auto dec = open_decoder_file(path_);
    const DecoderInfo& info = dec->info();
    EXPECT_EQ(info.format.rfind(c.format, 0), 0u) << info.format;
    EXPECT_NE(info.format.find("through FFmpeg"), std::string::npos) << info.format;
    EXPECT_EQ(info.spec.rate, c.rate);
    EXPECT_EQ(info.spec.channels, c.channels);
    EXPECT_EQ(info.lossless, c.lossless);
    EXPECT_EQ(info.bits, c.bits);

    const std::vector<float> ours = decode_float(*dec);
    const std::string ref_bytes = ffmpeg_decode(path_, "f32le");
    const test::Pcm ref = test::from_f32le(ref_bytes, c.rate, c.channels);
    // Where the container states the length to the frame, the decode ends
    // there: ffmpeg(1) 5.1 also plays an MP4's last AAC frame, which is
    // padding past the edit list's end. The source was 2 s long.
    size_t frames = ref.frames();
    if (info.frames) {
        EXPECT_EQ(*info.frames, 2u * c.rate) << "the stated length is the source's";
        frames = std::min<size_t>(frames, *info.frames);
    }
    ASSERT_EQ(ours.size(), frames * c.channels) << "frames: ours " << ours.size() / c.channels << ", ffmpeg "
                                                << ref.frames();
    // The same library decodes both: the samples agree to float rounding.
    double worst = 0;
    for (size_t i = 0; i < ours.size(); ++i) worst = std::max(worst, std::abs(double(ours[i]) - ref.samples[i]));
    EXPECT_LE(worst, 1e-6);
    // And the tone on each channel is where it was put.
    for (uint32_t ch = 0; ch < c.channels; ++ch) {
        const std::vector<float> x = channel(ours, c.channels, ch);
        const std::vector<float> middle(x.begin() + x.size() / 4, x.begin() + 3 * x.size() / 4);
        EXPECT_NEAR(test::peak_frequency(middle, c.rate), 440.0 * (ch + 1), 0.5) << "channel " << ch;
        EXPECT_NEAR(test::rms_db(middle), -9.03, c.lossless ? 0.01 : 0.5) << "channel " << ch;
    }
}

TEST_P(FfmpegFallback, LosslessIsBitExact) {
    const FallbackCase& c = GetParam();
    if (!c.lossless) GTEST_SKIP() << "lossy codec";
    auto dec = open_decoder_file(path_);
    ASSERT_TRUE(dec->can_read_int());
    const std::vector<int32_t> ours = decode_int(*dec);
    // ffmpeg(1)'s s32 is left-justified like read_int; the 24-bit source's
    // samples, cut to `bits`, are what every lossless encode must give back.
    const std::string ref_bytes = ffmpeg_decode(path_, "s32le");
    std::vector<int32_t> ref(ref_bytes.size() / 4);
    std::memcpy(ref.data(), ref_bytes.data(), ref.size() * 4);
    ASSERT_EQ(ours.size(), ref.size());
    EXPECT_TRUE(ours == ref) << "integer samples differ from ffmpeg's decode";
    const uint32_t unused = 32 - c.bits;
    for (int32_t v : ours) ASSERT_EQ(v & ((int64_t{1} << unused) - 1), 0) << "bits below the stated depth";
}

TEST_P(FfmpegFallback, SeeksToTheExactFrame) {
    const FallbackCase& c = GetParam();
    auto dec = open_decoder_file(path_);
    const std::vector<float> all = decode_float(*dec);
    const size_t frames = all.size() / c.channels;
    for (uint64_t target : {uint64_t{0}, uint64_t{12345}, uint64_t{frames / 2 + 7}, uint64_t{333}}) {
        dec->seek(target);
        const std::vector<float> tail = decode_float(*dec);
        ASSERT_EQ(tail.size(), all.size() - target * c.channels) << "after a seek to " << target;
        // Lossless: the same samples. Lossy: the codec restarts a few frames
        // before the target, and its output has settled by then.
        double worst = 0;
        for (size_t i = 0; i < tail.size(); ++i)
            worst = std::max(worst, std::abs(double(tail[i]) - all[target * c.channels + i]));
        if (c.lossless) {
            EXPECT_EQ(worst, 0.0) << "after a seek to " << target;
        } else {
            EXPECT_LT(20 * std::log10(std::max(worst, 1e-12)), -60.0) << "after a seek to " << target;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Containers, FfmpegFallback, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<FallbackCase>& p) { return std::string(p.param.name); });

// sox's own AIFF reader (no FFmpeg in it) gives the same samples.
TEST(FfmpegFallbackAiff, MatchesSoxBitForBit) {
    if (!test::have_tool("sox")) GTEST_SKIP() << "needs sox";
    TempDir dir;
    const std::string aiff = dir / "x.aiff";
    test::sh("sox -D -n -r 44100 -c 2 -b 16 '" + aiff + "' synth 1.5 sine 440 sine 1250 gain -3");
    auto dec = open_decoder_file(aiff);
    const std::vector<int32_t> ours = decode_int(*dec);
    const test::RunResult r = test::run({"sox", aiff, "-t", "s32", "-"});
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<int32_t> ref(r.out.size() / 4);
    std::memcpy(ref.data(), r.out.data(), ref.size() * 4);
    EXPECT_EQ(ours.size(), 2u * 66150);
    EXPECT_TRUE(ours == ref);
}

// FFmpeg's 5.1 order is the WAV order: each channel keeps its speaker.
TEST(FfmpegFallbackLayout, SurroundKeepsItsSpeakers) {
    if (!test::have_tool("ffmpeg")) GTEST_SKIP() << "needs ffmpeg";
    TempDir dir;
    const std::string src = make_source(dir, 48000, 6), m4a = dir / "x.m4a";
    test::sh("ffmpeg -v error -y -i '" + src + "' -af aformat=channel_layouts=5.1 -c:a alac '" + m4a + "'");
    auto dec = open_decoder_file(m4a);
    using namespace speaker;
    EXPECT_EQ(dec->info().channel_mask, FL | FR | FC | LFE | BL | BR);
    const std::vector<float> all = decode_float(*dec);
    for (uint32_t c = 0; c < 6; ++c) {
        const std::vector<float> x = channel(all, 6, c);
        EXPECT_NEAR(test::peak_frequency(x, 48000), 440.0 * (c + 1), 0.5) << "channel " << c;
    }
}

TEST(FfmpegFallbackTags, ReplayGainTagsAreRead) {
    if (!test::have_tool("ffmpeg")) GTEST_SKIP() << "needs ffmpeg";
    TempDir dir;
    const std::string src = make_source(dir, 44100, 2), wv = dir / "x.wv";
    test::sh("ffmpeg -v error -y -i '" + src + "' -c:a wavpack -metadata REPLAYGAIN_TRACK_GAIN='-6.50 dB' "
             "-metadata REPLAYGAIN_TRACK_PEAK=0.501 -metadata REPLAYGAIN_ALBUM_GAIN='-4.25 dB' '" + wv + "'");
    auto dec = open_decoder_file(wv);
    const GainTags& g = dec->info().gain;
    ASSERT_TRUE(g.track_gain_db && g.track_peak && g.album_gain_db);
    EXPECT_DOUBLE_EQ(*g.track_gain_db, -6.5);
    EXPECT_DOUBLE_EQ(*g.track_peak, 0.501);
    EXPECT_DOUBLE_EQ(*g.album_gain_db, -4.25);
}

TEST(FfmpegFallbackRefusals, VideoWithoutAudioIsRefused) {
    if (!test::have_tool("ffmpeg")) GTEST_SKIP() << "needs ffmpeg";
    TempDir dir;
    const std::string mp4 = dir / "v.mp4";
    test::sh("ffmpeg -v error -y -f lavfi -i testsrc=d=1:s=64x64 -c:v mpeg4 '" + mp4 + "'");
    try {
        open_decoder_file(mp4);
        FAIL() << "a video without audio was taken";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("MP4/M4A file has no audio stream"), std::string::npos) << e.what();
    }
}

TEST(FfmpegFallbackRefusals, TruncatedMp4SaysWhy) {
    if (!test::have_tool("ffmpeg")) GTEST_SKIP() << "needs ffmpeg";
    TempDir dir;
    const std::string src = make_source(dir, 44100, 2), m4a = dir / "x.m4a", cut = dir / "cut.m4a";
    // The sample tables ("moov") come last by default: cutting the end loses them.
    test::sh("ffmpeg -v error -y -i '" + src + "' -c:a aac '" + m4a + "' && head -c 4000 '" + m4a + "' > '" + cut + "'");
    try {
        open_decoder_file(cut);
        FAIL() << "a truncated MP4 was taken";
    } catch (const InputError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(cut + ": cannot open the MP4/M4A file: "), std::string::npos) << what;
        EXPECT_NE(what.find("moov atom not found"), std::string::npos) << what;
    }
}

// Every damaged packet after the first is skipped with a warning, as ffmpeg
// does; what decodes around the damage is kept.
TEST(FfmpegFallbackDamage, DamagedPacketsAreSkipped) {
    if (!test::have_tool("ffmpeg")) GTEST_SKIP() << "needs ffmpeg";
    TempDir dir;
    const std::string src = make_source(dir, 44100, 1), aac = dir / "x.aac";
    test::sh("ffmpeg -v error -y -i '" + src + "' -c:a aac '" + aac + "'");
    std::string bytes = test::read_file(aac);
    for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 200; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
    auto dec = open_decoder(ByteSource::from_memory({bytes.begin(), bytes.end()}, "damaged.aac"));
    const std::vector<float> all = decode_float(*dec);
    EXPECT_GT(all.size(), 44100u * 3 / 2) << "the audio after the damage was lost";
    EXPECT_LT(all.size(), 44100u * 2 + 4096);
}

}  // namespace
}  // namespace simvx
