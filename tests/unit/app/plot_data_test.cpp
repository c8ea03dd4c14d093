// --plot's data reduction: bounded memory whatever the length, and values
// that measure what was fed (levels, the tone's bin, the burst's slices).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "app/plot/halving_series.hpp"
#include "app/plot/loudness_track.hpp"
#include "app/plot/signal_summary.hpp"

namespace simvx {
namespace {

std::vector<float> tone(double hz, uint32_t rate, size_t frames, double amplitude, uint32_t channels) {
    std::vector<float> x(frames * channels);
    for (size_t i = 0; i < frames; ++i)
        for (uint32_t c = 0; c < channels; ++c)
            x[i * channels + c] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate));
    return x;
}

TEST(HalvingSeries, StaysBoundedAndKeepsTheMaximum) {
    HalvingSeries<LevelCell> s(10, 64);
    for (int i = 0; i < 100000; ++i) s.push({static_cast<float>(i % 1000 == 999 ? 5000 : i % 1000)});
    EXPECT_LT(s.size(), 64u);
    EXPECT_GE(s.size(), 32u);
    // 100000 cells of 10 frames: 1,000,000 frames over fewer than 64 cells.
    EXPECT_EQ(s.cell_frames() % 10, 0u);
    EXPECT_GE(s.cell_frames() * s.size(), 1000000u);
    EXPECT_EQ(s.over(0, 1000000)->db, 5000.0f);
    // Frames 0..9990 hold 0..998: the spike at cell 999 starts at frame 9990.
    HalvingSeries<LevelCell> small(10, 4096);
    for (int i = 0; i < 2000; ++i) small.push({static_cast<float>(i)});
    EXPECT_EQ(small.cell_frames(), 10u);
    EXPECT_EQ(small.over(0, 9990)->db, 998.0f);
    EXPECT_EQ(small.over(9990, 10000)->db, 999.0f);
    EXPECT_FALSE(small.over(5, 5).has_value());
}

// An hour at 8 kHz holds no more than a minute does: a fixed ceiling.
TEST(SignalSummary, MemoryIsBoundedWhateverTheLength) {
    constexpr uint32_t rate = 8000;
    const auto block = tone(440, rate, 8000, 0.5, 2);
    SignalSummary minute(2, rate, true), hour(2, rate, true);
    for (int s = 0; s < 60; ++s) minute.add(block.data(), 8000);
    for (int s = 0; s < 3600; ++s) hour.add(block.data(), 8000);
    hour.finish();
    EXPECT_EQ(hour.frames(), 3600u * rate);
    EXPECT_LT(hour.wave().size(), SignalSummary::kWaveCells);
    EXPECT_LT(hour.spectrogram().size(), SignalSummary::kSpectrumCells);
    constexpr size_t ceiling = 5u << 20;  // 5 MiB: 1024 spectra of 1025 bins, 8192 slices
    EXPECT_LT(hour.bytes(), ceiling);
    EXPECT_LT(minute.bytes(), ceiling);
    // Still a 440 Hz tone at -6 dBFS over the whole hour.
    const auto all = hour.wave().over(0, hour.frames());
    EXPECT_NEAR(all->hi[0], 0.5f, 1e-3f);
    EXPECT_NEAR(all->lo[1], -0.5f, 1e-3f);
}

// A 1 kHz tone at -6 dBFS: its bin holds -6 dB (within the window's
// scalloping), and every bin more than 200 Hz away stays below -100 dB.
TEST(SignalSummary, ATonePutsItsPowerInItsBin) {
    constexpr uint32_t rate = 48000;
    SignalSummary s(1, rate, true);
    const auto x = tone(1000, rate, rate, 0.5, 1);
    s.add(x.data(), rate);
    const auto cell = s.spectrogram().over(rate / 2, rate / 2 + 1);
    ASSERT_TRUE(cell.has_value());
    size_t loudest = 0;
    for (size_t k = 0; k < cell->power.size(); ++k)
        if (cell->power[k] > cell->power[loudest]) loudest = k;
    EXPECT_NEAR(s.bin_hz(loudest), 1000.0, s.bin_hz(1));
    EXPECT_NEAR(10 * std::log10(cell->power[loudest]), -6.02, 1.0);
    for (size_t k = 0; k < cell->power.size(); ++k) {
        if (std::fabs(s.bin_hz(k) - 1000) <= 200) continue;
        EXPECT_LT(10 * std::log10(cell->power[k] + 1e-30), -100) << s.bin_hz(k) << " Hz";
    }
}

// A burst of 0.8 from 2.0 s to 2.1 s in silence: only the slices that cover it see it.
TEST(SignalSummary, ABurstShowsOnlyWhereItIs) {
    constexpr uint32_t rate = 48000;
    std::vector<float> x(3 * rate, 0.0f);
    for (size_t i = 2 * rate; i < 2 * rate + rate / 10; ++i) x[i] = (i % 2) ? 0.8f : -0.8f;
    SignalSummary s(1, rate, false);
    s.add(x.data(), 3 * rate);
    s.finish();
    EXPECT_FLOAT_EQ(s.wave().over(2 * rate, 2 * rate + 100)->hi[0], 0.8f);
    EXPECT_FLOAT_EQ(s.wave().over(2 * rate, 2 * rate + 100)->lo[0], -0.8f);
    EXPECT_FLOAT_EQ(s.wave().over(0, 2 * rate)->hi[0], 0.0f);
    EXPECT_FLOAT_EQ(s.wave().over(2 * rate + rate / 10, 3 * rate)->hi[0], 0.0f);
}

// A 997 Hz sine peaking at -20 dBFS in both channels: -20.0 LUFS short-term
// (BS.1770: the K-weighting's +0.691 dB at 997 Hz cancels the -0.691 offset;
// two channels of mean square 0.005 sum to 0.01, -20 dB), and a true peak of
// -20 dBTP in every 100 ms.
TEST(LoudnessTrack, ShortTermLoudnessAndTruePeakPerHop) {
    constexpr uint32_t rate = 48000;
    LoudnessTrack t(2, rate);
    const auto x = tone(997, rate, 5 * rate, 0.1, 2);
    t.add(x.data(), 5 * rate);
    ASSERT_EQ(t.shortterm().size(), 50u);
    EXPECT_NEAR(t.shortterm()[45].db, -20.0, 0.05);
    EXPECT_NEAR(t.true_peak()[45].db, -20.0, 0.1);
    EXPECT_LT(t.shortterm()[5].db, -22.0);  // 0.6 s into a 3 s window: still counting the silence before
    EXPECT_NEAR(t.integrated_lufs(), -20.0, 0.1);  // histogram mode: 0.1 LU steps
}

}  // namespace
}  // namespace simvx
