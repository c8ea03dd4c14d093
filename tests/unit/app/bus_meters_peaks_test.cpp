// The peaks BusMeters follows for status lines: per bus after its volume,
// Master as output, reset by each reading; the same in both modes.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace simvx
