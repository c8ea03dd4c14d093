// Files for the sink tests: written through the product's writers as the
// pull thread delivers frames; for surround, one tone per channel (a
// different frequency each) and what independent tools (ffprobe, ffmpeg,
// sox) make of the file.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "sink/encode/make_writer.hpp"
#include "support/audio.hpp"
#include "support/process.hpp"

namespace simvx::sink_test {

// The layouts the engine renders beyond stereo (speaker::default_mask), by ffprobe's names.
struct Layout {
    uint32_t channels;
    const char* ffprobe_name;
};
inline constexpr Layout kLayouts[] = {{4, "quad"}, {6, "5.1"}, {8, "7.1"}};

// The tone of WAV-order channel c. Channel 3 is the LFE of 5.1 and 7.1: low
// enough for Opus, which codes an LFE stream only up to about 200 Hz.
inline double tone_hz(uint32_t c) {
    constexpr double kHz[8] = {400, 600, 800, 80, 1000, 1200, 1400, 1600};
    return kHz[c];
}

// `seconds` of every channel's tone, interleaved in WAV order.
inline test::Pcm tones(uint32_t channels, uint32_t rate, double seconds = 1.0) {
    std::vector<std::vector<float>> planes;
    const auto frames = static_cast<size_t>(seconds * rate);
    for (uint32_t c = 0; c < channels; ++c) planes.push_back(test::sine(tone_hz(c), rate, frames, 0.4));
    return test::interleave(planes, rate);
}

// Writes `pcm` to `path` (a seekable file) in uneven blocks, as the pull thread may deliver them.
inline void write_file(const std::string& path, const Encoding& e, const test::Pcm& pcm,
                       std::optional<uint64_t> expected = std::nullopt) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr) << path;
    {
        auto w = make_writer(WriterTarget{file, path, true, AudioSpec{pcm.rate, pcm.channels}, expected}, e);
        const std::span<const float> all(pcm.samples);
        size_t at = 0;
        for (size_t block : {1000u, 4096u, 17u, 50000u}) {
            const size_t n = std::min(block * pcm.channels, all.size() - at);
            w->write(all.subspan(at, n));
            at += n;
        }
        w->write(all.subspan(at));
        w->finalize();
    }
    std::fclose(file);
}

// ffprobe's name for the first stream's layout: "5.1", "7.1", "quad".
inline std::string ffprobe_layout(const std::string& path) {
    const auto r = test::run({"ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                              "stream=channel_layout", "-of", "default=noprint_wrappers=1:nokey=1", path});
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

// Decodes with ffmpeg to f32 in ffmpeg's own channel order, which for these
// layouts is WAV's whatever the codec stores (it reorders Vorbis and Opus).
inline test::Pcm ffmpeg_decode(const std::string& path, uint32_t rate, uint32_t channels) {
    const auto r = test::run({"ffmpeg", "-v", "error", "-i", path, "-f", "f32le", "-ar", std::to_string(rate), "-"});
    EXPECT_EQ(r.status, 0) << r.err;
    return test::from_f32le(r.out, rate, channels);
}

// Channel c of `decoded` holds the tone of WAV channel wav_channel[c]
// (dominant frequency within 1%); returns the worst relative error, for the record.
inline double expect_tones(const test::Pcm& decoded, const std::vector<uint32_t>& wav_channel, const std::string& what) {
    EXPECT_EQ(decoded.channels, wav_channel.size()) << what;
    EXPECT_GT(decoded.frames(), decoded.rate / 2) << what;
    double worst = 0;
    for (uint32_t c = 0; c < decoded.channels && c < wav_channel.size() && decoded.frames() > 0; ++c) {
        const double want = tone_hz(wav_channel[c]);
        const double hz = test::peak_frequency(decoded.channel(c), decoded.rate);
        const double error = std::fabs(hz / want - 1);
        worst = std::max(worst, error);
        EXPECT_LT(error, 0.01) << what << ": channel " << c << " is at " << hz << " Hz, not " << want;
    }
    return worst;
}

// Every channel's tone where it was written (a decoder that gives WAV order).
inline double expect_tones_in_place(const test::Pcm& decoded, uint32_t channels, const std::string& what) {
    std::vector<uint32_t> same(channels);
    for (uint32_t c = 0; c < channels; ++c) same[c] = c;
    return expect_tones(decoded, same, what);
}

}  // namespace simvx::sink_test
