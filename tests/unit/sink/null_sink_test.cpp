// The null output as a device simulator: its modes parse with clear errors,
// and each does what a real device would (pace, stalls counted as underruns,
// a lost device counted as a reconnect) while delivering every frame.
#include "sink/null_sink.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/error.hpp"

namespace simvx {
namespace {

TEST(NullDevice, ParsesEachModeWithItsDefaultsAndValues) {
    EXPECT_EQ(parse_null_device("").mode, NullDevice::Mode::realtime);
    EXPECT_EQ(parse_null_device("realtime").mode, NullDevice::Mode::realtime);
    EXPECT_EQ(parse_null_device("untimed").mode, NullDevice::Mode::untimed);
    const NullDevice j = parse_null_device("jitter:0.25");
    EXPECT_EQ(j.mode, NullDevice::Mode::jitter);
    EXPECT_DOUBLE_EQ(j.jitter, 0.25);
    EXPECT_DOUBLE_EQ(parse_null_device("jitter").jitter, 0.5);
    const NullDevice s = parse_null_device("stall");
    EXPECT_DOUBLE_EQ(s.every_s, 2.0);
    EXPECT_DOUBLE_EQ(s.for_s, 0.1);
    const NullDevice l = parse_null_device("lost:1.5:0.25");
    EXPECT_EQ(l.mode, NullDevice::Mode::lost);
    EXPECT_DOUBLE_EQ(l.every_s, 1.5);
    EXPECT_DOUBLE_EQ(l.for_s, 0.25);
    EXPECT_DOUBLE_EQ(parse_null_device("lost").for_s, 0.5);
}

std::string error_of(std::string_view spec) {
    try {
        parse_null_device(spec);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::no_device);
        return e.what();
    }
    return "(no error)";
}

TEST(NullDevice, WrongModesSayWhatIsWrongAndSuggest) {
    EXPECT_NE(error_of("stal").find("did you mean 'stall'?"), std::string::npos) << error_of("stal");
    EXPECT_NE(error_of("speaker").find("modes: realtime, untimed, jitter, stall, lost"), std::string::npos);
    EXPECT_NE(error_of("jitter:2").find("FRACTION must be from 0 to 1, not 2"), std::string::npos) << error_of("jitter:2");
    EXPECT_NE(error_of("stall:x").find("'x' is not a number (EVERY)"), std::string::npos);
    EXPECT_NE(error_of("stall:1:nan").find("not a number (FOR)"), std::string::npos) << error_of("stall:1:nan");
    EXPECT_NE(error_of("untimed:3").find("too many values: the form is untimed"), std::string::npos);
    EXPECT_NE(error_of("lost:1:2:3").find("the form is lost[:EVERY[:FOR]]"), std::string::npos);
}

// Pulls `seconds` of silence through a sink; returns the frames it took.
uint64_t play(NullSink& sink, double seconds, uint32_t rate = 48000) {
    sink.open(AudioSpec{rate, 2});
    const auto total = static_cast<uint64_t>(seconds * rate);
    std::atomic<uint64_t> given{0};
    sink.start([&](std::span<float> out) {
        const uint64_t n = std::min<uint64_t>(out.size() / 2, total - given.load());
        std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n * 2), 0.0f);
        given += n;
        return static_cast<size_t>(n);
    });
    sink.finish();
    return sink.frames_written();
}

TEST(NullSink, UntimedPullsEveryFrameWithoutAClock) {
    NullSink sink(0.02, parse_null_device("untimed"));
    // Ten minutes of audio: a clock would take ten minutes (ctest's timeout is five).
    EXPECT_EQ(play(sink, 600), 600u * 48000);
    EXPECT_EQ(sink.underruns(), 0u);
    EXPECT_NE(sink.describe().find("untimed"), std::string::npos);
}

TEST(NullSink, ALostDeviceComesBackAndLosesNoFrame) {
    NullSink sink(0.01, parse_null_device("lost:0.2:0.05"));
    std::atomic<bool> seen_away{false};
    std::atomic<bool> done{false};
    std::thread watcher([&] {
        while (!done) {
            if (sink.reconnecting()) seen_away = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    EXPECT_EQ(play(sink, 0.7), static_cast<uint64_t>(0.7 * 48000));
    done = true;
    watcher.join();
    // Away after 0.2, 0.4 and 0.6 s of audio: three times, and not one
    // frame missing (the engine is not pulled while the device is gone).
    EXPECT_EQ(sink.reconnects(), 3u);
    EXPECT_TRUE(seen_away);
    EXPECT_FALSE(sink.reconnecting());
}

TEST(NullSink, AStalledDeviceThreadCountsAnUnderrunPerStall) {
    NullSink sink(0.01, parse_null_device("stall:0.25:0.05"));
    EXPECT_EQ(play(sink, 1.0), 48000u);
    // Stalls at 0.25, 0.5, 0.75 and 1 s of audio: each holds the thread five
    // periods, far past the one the device has queued (the last one comes
    // after the final pull, when nothing is pulled any more).
    EXPECT_GE(sink.underruns(), 3u);
}

// The same stalls while the mix says it is paused and silent: the device ran
// dry of silence, which is no underrun.
TEST(NullSink, StallsWhileTheMixIsQuietAreNoUnderruns) {
    NullSink sink(0.01, parse_null_device("stall:0.25:0.05"));
    sink.set_quiet_probe([] { return true; });
    EXPECT_EQ(play(sink, 1.0), 48000u);
    EXPECT_EQ(sink.underruns(), 0u);
}

TEST(NullSink, JitteredWakeUpsStillDeliverEverything) {
    NullSink sink(0.01, parse_null_device("jitter:0.5"));
    EXPECT_EQ(play(sink, 0.3), static_cast<uint64_t>(0.3 * 48000));
    EXPECT_NE(sink.describe().find("jittered"), std::string::npos);
}

}  // namespace
}  // namespace simvx
