// The offline render's streamed source decodes on the caller's thread when
// asked to fill, and gives exactly the samples of the threaded StreamSource.
#include <gtest/gtest.h>

#include <thread>

#include "decode/registry.hpp"
#include "mix/offline_stream_source.hpp"
#include "mix/sound_loader.hpp"
#include "mix/stream_source.hpp"
#include "support/audio.hpp"
#include "support/tempdir.hpp"

namespace simvx {
namespace {

// Pulls `frames` (or up to the end) in uneven blocks, filling or waiting before each, as an offline render
// does; with `ahead`, the next block is decoded ahead on another thread while this one is pulled; with
// `lending`, each block is borrowed where the source lends it (as a voice does) and pulled otherwise.
std::vector<float> drain(VoiceSource& s, size_t frames, size_t block = 777, bool ahead = false, bool lending = false) {
    std::vector<float> out, buf(block * s.channels());
    size_t done = 0;
    while (done < frames) {
        const size_t want = std::min(block, frames - done);
        s.fill(want);
        while (!s.ready(want)) std::this_thread::sleep_for(std::chrono::microseconds(100));
        std::thread prefetch;
        if (ahead) prefetch = std::thread([&] { s.prefetch(want); });
        const float* lent = lending ? s.lend(want) : nullptr;
        if (lent) std::copy_n(lent, want * s.channels(), buf.begin());
        const size_t n = lent ? want : s.pull(buf.data(), want);
        if (prefetch.joinable()) prefetch.join();
        out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n * s.channels()));
        done += n;
        if (n < want) break;
    }
    return out;
}

std::vector<float> both_ways(const std::string& path, const StreamSetup& setup, size_t frames, std::vector<float>& threaded) {
    StreamSource t(open_decoder_file(path), path, setup);
    threaded = drain(t, frames);
    OfflineStreamSource o(open_decoder_file(path), path, setup);
    auto out = drain(o, frames);
    EXPECT_EQ(o.underruns(), 0u);
    EXPECT_TRUE(o.error().empty());
    OfflineStreamSource ahead(open_decoder_file(path), path, setup);
    EXPECT_EQ(drain(ahead, frames, 1000, true), out);  // decoding ahead changes nothing
    EXPECT_EQ(ahead.underruns(), 0u);
    OfflineStreamSource lending(open_decoder_file(path), path, setup);
    EXPECT_EQ(drain(lending, frames, 1000, true, true), out);  // nor does mixing from its buffer
    return out;
}

TEST(OfflineStreamSource, SameSamplesAsDecodingIntoMemory) {
    test::TempDir dir;
    const auto path = dir / "in.wav";
    test::write_wav(path, test::interleave({test::sine(440, 48000, 100000, 0.5), test::sine(660, 48000, 100000, 0.3)}, 48000),
                    test::WavFormat::s16);
    const auto whole = load_sound(path, 48000);
    OfflineStreamSource s(open_decoder_file(path), path, StreamSetup{.engine_rate = 48000});
    EXPECT_FALSE(s.ready(1000));  // nothing is decoded until asked
    const auto streamed = drain(s, 1000000);
    EXPECT_EQ(streamed, std::vector<float>(whole->samples.begin(), whole->samples.end()));  // bit for bit, and it ends where the file does
}

TEST(OfflineStreamSource, BitExactWithTheThreadedStreamWhenResampledSeekedAndLooped) {
    test::TempDir dir;
    const auto path = dir / "in.wav";
    test::write_wav(path, test::interleave({test::sine(1000, 44100, 88200, 0.5), test::sine(1500, 44100, 88200, 0.25)}, 44100),
                    test::WavFormat::f32);
    std::vector<float> threaded;
    auto offline = both_ways(path, StreamSetup{.engine_rate = 48000, .from = 5000}, 1000000, threaded);
    EXPECT_GT(offline.size(), 80000u * 2);
    EXPECT_EQ(offline, threaded);
    offline = both_ways(path, StreamSetup{.engine_rate = 48000, .from = 3000, .loop = true, .loop_start = 1000, .loop_end = 30000},
                        200000, threaded);
    ASSERT_EQ(offline.size(), 200000u * 2);
    EXPECT_EQ(offline, threaded);
}

// An 8 kHz file at 48 kHz: one decoder step yields six blocks. Decoding
// ahead must only make up what the next block lacks, or the buffer (and the
// time spent moving it) grows with the length of the file.
TEST(OfflineStreamSource, DecodingAheadStaysBoundedWhenAStepYieldsManyBlocks) {
    test::TempDir dir;
    const auto path = dir / "in.wav";
    test::write_wav(path, test::interleave({test::sine(440, 8000, 8000 * 120, 0.5)}, 8000), test::WavFormat::s16);
    OfflineStreamSource s(open_decoder_file(path), path, StreamSetup{.engine_rate = 48000});
    std::vector<float> buf(4096);
    size_t most = 0;
    for (int block = 0; block < 1000; ++block) {
        s.fill(4096);
        most = std::max(most, s.buffered());
        s.prefetch(4096);
        ASSERT_EQ(s.pull(buf.data(), 4096), 4096u);
    }
    EXPECT_LT(most, 4096u * 12) << "a decoder step is 4096 frames at 8 kHz: 24576 at 48 kHz";
}

// What a block needs was decoded ahead: fill() only takes it over, which the
// caller does itself rather than wake a thread for; otherwise it decodes.
TEST(OfflineStreamSource, FillDecodesOnlyWhatTheDecodingAheadLeftOut) {
    test::TempDir dir;
    const auto path = dir / "in.wav";
    test::write_wav(path, test::interleave({test::sine(440, 48000, 48000, 0.5)}, 48000), test::WavFormat::s16);
    OfflineStreamSource s(open_decoder_file(path), path, StreamSetup{.engine_rate = 48000});
    std::vector<float> buf(1000);
    EXPECT_TRUE(s.fill_decodes(1000));
    s.fill(1000);
    EXPECT_TRUE(s.lend(1000) != nullptr);
    EXPECT_TRUE(s.fill_decodes(20000)) << "a decoder step is 4096 frames";
    s.prefetch(1000);
    EXPECT_FALSE(s.fill_decodes(1000));
    s.fill(1000);
    EXPECT_EQ(s.lend(s.buffered() + 1), nullptr) << "lends only what it holds";
    // To the end: the last short block is pulled, and then nothing more needs decoding.
    while (s.lend(1000)) {
        s.fill(1000);
        s.prefetch(1000);
    }
    EXPECT_EQ(s.pull(buf.data(), 1000), 0u);  // 48 blocks of 1000: all played
    s.fill(1000);
    EXPECT_FALSE(s.fill_decodes(1000));
}

TEST(OfflineStreamSource, PulledWithoutFillIsAGapNotAWait) {
    test::TempDir dir;
    const auto path = dir / "in.wav";
    test::write_wav(path, test::interleave({std::vector<float>(48000, 0.25f)}, 48000), test::WavFormat::f32);
    OfflineStreamSource s(open_decoder_file(path), path, StreamSetup{.engine_rate = 48000});
    std::vector<float> buf(1000, 1.0f);
    EXPECT_EQ(s.pull(buf.data(), buf.size()), buf.size());
    EXPECT_EQ(s.underruns(), 1u);
    EXPECT_EQ(buf.front(), 0.0f);
    s.fill(1000);
    EXPECT_EQ(s.pull(buf.data(), buf.size()), buf.size());
    EXPECT_EQ(buf.back(), 0.25f);
}

}  // namespace
}  // namespace simvx
