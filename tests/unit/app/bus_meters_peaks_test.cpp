// The peaks BusMeters follows for status lines: per bus after its volume,
// Master as output, reset by each reading; the same in every mode. And the
// pipelined mode of offline renders: a render far faster than the meters
// waits for them and drops nothing, and --stats reads what measuring on the
// render's own thread reads, with the output behind the buses, and with six
// channels, whose frames straddle the rings' wrap.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "app/measure/bus_meters.hpp"
#include "mix/engine.hpp"
#include "unit/mix/mix_fixtures.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;

void expect_peaks(BusMeters::Mode mode) {
    std::vector<VoiceSetup> vs;
    vs.push_back(fixtures::voice_on(1, 0.5f, 4800));
    std::vector<BusSetup> buses;
    buses.push_back(fixtures::bus("Master", std::nullopt, 0.5f));
    buses.push_back(fixtures::bus("Music", 0, 0.5f));  // -6 dB
    auto plan = compile_plan(std::move(buses), ProcessSpec{kRate, 1024});
    BusMeters meters(*plan, AudioSpec{kRate, 2}, mode, false);
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(vs), std::move(plan));
    e.set_tap(&meters);
    std::vector<float> out(2 * 1000);
    e.render(out);
    meters.finish();  // the metering thread has measured everything
    EXPECT_EQ(meters.names(), (std::vector<std::string>{"Master", "Music"}));
    const auto peaks = meters.take_recent_peaks();
    ASSERT_EQ(peaks.size(), 2u);
    EXPECT_FLOAT_EQ(peaks[0], 0.125f);  // the output, after Master's volume
    EXPECT_FLOAT_EQ(peaks[1], 0.25f);   // Music after its own volume
    EXPECT_EQ(meters.take_recent_peaks()[0], 0.0f);  // reset by the previous reading
}

TEST(BusMetersPeaks, Synchronous) { expect_peaks(BusMeters::Mode::synchronous); }
TEST(BusMetersPeaks, ThroughTheMeteringThread) { expect_peaks(BusMeters::Mode::threaded); }
TEST(BusMetersPeaks, Pipelined) { expect_peaks(BusMeters::Mode::pipelined); }

// Ten seconds of tones rendered in one call (the rings hold one second):
// the render outruns true peak and loudness, so it has to wait. One tone
// (997 Hz at 0.5) on a bus at 0.5, or `buses` buses with a tone each (its
// own frequency, level and slow tremolo, the last one past full scale), which
// the metering threads share out among themselves.
std::vector<BusStats> render_stats(BusMeters::Mode mode, uint64_t& dropped, size_t buses = 1, bool limited = false) {
    std::vector<VoiceSetup> vs;
    std::vector<BusSetup> setups;
    setups.push_back(fixtures::bus("Master", std::nullopt, buses == 1 ? 1.0f : 0.25f));
    for (size_t b = 0; b < buses; ++b) {
        const double hz = 997.0 * static_cast<double>(b + 1), level = buses == 1 ? 0.5 : 0.3 + 0.25 * static_cast<double>(b);
        auto tone = std::make_shared<SampleBuffer>();
        tone->rate = kRate;
        tone->channels = 1;
        for (uint32_t i = 0; i < 10 * kRate; ++i) {
            const double t = static_cast<double>(i) / kRate;
            const double tremolo = buses == 1 ? 1.0 : 0.6 + 0.4 * std::sin(2 * std::numbers::pi * 0.1 * static_cast<double>(b + 1) * t);
            tone->samples.push_back(static_cast<float>(level * tremolo * std::sin(2 * std::numbers::pi * hz * t)));
        }
        VoiceSetup v;
        v.bus = static_cast<uint32_t>(b + 1);
        v.end_frame = 10 * kRate;
        v.source = std::make_unique<BufferSource>(tone, 0, false, 0, 0);
        vs.push_back(std::move(v));
        const std::string name = buses == 1 ? "Music" : "Bus " + std::to_string(b + 1);
        setups.push_back(fixtures::bus(name.c_str(), 0, buses == 1 ? 0.5f : 1.0f));
    }
    auto plan = compile_plan(std::move(setups), ProcessSpec{kRate, 1024});
    BusMeters meters(*plan, AudioSpec{kRate, 2}, mode, true);
    EngineConfig config{.output = {kRate, 2}};
    if (limited) config.output_limiter = TruePeakLimiter::Settings{.ceiling_db = -1, .lookahead_ms = 5};
    Engine e(config, std::move(vs), std::move(plan));
    e.set_tap(&meters);
    std::vector<float> out(2 * 10 * kRate);
    e.render(out);
    auto rows = meters.finish();
    dropped = meters.dropped_blocks();
    return rows;
}

void expect_same_stats(const std::vector<BusStats>& piped, const std::vector<BusStats>& in_place) {
    ASSERT_EQ(piped.size(), in_place.size());
    for (size_t i = 0; i < piped.size(); ++i) {
        SCOPED_TRACE(piped[i].name);
        EXPECT_EQ(piped[i].name, in_place[i].name);
        EXPECT_EQ(piped[i].stats.frames, 10u * kRate);
        EXPECT_EQ(piped[i].stats.frames, in_place[i].stats.frames);
        EXPECT_EQ(piped[i].stats.sample_peak_db, in_place[i].stats.sample_peak_db);
        EXPECT_EQ(piped[i].stats.true_peak_db, in_place[i].stats.true_peak_db);
        EXPECT_EQ(piped[i].stats.integrated_lufs, in_place[i].stats.integrated_lufs);
        EXPECT_EQ(piped[i].stats.range_lu, in_place[i].stats.range_lu);
        EXPECT_EQ(piped[i].stats.shortterm_max_lufs, in_place[i].stats.shortterm_max_lufs);
        EXPECT_EQ(piped[i].stats.clipped, in_place[i].stats.clipped);
    }
}

TEST(BusMetersPipelined, WaitsForTheMetersAndReadsWhatMeasuringInPlaceReads) {
    uint64_t dropped_in_place = 0, dropped = 0;
    const auto in_place = render_stats(BusMeters::Mode::synchronous, dropped_in_place);
    const auto piped = render_stats(BusMeters::Mode::pipelined, dropped);
    EXPECT_EQ(dropped, 0u);
    expect_same_stats(piped, in_place);
    // Music: the tone at 0.5 under a 0.5 fader, -12.04 dB at its peaks.
    EXPECT_NEAR(piped[1].stats.true_peak_db, -12.04, 0.01);
    EXPECT_GT(piped[1].stats.integrated_lufs, -30.0);
}

// Five rows shared by the metering threads (one per core): each row is
// measured by one thread at a time and in order, so every reading is the
// one thread's, to the bit.
TEST(BusMetersPipelined, RowsSharedAmongThreadsReadAsOneThreadReads) {
    uint64_t dropped_in_place = 0, dropped = 0;
    const auto in_place = render_stats(BusMeters::Mode::synchronous, dropped_in_place, 4);
    const auto piped = render_stats(BusMeters::Mode::pipelined, dropped, 4);
    EXPECT_EQ(dropped, 0u);
    expect_same_stats(piped, in_place);
    ASSERT_EQ(piped.size(), 5u);
    // Bus 4's tone reaches 1.05 · (0.6 + 0.4): its peaks clip; the range of a
    // tremolo is several LU.
    EXPECT_GT(piped[4].stats.clipped, 0u);
    EXPECT_NEAR(piped[4].stats.true_peak_db, 20 * std::log10(1.05), 0.02);
    EXPECT_GT(piped[1].stats.range_lu, 1.0);
}

// With the output limiter, the buses are rendered its lookahead ahead of
// the output, so the output's row (paired with the first bus's: stereo rows
// go two by two) always has fewer frames waiting than its partner. Every
// frame is still measured, as measuring in place measures it.
TEST(BusMetersPipelined, AnOutputBehindItsBusesIsMeasuredWhole) {
    uint64_t dropped_in_place = 0, dropped = 0;
    const auto in_place = render_stats(BusMeters::Mode::synchronous, dropped_in_place, 4, true);
    const auto piped = render_stats(BusMeters::Mode::pipelined, dropped, 4, true);
    EXPECT_EQ(dropped, 0u);
    expect_same_stats(piped, in_place);
    EXPECT_LT(piped[0].stats.true_peak_db, -0.99);  // the limiter's ceiling held
}

// Six channels: the ring's power-of-two storage holds no whole number of
// frames, so a frame now and then straddles its wrap (copied out, the rest
// measured where it lies). Blocks of odd sizes for 20 s, fed as the output.
TEST(BusMetersPipelined, SixChannelFramesAcrossTheRingsWrapAreMeasuredOnce) {
    const auto stats = [](BusMeters::Mode mode) {
        std::vector<BusSetup> setups;
        setups.push_back(fixtures::bus("Master", std::nullopt, 1.0f));
        auto plan = compile_plan(std::move(setups), ProcessSpec{kRate, 1024});
        BusMeters meters(*plan, AudioSpec{kRate, 6}, mode, true);
        std::vector<float> block;
        uint64_t frame = 0;
        for (size_t size = 1; frame < 20u * kRate; size = size * 7 % 1021 + 1) {
            block.resize(size * 6);
            for (size_t i = 0; i < size; ++i, ++frame)
                for (size_t c = 0; c < 6; ++c)
                    block[i * 6 + c] = static_cast<float>((0.1 + 0.1 * static_cast<double>(c)) *
                                                          std::sin(2 * std::numbers::pi * 440.0 * static_cast<double>(c + 1) *
                                                                   static_cast<double>(frame) / kRate));
            meters.output(block.data(), size);
        }
        auto rows = meters.finish();
        EXPECT_EQ(meters.dropped_blocks(), 0u);
        return std::make_pair(rows, frame);
    };
    const auto [in_place, frames] = stats(BusMeters::Mode::synchronous);
    const auto [piped, piped_frames] = stats(BusMeters::Mode::pipelined);
    ASSERT_EQ(piped.size(), 1u);
    ASSERT_EQ(in_place.size(), 1u);
    EXPECT_EQ(piped[0].stats.frames, frames);
    EXPECT_EQ(in_place[0].stats.frames, frames);
    EXPECT_EQ(piped[0].stats.sample_peak_db, in_place[0].stats.sample_peak_db);
    EXPECT_EQ(piped[0].stats.true_peak_db, in_place[0].stats.true_peak_db);
    EXPECT_EQ(piped[0].stats.integrated_lufs, in_place[0].stats.integrated_lufs);
    EXPECT_EQ(piped[0].stats.range_lu, in_place[0].stats.range_lu);
    EXPECT_EQ(piped[0].stats.shortterm_max_lufs, in_place[0].stats.shortterm_max_lufs);
    EXPECT_NEAR(piped[0].stats.sample_peak_db, 20 * std::log10(0.6), 0.01);  // the sixth channel's tone
}

}  // namespace
}  // namespace simvx
