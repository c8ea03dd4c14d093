// Per-effect kernels: ns per stereo frame for each bus effect at its defaults
// (and a 4-band EQ), processing 512-frame blocks of noise at 48 kHz.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/denormal_guard.hpp"
#include "dsp/effect_types.hpp"

namespace {

void BM_Effect(benchmark::State& state, const std::string& name) {
    const simvx::EffectType* type = simvx::find_effect_type(name);
    simvx::EffectConfig config = simvx::default_config(*type);
    if (type->has_bands)
        for (double f : {100.0, 500.0, 2500.0, 8000.0})
            config.bands.push_back({simvx::EqBand::Type::peaking, f, 1.0, 3.0});
    auto fx = type->make(config);
    constexpr size_t kFrames = 512;
    fx->prepare({48000, kFrames});
    std::vector<float> block(kFrames * 2), key(kFrames * 2);
    uint32_t seed = 1;
    for (auto& x : block) {
        seed = seed * 1664525u + 1013904223u;
        x = static_cast<float>(static_cast<int32_t>(seed)) / 4294967296.0f;
    }
    key = block;
    const std::vector<float> input = block;
    simvx::DenormalGuard guard;  // as in the engine's render
    for (auto _ : state) {
        block = input;
        fx->process(block.data(), kFrames, type->has_sidechain ? key.data() : nullptr);
        benchmark::DoNotOptimize(block.data());
    }
    state.counters["ns_per_frame"] = benchmark::Counter(static_cast<double>(state.iterations()) * kFrames,
                                                        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Effect, gain, std::string("gain"));
BENCHMARK_CAPTURE(BM_Effect, lowpass, std::string("lowpass"));
BENCHMARK_CAPTURE(BM_Effect, eq_4_bands, std::string("eq"));
BENCHMARK_CAPTURE(BM_Effect, delay, std::string("delay"));
BENCHMARK_CAPTURE(BM_Effect, reverb, std::string("reverb"));
BENCHMARK_CAPTURE(BM_Effect, compressor, std::string("compressor"));
BENCHMARK_CAPTURE(BM_Effect, limiter, std::string("limiter"));
BENCHMARK_CAPTURE(BM_Effect, softclip, std::string("softclip"));
