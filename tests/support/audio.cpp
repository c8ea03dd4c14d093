#include "support/audio.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <fstream>
#include <iterator>
#include <numbers>
#include <stdexcept>

#include "support/process.hpp"

namespace simvx::test {

std::vector<float> Pcm::channel(uint32_t c) const {
    std::vector<float> out(frames());
    for (size_t i = 0; i < out.size(); ++i) out[i] = samples[i * channels + c];
    return out;
}

std::vector<float> sine(double freq, uint32_t rate, size_t frames, double amplitude, double phase) {
    std::vector<float> out(frames);
    for (size_t i = 0; i < frames; ++i)
        out[i] = static_cast<float>(amplitude * std::sin(2 * std::numbers::pi * freq * static_cast<double>(i) / rate + phase));
    return out;
}

Pcm interleave(const std::vector<std::vector<float>>& chans, uint32_t rate) {
    Pcm p;
    p.rate = rate;
    p.channels = static_cast<uint32_t>(chans.size());
    const size_t n = chans.empty() ? 0 : chans[0].size();
    p.samples.resize(n * p.channels);
    for (size_t i = 0; i < n; ++i)
        for (uint32_t c = 0; c < p.channels; ++c) p.samples[i * p.channels + c] = chans[c][i];
    return p;
}

namespace {
void put_le(std::string& s, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
}  // namespace

void write_wav(const std::string& path, const Pcm& pcm, WavFormat format) {
    const int bytes = format == WavFormat::s16 ? 2 : format == WavFormat::s24 ? 3 : 4;
    std::string data;
    data.reserve(pcm.samples.size() * static_cast<size_t>(bytes));
    for (float x : pcm.samples) {
        if (format == WavFormat::f32) {
            uint32_t u;
            std::memcpy(&u, &x, 4);
            put_le(data, u, 4);
            continue;
        }
        const double scale = std::ldexp(1.0, bytes * 8 - 1);
        double v = std::nearbyint(static_cast<double>(x) * scale);
        v = std::clamp(v, -scale, scale - 1);
        put_le(data, static_cast<uint64_t>(static_cast<int64_t>(v)), bytes);
    }
    std::string h = "RIFF";
    put_le(h, 36 + data.size(), 4);
    h += "WAVEfmt ";
    put_le(h, 16, 4);
    put_le(h, format == WavFormat::f32 ? 3 : 1, 2);
    put_le(h, pcm.channels, 2);
    put_le(h, pcm.rate, 4);
    put_le(h, static_cast<uint64_t>(pcm.rate) * pcm.channels * static_cast<uint64_t>(bytes), 4);
    put_le(h, pcm.channels * static_cast<uint32_t>(bytes), 2);
    put_le(h, static_cast<uint64_t>(bytes) * 8, 2);
    h += "data";
    put_le(h, data.size(), 4);
    std::ofstream f(path, std::ios::binary);
    f << h << data;
    if (!f) throw std::runtime_error("cannot write " + path);
}

WavData read_wav_data(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    const std::string b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto u32 = [&](size_t at) {
        uint32_t v = 0;
        std::memcpy(&v, b.data() + at, 4);
        return v;
    };
    auto u16 = [&](size_t at) {
        uint16_t v = 0;
        std::memcpy(&v, b.data() + at, 2);
        return v;
    };
    if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0)
        throw std::runtime_error(path + ": not a RIFF WAVE file");
    WavData w;
    for (size_t at = 12; at + 8 <= b.size();) {
        const std::string id = b.substr(at, 4);
        const uint32_t size = u32(at + 4);
        if (id == "fmt ") {
            w.tag = u16(at + 8);
            w.channels = u16(at + 10);
            w.rate = u32(at + 12);
            w.bits = u16(at + 22);
        } else if (id == "data") {
            w.data = b.substr(at + 8, std::min<size_t>(size, b.size() - at - 8));
            return w;
        }
        at += 8 + size + (size & 1);
    }
    throw std::runtime_error(path + ": no data chunk");
}

Pcm from_f32le(const std::string& bytes, uint32_t rate, uint32_t channels) {
    Pcm p;
    p.rate = rate;
    p.channels = channels;
    p.samples.resize(bytes.size() / 4);
    std::memcpy(p.samples.data(), bytes.data(), p.samples.size() * 4);
    return p;
}

std::string to_s16le(std::span<const float> samples) {
    std::string b;
    b.reserve(samples.size() * 2);
    for (float x : samples) {
        const auto v = static_cast<int16_t>(std::clamp(std::lrint(x * 32768.0f), -32768L, 32767L));
        b.push_back(static_cast<char>(v & 0xFF));
        b.push_back(static_cast<char>((v >> 8) & 0xFF));
    }
    return b;
}

std::vector<int16_t> from_s16le(const std::string& bytes) {
    std::vector<int16_t> v(bytes.size() / 2);
    std::memcpy(v.data(), bytes.data(), v.size() * 2);
    return v;
}

Pcm sox_read(const std::string& path) {
    auto info = [&](const char* flag) {
        RunResult r = run({"soxi", flag, path});
        if (r.status != 0) throw std::runtime_error("soxi failed on " + path + ": " + r.err);
        return static_cast<uint32_t>(std::stoul(r.out));
    };
    const uint32_t rate = info("-r"), channels = info("-c");
    RunResult r = run({"sox", path, "-t", "f32", "-e", "floating-point", "-"});
    if (r.status != 0) throw std::runtime_error("sox failed on " + path + ": " + r.err);
    return from_f32le(r.out, rate, channels);
}

double peak_db(std::span<const float> x) {
    float p = 0;
    for (float v : x) p = std::max(p, std::fabs(v));
    return 20 * std::log10(std::max(p, 1e-30f));
}

double rms_db(std::span<const float> x) {
    double s = 0;
    for (float v : x) s += static_cast<double>(v) * v;
    return 10 * std::log10(std::max(s / std::max<size_t>(x.size(), 1), 1e-60));
}

namespace {
void fft(std::vector<std::complex<double>>& a) {
    const size_t n = a.size();
    for (size_t i = 1, j = 0; i < n; ++i) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(a[i], a[j]);
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        const double ang = -2 * std::numbers::pi / static_cast<double>(len);
        const std::complex<double> wl(std::cos(ang), std::sin(ang));
        for (size_t i = 0; i < n; i += len) {
            std::complex<double> w(1);
            for (size_t k = 0; k < len / 2; ++k) {
                auto u = a[i + k], v = a[i + k + len / 2] * w;
                a[i + k] = u + v;
                a[i + k + len / 2] = u - v;
                w *= wl;
            }
        }
    }
}
}  // namespace

Spectrum spectrum(std::span<const float> x, uint32_t rate) {
    size_t n = 1;
    while (n < x.size()) n <<= 1;
    std::vector<std::complex<double>> a(n);
    // Kaiser window, beta 20: side lobes near -150 dB, so components 130 dB
    // below a tone are measurable (Blackman-Harris stops at -92 dB).
    constexpr double beta = 20.0;
    const double i0b = std::cyl_bessel_i(0.0, beta);
    double wsum = 0;
    const double N = static_cast<double>(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
        const double r = 2.0 * static_cast<double>(i) / (N - 1) - 1.0;
        const double w = std::cyl_bessel_i(0.0, beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / i0b;
        wsum += w;
        a[i] = x[i] * w;
    }
    fft(a);
    Spectrum s;
    s.bin_hz = static_cast<double>(rate) / static_cast<double>(n);
    s.mag_db.resize(n / 2 + 1);
    for (size_t k = 0; k <= n / 2; ++k)
        s.mag_db[k] = 20 * std::log10(std::max(2 * std::abs(a[k]) / wsum, 1e-30));
    return s;
}

double peak_frequency(std::span<const float> x, uint32_t rate) {
    Spectrum s = spectrum(x, rate);
    size_t k = static_cast<size_t>(std::max_element(s.mag_db.begin() + 1, s.mag_db.end() - 1) - s.mag_db.begin());
    const double a = s.mag_db[k - 1], b = s.mag_db[k], c = s.mag_db[k + 1];
    const double d = 0.5 * (a - c) / (a - 2 * b + c);
    return (static_cast<double>(k) + d) * s.bin_hz;
}

double crossing_frequency(std::span<const float> x, size_t from, size_t to, uint32_t rate) {
    double first = -1, last = -1;
    size_t n = 0;
    for (size_t i = from + 1; i < to; ++i) {
        if ((x[i - 1] < 0) == (x[i] < 0)) continue;
        const double t = static_cast<double>(i - 1) + x[i - 1] / (x[i - 1] - x[i]);
        if (first < 0) first = t;
        last = t;
        ++n;
    }
    return n > 1 ? 0.5 * static_cast<double>(n - 1) / ((last - first) / rate) : 0;
}

double worst_spurious_db(std::span<const float> x, uint32_t rate, std::vector<double> exclude, double guard_hz) {
    Spectrum s = spectrum(x, rate);
    double worst = -400;
    for (size_t k = 1; k < s.mag_db.size(); ++k) {
        const double f = static_cast<double>(k) * s.bin_hz;
        bool near = f < guard_hz;  // ignore DC
        for (double e : exclude) near = near || std::fabs(f - e) < guard_hz;
        if (!near) worst = std::max(worst, s.mag_db[k]);
    }
    return worst;
}

double max_step(std::span<const float> x) {
    double m = 0;
    for (size_t i = 1; i < x.size(); ++i) m = std::max(m, std::fabs(static_cast<double>(x[i]) - x[i - 1]));
    return m;
}

}  // namespace simvx::test
