// The peaks BusMeters follows for status lines: per bus after its volume,
// Master as output, reset by each reading; the same in every mode. And the
// pipelined mode of offline renders: a render far faster than the meters
// waits for them and drops nothing, and --stats reads what measuring on the
// render's own thread reads.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

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

// Ten seconds of a 997 Hz tone at 0.5 rendered in one call (the rings hold
// one second): the render outruns true peak and loudness, so it has to wait.
std::vector<BusStats> render_stats(BusMeters::Mode mode, uint64_t& dropped) {
    auto tone = std::make_shared<SampleBuffer>();
    tone->rate = kRate;
    tone->channels = 1;
    for (uint32_t i = 0; i < 10 * kRate; ++i)
        tone->samples.push_back(0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 997.0 * i / kRate)));
    std::vector<VoiceSetup> vs;
    VoiceSetup v;
    v.bus = 1;
    v.end_frame = 10 * kRate;
    v.source = std::make_unique<BufferSource>(tone, 0, false, 0, 0);
    vs.push_back(std::move(v));
    std::vector<BusSetup> buses;
    buses.push_back(fixtures::bus("Master", std::nullopt, 1.0f));
    buses.push_back(fixtures::bus("Music", 0, 0.5f));
    auto plan = compile_plan(std::move(buses), ProcessSpec{kRate, 1024});
    BusMeters meters(*plan, AudioSpec{kRate, 2}, mode, true);
    Engine e(EngineConfig{.output = {kRate, 2}}, std::move(vs), std::move(plan));
    e.set_tap(&meters);
    std::vector<float> out(2 * 10 * kRate);
    e.render(out);
    auto rows = meters.finish();
    dropped = meters.dropped_blocks();
    return rows;
}

TEST(BusMetersPipelined, WaitsForTheMetersAndReadsWhatMeasuringInPlaceReads) {
    uint64_t dropped_in_place = 0, dropped = 0;
    const auto in_place = render_stats(BusMeters::Mode::synchronous, dropped_in_place);
    const auto piped = render_stats(BusMeters::Mode::pipelined, dropped);
    EXPECT_EQ(dropped, 0u);
    ASSERT_EQ(piped.size(), in_place.size());
    for (size_t i = 0; i < piped.size(); ++i) {
        SCOPED_TRACE(piped[i].name);
        EXPECT_EQ(piped[i].stats.frames, 10u * kRate);
        EXPECT_EQ(piped[i].stats.frames, in_place[i].stats.frames);
        EXPECT_EQ(piped[i].stats.sample_peak_db, in_place[i].stats.sample_peak_db);
        EXPECT_EQ(piped[i].stats.true_peak_db, in_place[i].stats.true_peak_db);
        EXPECT_EQ(piped[i].stats.integrated_lufs, in_place[i].stats.integrated_lufs);
        EXPECT_EQ(piped[i].stats.shortterm_max_lufs, in_place[i].stats.shortterm_max_lufs);
    }
    // Music: the tone at 0.5 under a 0.5 fader, -12.04 dB at its peaks.
    EXPECT_NEAR(piped[1].stats.true_peak_db, -12.04, 0.01);
    EXPECT_GT(piped[1].stats.integrated_lufs, -30.0);
}

}  // namespace
}  // namespace simvx
