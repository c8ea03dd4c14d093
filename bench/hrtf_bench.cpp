// Binaural 3D (spatial = "hrtf"): the engine's render loop with N mono 3D
// voices through the MIT KEMAR set (/usr/share/libmysofa/default.sofa, 560
// taps a ear at 48 kHz), each circling the listener (its filters change
// every block: two convolutions crossfaded) or standing still (one), beside
// the pan law on the same paths. `rt` is seconds of audio rendered per
// second of CPU for all N voices: the real-time factor; N × rt is how many
// such voices one core renders in real time.
//   build/bench/simvx_bench --benchmark_filter=Binaural
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <numbers>
#include <vector>

#include "dsp/binaural_fir.hpp"
#include "mix/engine.hpp"
#include "spatial/hrtf_set.hpp"

namespace {

constexpr uint32_t kRate = 48000;
constexpr size_t kBlock = 512;

// A circle of radius 2 m around the listener, one turn in 4 s (a keyframe
// every 5°), for 10 minutes; voice v starts at its own angle.
std::vector<simvx::Keyframe> circle(size_t v) {
    std::vector<simvx::Keyframe> path;
    for (int k = 0; k <= 600 * 18; ++k) {
        const double a = (static_cast<double>(v) * 37 + k * 20.0) * std::numbers::pi / 180;
        path.push_back({k * 4.0 / 18, {2 * std::sin(a), 0, -2 * std::cos(a)}});
    }
    return path;
}

enum Mode : int64_t { hrtf_moving, hrtf_still, pan_moving };

void BM_BinauralVoices(benchmark::State& state) {
    const auto voices = static_cast<size_t>(state.range(0));
    const auto mode = static_cast<Mode>(state.range(1));
    auto buf = std::make_shared<simvx::SampleBuffer>();
    buf->rate = kRate;
    buf->channels = 1;
    buf->samples.resize(kRate);
    uint32_t s = 1;
    for (float& x : buf->samples) {
        s = s * 1664525u + 1013904223u;
        x = 0.1f * (static_cast<float>(s >> 8) / 8388608.0f - 1.0f);
    }
    const auto set = mode == pan_moving ? nullptr : simvx::load_hrtf_set(simvx::kDefaultHrtfFile, kRate);
    std::vector<simvx::VoiceSetup> setups;
    for (size_t v = 0; v < voices; ++v) {
        simvx::VoiceSetup setup;
        setup.source = std::make_unique<simvx::BufferSource>(buf, 0, true, 0, 0);
        simvx::SpatialDesc source;
        source.attenuation = simvx::Attenuation::none;
        if (mode == hrtf_still) source.position = circle(v).front().position;
        else source.path = {circle(v)};
        setup.spatial = std::make_unique<simvx::Spatializer>(simvx::SpatialSetup{
            .source = source, .pan_law = simvx::PanLaw::constant_power, .doppler_factor = 0.0, .rate = kRate, .hrtf = set});
        setups.push_back(std::move(setup));
    }
    simvx::Engine engine(simvx::EngineConfig{.output = {kRate, 2}}, std::move(setups));
    std::vector<float> out(kBlock * 2);
    for (auto _ : state) {
        engine.render(out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBlock));
    state.counters["rt"] = benchmark::Counter(static_cast<double>(state.iterations() * kBlock) / kRate, benchmark::Counter::kIsRate);
    state.counters["voices_per_core"] =
        benchmark::Counter(static_cast<double>(state.iterations() * kBlock) / kRate * static_cast<double>(voices),
                           benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BinauralVoices)
    ->ArgNames({"voices", "mode"})  // mode 0: HRTF moving, 1: HRTF still, 2: pan law moving
    ->Args({64, hrtf_moving})
    ->Args({64, hrtf_still})
    ->Args({64, pan_moving})
    ->Args({1, hrtf_moving})
    ->Unit(benchmark::kMillisecond);

// The convolution alone: one block of 512 frames through 560-tap ears, with
// (crossfade: two pairs) and without a filter change.
void BM_BinauralFir(benchmark::State& state) {
    const bool fading = state.range(0) != 0;
    const size_t taps = 560;
    std::vector<float> in(kBlock, 0.1f), a(2 * taps, 0.01f), b(2 * taps, 0.02f), out(2 * kBlock);
    simvx::BinauralFir fir(taps);
    for (auto _ : state) {
        fir.process(in.data(), kBlock, a.data(), fading ? b.data() : a.data(), out.data(), {0, kBlock});
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBlock));
}
BENCHMARK(BM_BinauralFir)->ArgName("crossfade")->Arg(0)->Arg(1);

}  // namespace
