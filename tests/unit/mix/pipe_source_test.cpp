// A live pipe as a voice source: frames reassembled exactly, a late producer
// heard as a short fade to silence (counted once per gap), a fade back in
// when data returns, and the end of input ending the source.
#include "mix/pipe_source.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "core/error.hpp"
#include "support/audio.hpp"

namespace simvx {
namespace {

// A pipe whose read end a PipeSource opens by path (/dev/fd/N).
struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() { EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0); }
    ~Pipe() {
        close_write();
        if (fds[0] >= 0) ::close(fds[0]);
    }
    std::string path() const { return "/dev/fd/" + std::to_string(fds[0]); }
    void write_all(const std::string& bytes) const {
        size_t at = 0;
        while (at < bytes.size()) {
            const ssize_t n = ::write(fds[1], bytes.data() + at, bytes.size() - at);
            ASSERT_GT(n, 0);
            at += static_cast<size_t>(n);
        }
    }
    void close_write() {
        if (fds[1] >= 0) ::close(fds[1]);
        fds[1] = -1;
    }
};

void wait_ready(const PipeSource& s, size_t frames) {
    while (!s.ready(frames)) std::this_thread::sleep_for(std::chrono::microseconds(200));
}

// Pulls `frames` in blocks, waiting before each the way an offline render does.
std::vector<float> pull_waiting(PipeSource& s, size_t frames, size_t block = 480) {
    std::vector<float> out(frames * 2), buf(block * 2);
    size_t done = 0;
    while (done < frames) {
        const size_t n = std::min(block, frames - done);
        wait_ready(s, n);
        const size_t got = s.pull(buf.data(), n);
        std::copy_n(buf.begin(), got * s.channels(), out.begin() + static_cast<std::ptrdiff_t>(done * s.channels()));
        done += got;
        if (got < n) break;
    }
    out.resize(done * s.channels());
    return out;
}

PipeSetup setup_for(const Pipe& p, size_t buffer_frames = 4800) {
    return PipeSetup{.source = p.path(), .format = PcmFormat::s16, .rate = 48000, .channels = 2,
                     .engine_rate = 48000, .buffer_frames = buffer_frames};
}

TEST(PipeSource, RandomWriteSizesArriveExactlyAndTheEndEndsIt) {
    Pipe p;
    const auto left = test::sine(440, 48000, 30000, 0.5), right = test::sine(660, 48000, 30000, 0.5);
    std::vector<float> samples;
    for (size_t i = 0; i < left.size(); ++i) samples.insert(samples.end(), {left[i], right[i]});
    const std::string bytes = test::to_s16le(samples);
    PipeSource s(setup_for(p));
    std::thread writer([&] {
        std::mt19937 rng(3);
        std::uniform_int_distribution<size_t> size(1, 999);
        for (size_t at = 0; at < bytes.size();) {
            const size_t n = std::min(size(rng), bytes.size() - at);
            p.write_all(bytes.substr(at, n));
            at += n;
        }
        p.close_write();
    });
    const auto out = pull_waiting(s, 40000);
    writer.join();
    ASSERT_EQ(out.size(), samples.size());
    for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(std::lrint(out[i] * 32768.0f), std::lrint(samples[i] * 32768.0f)) << i;
    EXPECT_EQ(s.underruns(), 0u);
    EXPECT_EQ(s.error(), "");
}

TEST(PipeSource, LateProducerGivesAFadedGapCountedOnceThenResumes) {
    Pipe p;
    PipeSource s(setup_for(p));
    const std::vector<float> dc(4800 * 2, 0.5f);
    p.write_all(test::to_s16le(dc));
    const auto first = pull_waiting(s, 4800);
    ASSERT_EQ(first.size(), dc.size());
    EXPECT_EQ(first, dc);

    // The producer is late: the last frame decays to zero over 5 ms (240 frames), then silence.
    std::vector<float> gap(960 * 2);
    EXPECT_EQ(s.pull(gap.data(), 960), 960u);
    EXPECT_EQ(s.underruns(), 1u);
    const auto l = test::Pcm{48000, 2, gap}.channel(0);
    EXPECT_LE(test::max_step(l), 0.5 / 240 + 1e-6);
    EXPECT_GT(l[0], 0.49f);
    for (size_t i = 239; i < l.size(); ++i) ASSERT_EQ(l[i], 0.0f) << i;
    EXPECT_EQ(s.pull(gap.data(), 960), 960u);  // still the same gap: not counted again
    EXPECT_EQ(s.underruns(), 1u);
    for (float x : gap) ASSERT_EQ(x, 0.0f);

    // Data returns: once enough is buffered it fades back in over 5 ms.
    p.write_all(test::to_s16le(dc));
    p.close_write();
    const auto back = pull_waiting(s, 6000);
    ASSERT_EQ(back.size(), dc.size());  // all of it, then the end
    const auto b = test::Pcm{48000, 2, back}.channel(1);
    EXPECT_NEAR(b[0], 0.5f / 240, 1e-6);
    EXPECT_LE(test::max_step(b), 0.5 / 240 + 1e-6);
    for (size_t i = 239; i < b.size(); ++i) ASSERT_EQ(b[i], 0.5f) << i;
    EXPECT_EQ(s.underruns(), 1u);
}

TEST(PipeSource, NothingPlaysBeforeTheFirstDataAndThatIsNoUnderrun) {
    Pipe p;
    PipeSource s(setup_for(p));
    std::vector<float> out(512 * 2, 1.0f);
    EXPECT_EQ(s.pull(out.data(), 512), 512u);
    for (float x : out) ASSERT_EQ(x, 0.0f);
    EXPECT_EQ(s.underruns(), 0u);
    p.close_write();
    wait_ready(s, 512);
    EXPECT_EQ(s.pull(out.data(), 512), 0u);  // ended without data
}

TEST(PipeSource, FullBufferPushesBackOnTheProducer) {
    Pipe p;
    PipeSource s(setup_for(p, 4800));
    // 2 s of audio: far more than the buffer (0.1 s) and the pipe (64 KiB) hold.
    const std::string bytes = test::to_s16le(std::vector<float>(96000 * 2, 0.25f));
    std::atomic<size_t> written{0};
    std::thread writer([&] {
        for (size_t at = 0; at < bytes.size(); at += 4000) {
            p.write_all(bytes.substr(at, 4000));
            written += std::min<size_t>(4000, bytes.size() - at);
        }
        p.close_write();
    });
    wait_ready(s, 4800);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // Nothing pulled yet: the writer is blocked with most of its bytes unwritten.
    EXPECT_LT(written.load(), bytes.size() / 2);
    const auto out = pull_waiting(s, 100000, 1024);
    writer.join();
    EXPECT_EQ(out.size(), 96000u * 2);  // and nothing was dropped
    EXPECT_EQ(s.underruns(), 0u);
}

TEST(PipeSource, MonoWavHeaderArrivingLateSetsTheChannels) {
    Pipe p;
    PipeSetup setup = setup_for(p);
    setup.format = PcmFormat::wav;
    PipeSource s(setup);
    EXPECT_EQ(s.channels(), 2u);  // not known yet
    std::string header = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ', 16, 0, 0, 0,
                          1, 0, 1, 0, static_cast<char>(0x80), static_cast<char>(0xBB), 0, 0, 0, 0x77, 1, 0,
                          2, 0, 16, 0, 'd', 'a', 't', 'a', -1, -1, -1, -1};
    p.write_all(header);
    p.write_all(test::to_s16le(std::vector<float>(3000, 0.5f)));
    p.close_write();
    // All 3000 frames and the end are in (a pull before that would find a
    // gap, and pad it with silence as an underrun does).
    while (!s.input_ended()) std::this_thread::sleep_for(std::chrono::microseconds(200));
    EXPECT_EQ(s.channels(), 1u);
    std::vector<float> out(4000 * 2);
    EXPECT_EQ(s.pull(out.data(), 4000), 3000u);
    for (size_t i = 0; i < 3000; ++i) ASSERT_EQ(out[i], 0.5f);
}

TEST(PipeSource, MissingPathIsAnInputError) {
    EXPECT_THROW(PipeSource(PipeSetup{.source = "/nonexistent/voice.fifo"}), InputError);
}

}  // namespace
}  // namespace simvx
