// Pitched voices: the cost of each resampler kind per voice-frame, alone
// (BM_Varispeed) and inside the engine with gain, pan and mixing
// (BM_PitchedVoices), and how many voices that sustains in real time on one
// core at 48 kHz (the voices_48k counter). Measured (November 2026, the
// shared 2-core machine), sinc in the engine: 7.3-8.5 ns per voice-frame at
// pitch 0.8-0.99, 8.5-9.9 at 0.8-1.25 (2100-2450 voices; the target
// is 2000), 14.3-16.5 at 1.25-2, 25-26 at 2-4. The design before the band
// tables (one interpolated between stretches up to 2, a fine table read tap
// by tap beyond), same machine: 9.3, 14.7, 29 and 134 (run alternately with
// this one under a heavier load: 9.3-12.5, 16.2-20.2, 28.6-32.1, 137-144
// against 8.0-9.1, 9.1-12.5, 15.4-16.5, 26-32). README has the table for
// every kind. libsoxr's variable-rate mode on the same input: 37-39 ns per
// frame mono at pitch 1.059, 81 at 0.944, twice that in stereo, at 'medium'
// and 'high' quality alike (260-560 mono voices per core), against 7.4-8.6
// for our sinc alone: the reason the varispeed is our own.
//   build/bench/simvx_bench --benchmark_filter='Varispeed|PitchedVoices|SoxrVariableRate'
#include <benchmark/benchmark.h>
#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "dsp/varispeed.hpp"
#include "mix/engine.hpp"
#include "mix/varispeed_source.hpp"

namespace {

using simvx::Interpolator;

constexpr double kRate = 48000;

// Per voice-frame figures from the work done in the timed loop.
void report(benchmark::State& state, double voice_frames) {
    const double total = voice_frames * static_cast<double>(state.iterations());
    state.SetItemsProcessed(static_cast<int64_t>(total));
    state.counters["ns_per_voice_frame"] = benchmark::Counter(total * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["voices_48k"] = benchmark::Counter(total / kRate, benchmark::Counter::kIsRate);
}

std::shared_ptr<simvx::SampleBuffer> noise_buffer(uint32_t channels) {
    auto buf = std::make_shared<simvx::SampleBuffer>();
    buf->rate = 48000;
    buf->channels = channels;
    buf->samples.resize(48000 * channels);
    uint32_t x = 1;
    for (float& s : buf->samples) {
        x = x * 1664525u + 1013904223u;
        s = static_cast<float>(static_cast<int32_t>(x)) * 0x1p-32f;
    }
    return buf;
}

// One resampler on its own, pulling from a looping buffer: args kind, channels, ratio × 1000.
void BM_Varispeed(benchmark::State& state) {
    const auto kind = static_cast<Interpolator>(state.range(0));
    const auto channels = static_cast<uint32_t>(state.range(1));
    const double ratio = static_cast<double>(state.range(2)) / 1000;
    simvx::VarispeedSource source(std::make_unique<simvx::BufferSource>(noise_buffer(channels), 0, true, 0, 0), kind,
                                  ratio, ratio);
    std::vector<float> out(1024 * channels);
    for (auto _ : state) {
        source.pull(out.data(), 1024);
        benchmark::DoNotOptimize(out.data());
    }
    report(state, 1024);
}
// Semitone down and up, mono and stereo, for sinc (0), cubic (1), linear (2).
BENCHMARK(BM_Varispeed)->ArgNames({"kind", "ch", "ratio_x1000"})->ArgsProduct({{0, 1, 2}, {1, 2}, {944, 1059}});

// The library alternative, measured before keeping our own: libsoxr's
// variable-rate mode (SOXR_VR, set up as its example 5 does) at its 'medium'
// 16-bit (2) and 'high' 20-bit (4) qualities, the same noise in, 1024 output
// frames per iteration: args quality recipe, ch, ratio × 1000.
void BM_SoxrVariableRate(benchmark::State& state) {
    const auto recipe = static_cast<unsigned long>(state.range(0));
    const auto channels = static_cast<unsigned>(state.range(1));
    const double ratio = static_cast<double>(state.range(2)) / 1000;
    const auto buf = noise_buffer(channels);
    const soxr_quality_spec_t q = soxr_quality_spec(recipe, SOXR_VR);
    soxr_error_t error = nullptr;
    soxr_t soxr = soxr_create(4.0, 1.0, channels, &error, nullptr, &q, nullptr);  // io ratios up to 4
    if (error) {
        state.SkipWithError(error);
        return;
    }
    soxr_set_io_ratio(soxr, ratio, 0);
    std::vector<float> out(1024 * channels);
    const size_t in_frames = buf->frames();
    size_t at = 0;
    for (auto _ : state) {
        size_t made = 0;
        while (made < 1024) {
            size_t used = 0, got = 0;
            const size_t take = std::min<size_t>(in_frames - at, 256);
            soxr_process(soxr, buf->samples.data() + at * channels, take, &used, out.data() + made * channels,
                         1024 - made, &got);
            at = (at + used) % in_frames;
            made += got;
        }
        benchmark::DoNotOptimize(out.data());
    }
    soxr_delete(soxr);
    report(state, 1024);
}
BENCHMARK(BM_SoxrVariableRate)->ArgNames({"q", "ch", "ratio_x1000"})->ArgsProduct({{SOXR_MQ, SOXR_HQ}, {1, 2}, {944, 1059}});

// The engine mixing `voices` pitched mono voices into stereo Master, with
// pitches spread geometrically over one of four ranges: 0.8 .. 0.99 (down),
// 0.8 .. 1.25 (half up), 1.25 .. 2 and 2 .. 4 (the sinc's kernel grows with
// the pitch above 1, so nothing aliases): args kind, voices, range.
void BM_PitchedVoices(benchmark::State& state) {
    const auto kind = static_cast<Interpolator>(state.range(0));
    const auto voices = static_cast<size_t>(state.range(1));
    constexpr double kRanges[][2] = {{0.8, 0.99}, {0.8, 1.25}, {1.25, 2.0}, {2.0, 4.0}};
    const double bottom = kRanges[state.range(2)][0], top = kRanges[state.range(2)][1];
    const auto buf = noise_buffer(1);
    std::vector<simvx::VoiceSetup> setups;
    for (size_t v = 0; v < voices; ++v) {
        simvx::VoiceSetup s;
        const double ratio = bottom * std::pow(top / bottom, static_cast<double>(v) / static_cast<double>(voices));
        s.source = std::make_unique<simvx::BufferSource>(buf, (v * 997) % 48000, true, 0, 0);
        simvx::add_varispeed(s, kind, ratio, ratio);
        s.gain = 0.01f;
        s.pan = simvx::pan_gains(simvx::PanLaw::balance, -0.3);
        setups.push_back(std::move(s));
    }
    simvx::Engine engine(simvx::EngineConfig{.output = {48000, 2}}, std::move(setups));
    std::vector<float> out(1024 * 2);
    for (auto _ : state) {
        engine.render(out);
        benchmark::DoNotOptimize(out.data());
    }
    report(state, 1024.0 * static_cast<double>(voices));
}
BENCHMARK(BM_PitchedVoices)->ArgNames({"kind", "voices", "range"})->ArgsProduct({{0, 1, 2}, {256}, {0, 1, 2, 3}});

}  // namespace
