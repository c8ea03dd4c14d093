// Google Benchmark kernels: decoding each format from memory, rate
// conversion, the engine's mix loop, the true-peak meter and K-weighting
// (each beside libebur128's, which they replace). Fixtures are synthesized with sox
// (and encoded with flac/oggenc/opusenc/lame) the first time they are needed.
//   build/bench/simvx_bench [--benchmark_filter=Decode]
#include <benchmark/benchmark.h>
#include <ebur128.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <memory>
#include <string>
#include <vector>

#include "decode/registry.hpp"
#include "dsp/envelope.hpp"
#include "dsp/k_weighting.hpp"
#include "dsp/resampler.hpp"
#include "dsp/sample_levels.hpp"
#include "dsp/true_peak.hpp"
#include "dsp/true_peak_convolve.hpp"
#include "mix/engine.hpp"

namespace {

namespace fs = std::filesystem;

// 10 s of a music-like signal (chord + noise), encoded once per format.
const std::string& fixture(const std::string& ext) {
    static std::map<std::string, std::string> paths;
    auto it = paths.find(ext);
    if (it != paths.end()) return it->second;
    const fs::path dir = fs::temp_directory_path() / "simvx-bench";
    fs::create_directories(dir);
    const std::string wav = (dir / "music.wav").string();
    auto sh = [](const std::string& cmd) {
        if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "bench fixture command failed: %s\n", cmd.c_str());
    };
    if (!fs::exists(wav))
        sh("sox -R -n -r 48000 -c 2 -b 16 " + wav +
           " synth 10 sine 220 sine 330 pinknoise sine 440 sine 554 tremolo 3 30 gain -6 2>/dev/null");
    const std::string out = (dir / ("music." + ext)).string();
    if (!fs::exists(out)) {
        if (ext == "flac") sh("flac -s -f -o " + out + " " + wav);
        if (ext == "ogg") sh("oggenc -Q -q 5 -o " + out + " " + wav);
        if (ext == "opus") sh("opusenc --quiet --bitrate 128 " + wav + " " + out);
        if (ext == "mp3") sh("lame --quiet -b 192 " + wav + " " + out);
    }
    return paths[ext] = ext == "wav" ? wav : out;
}

std::vector<uint8_t> slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void BM_Decode(benchmark::State& state, const std::string& ext) {
    const auto bytes = slurp(fixture(ext));
    std::vector<float> buf(4096 * 2);
    uint64_t frames = 0;
    for (auto _ : state) {
        auto dec = simvx::open_decoder(simvx::ByteSource::from_memory(bytes, ext));
        buf.resize(4096 * dec->info().spec.channels);
        while (size_t n = dec->read(buf)) frames += n;
    }
    state.SetItemsProcessed(static_cast<int64_t>(frames));
    state.counters["x_realtime"] = benchmark::Counter(static_cast<double>(frames) / 48000.0, benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_Decode, wav, std::string("wav"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, flac, std::string("flac"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, vorbis, std::string("ogg"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, opus, std::string("opus"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, mp3, std::string("mp3"))->Unit(benchmark::kMillisecond);

void BM_Resample44k1To48k(benchmark::State& state) {
    std::vector<float> in(44100 * 2);
    for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(0.5 * std::sin(0.0123 * static_cast<double>(i)));
    simvx::SampleVector out;
    for (auto _ : state) {
        simvx::Resampler r(44100, 48000, 2);
        out.clear();
        for (size_t off = 0; off < in.size(); off += 8192 * 2)
            r.process(std::span<const float>(in.data() + off, std::min<size_t>(8192 * 2, in.size() - off)), out);
        r.finish(out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * 44100);
    state.counters["x_realtime"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Resample44k1To48k)->Unit(benchmark::kMillisecond);

// The engine's render loop with N stereo voices (gain and pan applied): ns per
// output frame; divide by N for the cost of one voice.
void BM_MixVoices(benchmark::State& state) {
    const auto voices = static_cast<size_t>(state.range(0));
    auto buf = std::make_shared<simvx::SampleBuffer>();
    buf->rate = 48000;
    buf->channels = 2;
    buf->samples.resize(48000 * 2);
    for (size_t i = 0; i < buf->samples.size(); ++i) buf->samples[i] = static_cast<float>(std::sin(0.001 * static_cast<double>(i)));
    std::vector<simvx::VoiceSetup> setups;
    for (size_t v = 0; v < voices; ++v) {
        simvx::VoiceSetup s;
        s.source = std::make_unique<simvx::BufferSource>(buf, 0, true, 0, 0);
        s.gain = 0.1f;
        s.pan = simvx::pan_gains(simvx::PanLaw::balance, -0.3);
        setups.push_back(std::move(s));
    }
    simvx::Engine engine(simvx::EngineConfig{.output = {48000, 2}}, std::move(setups));
    std::vector<float> out(512 * 2);
    for (auto _ : state) {
        engine.render(out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * 512);
}
BENCHMARK(BM_MixVoices)->Arg(1)->Arg(16)->Arg(64);

// The automation envelope's per-sample evaluation (what an automated volume or
// pan costs a voice per frame, before the dB→gain): ns per frame for each curve.
void BM_Envelope(benchmark::State& state) {
    const auto curve = static_cast<simvx::EnvelopeCurve>(state.range(0));
    simvx::EnvelopeCursor cursor(simvx::Envelope({{0, -40, curve, 0.3}, {0.5, -6, curve, 0.3}, {1, -40, curve, 0.3}},
                                                 true),
                                 48000);
    std::vector<float> out(512);
    uint64_t frame = 0;
    for (auto _ : state) {
        cursor.fill(out.data(), frame, out.size());
        frame += out.size();
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}
BENCHMARK(BM_Envelope)->ArgName("step,linear,exponential,target")->DenseRange(0, 3);

// The same line as gains (fill_gains: the dB of each frame, then fast_db_to_gain),
// what an automated volume or send costs per frame, in runs of 256 as the mix asks.
void BM_EnvelopeGains(benchmark::State& state) {
    simvx::EnvelopeCursor cursor(simvx::Envelope({{0, -40}, {0.5, -6}, {1, -40}}, true), 48000);
    std::vector<float> out(256);
    uint64_t frame = 0;
    for (auto _ : state) {
        cursor.fill_gains(out.data(), frame, out.size());
        frame += out.size();
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}
BENCHMARK(BM_EnvelopeGains);

// One second of stereo noise at 48 kHz per iteration, metered in 4096-frame blocks.
std::vector<float> noise_second() {
    std::mt19937 rng(1);
    std::normal_distribution<float> n(0, 0.2f);
    std::vector<float> x(48000 * 2);
    for (float& v : x) v = n(rng);
    return x;
}

// Argument 0: the grid screened (what --stats runs); 1: every point
// interpolated (the same reading, Screening::off).
void BM_TruePeak(benchmark::State& state) {
    const auto x = noise_second();
    const bool screened = state.range(0) == 0;
    state.SetLabel(screened ? "screened" : "every point");
    simvx::TruePeakMeter meter(2, screened ? simvx::TruePeakMeter::Screening::on : simvx::TruePeakMeter::Screening::off);
    for (auto _ : state) {
        for (size_t f = 0; f < 48000; f += 4096) meter.add(x.data() + f * 2, std::min<size_t>(4096, 48000 - f));
        benchmark::DoNotOptimize(meter.peak());
    }
    state.SetItemsProcessed(state.iterations() * 48000);
}
BENCHMARK(BM_TruePeak)->DenseRange(0, 1)->Unit(benchmark::kMillisecond);

// The meter's inner loop alone in each vector width the CPU runs (argument:
// the index in convolve_taps_kernels(), widest first): 512 midpoints of the
// 96-tap filter per call, as the meter asks for them.
void BM_TruePeakConvolve(benchmark::State& state) {
    const auto kernels = simvx::convolve_taps_kernels();
    const auto k = static_cast<size_t>(state.range(0));
    if (k >= kernels.size()) {
        state.SkipWithError("this CPU has fewer kernel widths");
        return;
    }
    state.SetLabel(kernels[k].isa);
    const auto x = noise_second();
    const std::vector<float> h(simvx::TruePeakMeter::kTaps, 0.01f);
    std::vector<float> g(512);
    for (auto _ : state) {
        kernels[k].run(x.data(), h.data(), simvx::TruePeakMeter::kTaps, g.data(), g.size());
        benchmark::DoNotOptimize(g.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(g.size()));
}
BENCHMARK(BM_TruePeakConvolve)->DenseRange(0, 2);

// The plain levels every metered bus gets (peak, energy, clips): a second of stereo.
void BM_SampleLevels(benchmark::State& state) {
    const auto x = noise_second();
    for (auto _ : state) benchmark::DoNotOptimize(simvx::sample_levels(x.data(), x.size()));
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(x.size()));
}
BENCHMARK(BM_SampleLevels);

void BM_TruePeakLibebur128(benchmark::State& state) {
    const auto x = noise_second();
    ebur128_state* st = ebur128_init(2, 48000, EBUR128_MODE_TRUE_PEAK);
    for (auto _ : state) {
        for (size_t f = 0; f < 48000; f += 4096) ebur128_add_frames_float(st, x.data() + f * 2, std::min<size_t>(4096, 48000 - f));
        double p = 0;
        ebur128_true_peak(st, 0, &p);
        benchmark::DoNotOptimize(p);
    }
    ebur128_destroy(&st);
    state.SetItemsProcessed(state.iterations() * 48000);
}
BENCHMARK(BM_TruePeakLibebur128)->Unit(benchmark::kMillisecond);

// The loudness half of --stats: K-weighting and the mean square per 100 ms.
void BM_KWeighting(benchmark::State& state) {
    const auto x = noise_second();
    simvx::KWeightedEnergy k(2, 48000);
    for (auto _ : state) {
        double e = 0;
        for (size_t f = 0; f < 48000; f += 4800) e += k.add(x.data() + f * 2, 4800);
        benchmark::DoNotOptimize(e);
    }
    state.SetItemsProcessed(state.iterations() * 48000);
}
BENCHMARK(BM_KWeighting)->Unit(benchmark::kMillisecond);

// Two stereo rows at once, as a metering thread measures a pair of buses
// (the four lanes of one AVX register where the CPU has AVX).
void BM_KWeightingPair(benchmark::State& state) {
    const auto x = noise_second();
    std::vector<float> y(x.rbegin(), x.rend());
    simvx::KWeightedEnergy a(2, 48000), b(2, 48000);
    for (auto _ : state) {
        double e = 0;
        for (size_t f = 0; f < 48000; f += 4800) {
            simvx::KWeightedEnergy::feed_pair(a, x.data() + f * 2, b, y.data() + f * 2, 4800);
            e += a.take() + b.take();
        }
        benchmark::DoNotOptimize(e);
    }
    state.SetItemsProcessed(state.iterations() * 48000);
}
BENCHMARK(BM_KWeightingPair)->Unit(benchmark::kMillisecond);

void BM_KWeightingLibebur128(benchmark::State& state) {
    const auto x = noise_second();
    ebur128_state* st = ebur128_init(2, 48000, EBUR128_MODE_S);
    for (auto _ : state) {
        double e = 0;
        for (size_t f = 0; f < 48000; f += 4800) {
            ebur128_add_frames_float(st, x.data() + f * 2, 4800);
            double l = 0;
            ebur128_loudness_window(st, 100, &l);
            e += l;
        }
        benchmark::DoNotOptimize(e);
    }
    ebur128_destroy(&st);
    state.SetItemsProcessed(state.iterations() * 48000);
}
BENCHMARK(BM_KWeightingLibebur128)->Unit(benchmark::kMillisecond);

}  // namespace
