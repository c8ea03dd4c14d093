// The peaks BusMeters follows for status lines: per bus after its volume,
// Master as output, reset by each reading; the same in both modes.
#include <gtest/gtest.h>

#include "app/bus_meters.hpp"
#include "mix/engine.hpp"

namespace simvx {
namespace {

constexpr uint32_t kRate = 48000;

void expect_peaks(BusMeters::Mode mode) {
    auto b = std::make_shared<SampleBuffer>();
    b->rate = kRate;
    b->channels = 1;
    b->samples.assign(4800, 0.5f);
    std::vector<VoiceSetup> vs(1);
    vs[0].end_frame = 4800;
    vs[0].bus = 1;
    vs[0].source = std::make_unique<BufferSource>(b, 0, false, 0, 0);
    std::vector<BusSetup> buses(2);
    buses[0].name = "Master";
    buses[0].gain = 0.5f;
    buses[1].name = "Music";
    buses[1].gain = 0.5f;  // -6 dB
    buses[1].parent = 0;
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
