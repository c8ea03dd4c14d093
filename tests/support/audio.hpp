// Test-side audio: synthesis, reading files with independent tools (sox), and
// measurement (levels, spectrum). Nothing here uses simvxplay's own decoders.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace simvx::test {

struct Pcm {
    uint32_t rate = 48000;
    uint32_t channels = 2;
    std::vector<float> samples;  // interleaved
    size_t frames() const { return channels ? samples.size() / channels : 0; }
    std::vector<float> channel(uint32_t c) const;
};

// Synthesis.
std::vector<float> sine(double freq, uint32_t rate, size_t frames, double amplitude = 0.5, double phase = 0);
Pcm interleave(const std::vector<std::vector<float>>& channels, uint32_t rate);

// Minimal WAV writer for fixtures (PCM s16/s24/s32 or float32), independent of the product's code.
enum class WavFormat { s16, s24, s32, f32 };
void write_wav(const std::string& path, const Pcm& pcm, WavFormat format);

// The fmt fields and the raw data chunk of a RIFF WAV, read byte by byte (for
// bit-exact comparisons: sox converts float through 32-bit integers).
struct WavData {
    uint16_t tag = 0, channels = 0, bits = 0;
    uint32_t rate = 0;
    std::string data;
};
WavData read_wav_data(const std::string& path);

// Reads any file sox can read as f32 (rate/channels from soxi).
Pcm sox_read(const std::string& path);
// Interprets raw little-endian bytes.
Pcm from_f32le(const std::string& bytes, uint32_t rate, uint32_t channels);
std::vector<int16_t> from_s16le(const std::string& bytes);
// Samples → raw s16le bytes (rounded, clamped), as a producer pipes them.
std::string to_s16le(std::span<const float> samples);

// Levels (dBFS of sample values; full scale = 1.0).
double peak_db(std::span<const float> x);
double rms_db(std::span<const float> x);

// Spectrum of a mono signal (Kaiser window, beta 20; zero-padded power-of-two FFT).
struct Spectrum {
    double bin_hz = 0;
    std::vector<double> mag_db;  // dB relative to a full-scale sine
};
Spectrum spectrum(std::span<const float> x, uint32_t rate);
// Frequency of the strongest component, refined by parabolic interpolation.
double peak_frequency(std::span<const float> x, uint32_t rate);
// The frequency of a steady tone over x[from, to) from its interpolated zero
// crossings: far finer than a spectrum's bins over a fraction of a second.
double crossing_frequency(std::span<const float> x, size_t from, size_t to, uint32_t rate);
// Strongest component (dB re full scale) farther than `guard_hz` from every frequency in `exclude`.
double worst_spurious_db(std::span<const float> x, uint32_t rate, std::vector<double> exclude, double guard_hz);

// Largest |x[n+1] - x[n]|: a click detector for smooth signals.
double max_step(std::span<const float> x);

}  // namespace simvx::test
