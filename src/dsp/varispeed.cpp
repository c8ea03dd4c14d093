#include "dsp/varispeed.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <mutex>
#include <numbers>
#include <utility>

namespace simvx {
namespace {

constexpr int kTaps = static_cast<int>(Varispeed::kSincTaps);
constexpr int kHalf = kTaps / 2;
constexpr int kPhases = 256;      // table rows per unit of input time
constexpr int kFine = 256;        // steps per unit of the stretched kernel's table
constexpr int kBands = 32;        // stretch tables between ratios 1 and 2
constexpr double kBeta = 10.06;   // Kaiser beta for about 100 dB of stopband
constexpr size_t kChunk = 512;    // input frames pulled per refill

// The series sum (x/2)^2k / (k!)^2, with the 1/k^2 factors precomputed: the
// tables take about a million of these, and dividing in the loop made the
// tables' build time most of a pitched render's start-up.
double bessel_i0(double x) {
    static const auto inv_k2 = [] {
        std::array<double, 64> a{};
        for (size_t k = 1; k < a.size(); ++k) a[k] = 1.0 / static_cast<double>(k * k);
        return a;
    }();
    const double q = x * x / 4;
    double sum = 1, term = 1;
    for (size_t k = 1; k < inv_k2.size(); ++k) {
        term *= q * inv_k2[k];
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

// The windowed sinc at u input frames from the read position (support [-kHalf, kHalf]).
double kernel(double u) {
    if (std::fabs(u) >= kHalf) return 0;
    const double t = u / kHalf;
    static const double i0_beta = bessel_i0(kBeta);
    const double w = bessel_i0(kBeta * std::sqrt(1 - t * t)) / i0_beta;
    if (u == 0) return w;
    if (u == std::round(u)) return 0;  // exact zeros keep integer positions exact
    const double x = std::numbers::pi * u;
    return w * std::sin(x) / x;
}

// Rows of a kernel stretched by s (s = 1: the plain kernel): row p (0 to
// kPhases) holds, for read-position fraction p/kPhases, the `taps`
// coefficients of frames ipos-half+1 .. ipos+half; a frame interpolates
// between two neighbouring rows. Values only (no stored differences to the
// next row): half the bytes, and the table's size in cache is what a frame
// costs most (a row with its differences ran 25 % slower). `taps` is a
// multiple of 8 (zeros past the kernel's support), so rows are read in whole
// vectors.
//
// For ratios between 1 and 2 the kernel is stretched by the next of
// kBands stretches 1 + (i+1)/kBands at or above the ratio (never below it,
// so the stopband starts at or below 0.55 of the output rate and nothing
// aliases more than at the ratio's own stretch). A tap then
// costs what it costs in the plain kernel; interpolating between stretches
// (as OpenAL Soft's bsinc does) would read twice the rows and add an FMA per
// tap. The price is a passband edge up to 1/kBands lower: 0.436 of the
// output rate instead of 0.45 at worst.
//
// Beyond 2, `pairs` samples the kernel at steps of 1/kFine over
// [-kHalf, kHalf], each value with the slope to the next, for a kernel
// stretched by any ratio and read tap by tap (slower).
struct Rows {
    int half = 0, taps = 0;
    std::vector<float> storage;
    const float* data = nullptr;  // in storage, on a 64-byte boundary: no vector load splits a cache line
};

Rows make_rows(double s) {
    Rows t;
    t.half = 4 * static_cast<int>(std::ceil(kHalf * s / 4 - 1e-9));
    t.taps = 2 * t.half;
    const auto n = static_cast<size_t>(t.taps);
    std::vector<double> at(static_cast<size_t>(kPhases + 1) * n);
    for (int p = 0; p <= kPhases; ++p)
        for (int j = 0; j < t.taps; ++j)
            at[static_cast<size_t>(p) * n + static_cast<size_t>(j)] =
                kernel((j - t.half + 1 - static_cast<double>(p) / kPhases) / s) / s;
    t.storage.resize(at.size() + 16);
    const auto misalign = reinterpret_cast<uintptr_t>(t.storage.data()) % 64 / sizeof(float);
    float* rows = t.storage.data() + (misalign ? 16 - misalign : 0);
    std::copy(at.begin(), at.end(), rows);
    t.data = rows;
    return t;
}

double band_stretch(int i) { return 1 + static_cast<double>(i + 1) / kBands; }

// Built on first use, each part only once a Varispeed's largest ratio can
// reach it (a band takes about 3 ms to compute, all 32 about 100): the
// constructor builds what its voice needs, so a render at a fixed pitch below
// 1 pays for the plain kernel only. The render thread only reads parts its
// Varispeed's constructor built.
struct Tables {
    Rows unit;
    std::array<Rows, kBands> bands;
    std::array<std::once_flag, kBands> band_built;
    std::vector<float> pairs;
    std::once_flag pairs_built;
    Tables() : unit(make_rows(1)) {}

    void build_band(size_t i) {
        std::call_once(band_built[i], [&] { bands[i] = make_rows(band_stretch(static_cast<int>(i))); });
    }
    void build_pairs() {
        std::call_once(pairs_built, [&] {
            pairs.resize(2 * (2 * kHalf * kFine + 2));
            const size_t fine = pairs.size() / 2;
            for (size_t m = 0; m < fine; ++m) {
                const double a = kernel(-kHalf + static_cast<double>(m) / kFine);
                const double b = kernel(-kHalf + static_cast<double>(m + 1) / kFine);
                pairs[2 * m] = static_cast<float>(a);
                pairs[2 * m + 1] = static_cast<float>(b - a);
            }
        });
    }
};

Tables& tables() {
    static Tables t;
    return t;
}

// Positions are 32.32 fixed point (history index, fraction): the hot loop
// advances and compares integers, and the fraction's top bits pick the table row.
constexpr int kFracBits = 32;
constexpr uint64_t kOne = uint64_t{1} << kFracBits;
constexpr int kRowBits = 8;  // log2(kPhases)
static_assert(1 << kRowBits == kPhases);

// The band of a step between kOne and 2 kOne (exclusive): the first whose
// stretch 1 + (i+1)/kBands is at or above it.
inline size_t band_of(int64_t step) {
    return static_cast<size_t>(((static_cast<uint64_t>(step) - kOne) * kBands - 1) >> kFracBits);
}

// Everything one run of output frames needs, copied out of the Varispeed so
// the hot loop works on locals.
struct Cursor {
    const float* ch0;
    const float* ch1;
    uint64_t pos;        // read position
    uint64_t refill_at;  // stop before pos reaches this (the kernel would read past the history)
    uint64_t end;        // stop at this position: the end of the input (or never)
    int64_t step;        // ratio of the next frame
    int64_t dstep;       // change of the ratio per frame (a glide)
};

using v8 = float __attribute__((vector_size(32)));
// The same vector read from any float address (no alignment, may alias floats).
using v8u = float __attribute__((vector_size(32), aligned(4), may_alias));
#define load8(p) (*reinterpret_cast<const v8u*>(p))

using v4 = float __attribute__((vector_size(16)));

// A tree of adds (a serial sum would put 7 dependent adds on every output frame).
inline float hsum(const v8& v) {
    v4 a = __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
    a += __builtin_shufflevector(a, a, 2, 3, 0, 1);
    return a[0] + a[1];
}

// One output frame from a table of rows: the row for the fraction,
// interpolated towards the next, times the history around the read position.
// Two sums per channel, each taking every other vector, so that two chains
// of dependent FMAs overlap.
// Between two rows' coefficients (a macro: a function passing vectors by value warns under -Wpsabi).
#define lerp(a, b, f) ((a) + (f) * ((b) - (a)))

template <bool Stereo>
[[gnu::always_inline]] inline void sinc_rows(const Cursor& c, const float* rows, size_t half, size_t n, float& l,
                                             float& r) {
    const auto ipos = static_cast<size_t>(c.pos >> kFracBits);
    const auto frac = static_cast<uint32_t>(c.pos);
    const uint32_t row = frac >> (kFracBits - kRowBits);
    const float pf = static_cast<float>(frac & ((1u << (kFracBits - kRowBits)) - 1)) * (1.0f / (1u << (kFracBits - kRowBits)));
    const float* co = rows + static_cast<size_t>(row) * n;
    const float* nx = co + n;
    const float* x0 = c.ch0 + ipos + 1 - half;
    const float* x1 = c.ch1 + ipos + 1 - half;
    const v8 vf = {pf, pf, pf, pf, pf, pf, pf, pf};
    v8 al0 = {}, al1 = {}, ar0 = {}, ar1 = {};
    size_t j = 0;
    for (; j + 16 <= n; j += 16) {
        const v8 w0 = lerp(load8(co + j), load8(nx + j), vf);
        const v8 w1 = lerp(load8(co + j + 8), load8(nx + j + 8), vf);
        al0 += w0 * load8(x0 + j);
        al1 += w1 * load8(x0 + j + 8);
        if constexpr (Stereo) {
            ar0 += w0 * load8(x1 + j);
            ar1 += w1 * load8(x1 + j + 8);
        }
    }
    if (j < n) {
        const v8 w = lerp(load8(co + j), load8(nx + j), vf);
        al0 += w * load8(x0 + j);
        if constexpr (Stereo) ar0 += w * load8(x1 + j);
    }
    l = hsum(al0 + al1);
    if constexpr (Stereo) r = hsum(ar0 + ar1);
}

// A band table's rows, with the loop compiled for each tap count (72 to
// 128): unrolled like the plain kernel's, instead of counted at run time.
constexpr size_t kBandSizes = kHalf / 4;
template <bool Stereo, size_t... K>
[[gnu::always_inline]] inline void sinc_band(const Cursor& c, const Rows& b, float& l, float& r,
                                             std::index_sequence<K...>) {
    const auto half = static_cast<size_t>(b.half);
    (void)((half == kHalf + 4 * (K + 1) ? (sinc_rows<Stereo>(c, b.data, kHalf + 4 * (K + 1), 2 * (kHalf + 4 * (K + 1)), l, r), true)
                                        : false) ||
           ...);
}

// The sinc stretched by a ratio above 2 (its cutoff follows the output's
// Nyquist frequency). The stretch is rounded up so that successive taps step
// through the fine table by a whole number of entries: every tap then shares
// one interpolation fraction.
template <bool Stereo>
[[gnu::always_inline]] inline void sinc_stretched(const Cursor& c, const float* pairs, double ratio, float& l,
                                                  float& r) {
    const auto stride = static_cast<uint32_t>(std::max(1.0, std::floor(kFine / ratio)));
    const double scale = static_cast<double>(kFine) / stride;
    const double pos = static_cast<double>(c.pos) / kOne;
    const double reach = kHalf * scale;
    const auto lo = static_cast<size_t>(std::floor(pos - reach)) + 1;
    const double idx0 = (static_cast<double>(lo) - pos) * stride + kHalf * kFine;  // > 0
    const auto m0 = static_cast<uint32_t>(idx0);
    const float f = static_cast<float>(idx0 - m0);
    const uint32_t taps = (2 * kHalf * kFine - m0) / stride + 1;
    // Table entries a stride apart, each pair (value, slope) in one cache line;
    // four independent sums keep the FMAs overlapping. The 1/scale gain
    // (unity gain at DC) applies once, to the sums.
    float l0 = 0, l1 = 0, l2 = 0, l3 = 0, r0 = 0, r1 = 0, r2 = 0, r3 = 0;
    const float* x0 = c.ch0 + lo;
    const float* x1 = c.ch1 + lo;
    const float* e = pairs + 2 * static_cast<size_t>(m0);
    const size_t es = 2 * static_cast<size_t>(stride);
    uint32_t j = 0;
    for (; j + 4 <= taps; j += 4, e += 4 * es) {
        const float w0 = e[0] + f * e[1], w1 = e[es] + f * e[es + 1];
        const float w2 = e[2 * es] + f * e[2 * es + 1], w3 = e[3 * es] + f * e[3 * es + 1];
        l0 += w0 * x0[j];
        l1 += w1 * x0[j + 1];
        l2 += w2 * x0[j + 2];
        l3 += w3 * x0[j + 3];
        if constexpr (Stereo) {
            r0 += w0 * x1[j];
            r1 += w1 * x1[j + 1];
            r2 += w2 * x1[j + 2];
            r3 += w3 * x1[j + 3];
        }
    }
    for (; j < taps; ++j, e += es) {
        const float w = e[0] + f * e[1];
        l0 += w * x0[j];
        if constexpr (Stereo) r0 += w * x1[j];
    }
    const auto gain = static_cast<float>(1.0 / scale);
    l = ((l0 + l1) + (l2 + l3)) * gain;
    if constexpr (Stereo) r = ((r0 + r1) + (r2 + r3)) * gain;
}

template <ResamplerKind Kind, bool Stereo>
[[gnu::always_inline]] inline size_t run_kind(Cursor& c, float* out, size_t frames) {
    const Tables& t = tables();
    size_t n = 0;
    for (; n < frames; ++n) {
        if (c.pos >= c.refill_at || c.pos >= c.end) break;
        const auto ipos = static_cast<size_t>(c.pos >> kFracBits);
        float l = 0, r = 0;
        if constexpr (Kind == ResamplerKind::linear) {
            const float f = static_cast<float>(static_cast<uint32_t>(c.pos)) * 0x1p-32f;
            l = c.ch0[ipos] + f * (c.ch0[ipos + 1] - c.ch0[ipos]);
            if constexpr (Stereo) r = c.ch1[ipos] + f * (c.ch1[ipos + 1] - c.ch1[ipos]);
        } else if constexpr (Kind == ResamplerKind::cubic) {
            // Catmull-Rom through frames ipos-1 .. ipos+2.
            const float f = static_cast<float>(static_cast<uint32_t>(c.pos)) * 0x1p-32f, f2 = f * f, f3 = f2 * f;
            const float w0 = 0.5f * (-f3 + 2 * f2 - f), w1 = 0.5f * (3 * f3 - 5 * f2 + 2);
            const float w2 = 0.5f * (-3 * f3 + 4 * f2 + f), w3 = 0.5f * (f3 - f2);
            const float* x = c.ch0 + ipos - 1;
            l = w0 * x[0] + w1 * x[1] + w2 * x[2] + w3 * x[3];
            if constexpr (Stereo) {
                x = c.ch1 + ipos - 1;
                r = w0 * x[0] + w1 * x[1] + w2 * x[2] + w3 * x[3];
            }
        } else {
            if (c.step <= static_cast<int64_t>(kOne)) {
                sinc_rows<Stereo>(c, t.unit.data, kHalf, kTaps, l, r);
            } else if (c.step < static_cast<int64_t>(2 * kOne)) {
                sinc_band<Stereo>(c, t.bands[band_of(c.step)], l, r, std::make_index_sequence<kBandSizes>{});
            } else {
                sinc_stretched<Stereo>(c, t.pairs.data(), static_cast<double>(c.step) / kOne, l, r);
            }
        }
        if constexpr (Stereo) {
            out[2 * n] = l;
            out[2 * n + 1] = r;
        } else {
            out[n] = l;
        }
        c.pos += static_cast<uint64_t>(c.step);
        c.step += c.dstep;
    }
    return n;
}

// Output frames until `frames` are done, the history needs a refill, or the
// read position passes the end of the input. Compiled twice: for AVX2+FMA
// machines and for the x86-64 baseline, chosen at load time.
__attribute__((target_clones("arch=x86-64-v3", "default")))
size_t run(Cursor& c, ResamplerKind kind, bool stereo, float* out, size_t frames) {
    switch (kind) {
        case ResamplerKind::linear:
            return stereo ? run_kind<ResamplerKind::linear, true>(c, out, frames)
                          : run_kind<ResamplerKind::linear, false>(c, out, frames);
        case ResamplerKind::cubic:
            return stereo ? run_kind<ResamplerKind::cubic, true>(c, out, frames)
                          : run_kind<ResamplerKind::cubic, false>(c, out, frames);
        case ResamplerKind::sinc: break;
    }
    return stereo ? run_kind<ResamplerKind::sinc, true>(c, out, frames)
                  : run_kind<ResamplerKind::sinc, false>(c, out, frames);
}

}  // namespace

Varispeed::Varispeed(ResamplerKind kind, uint32_t channels, double initial_ratio, double max_ratio)
    : kind_(kind), channels_(channels == 1 ? 1 : 2), max_ratio_(std::clamp(max_ratio, 1.0, kMaxRatio)) {
    ratio_ = target_ = clamp(initial_ratio);
    if (kind_ == ResamplerKind::sinc) {
        Tables& t = tables();  // built here, never on the render thread
        // A glide's steps accumulate rounding: the margin makes sure a step a
        // hair above max_ratio finds its table built.
        const double top = max_ratio_ * (1 + 1e-4);
        size_t reach = kHalf;
        if (top > 1) {
            const size_t last = top >= 2 ? size_t{kBands - 1} : band_of(std::llround(top * kOne));
            for (size_t i = 0; i <= last; ++i) t.build_band(i);
            reach = std::max(reach, static_cast<size_t>(t.bands[last].half));
        }
        if (top >= 2) {
            t.build_pairs();
            // The widest stretched kernel (its stretch rounded as in sinc_stretched).
            const double widest = static_cast<double>(kFine) / std::max(1.0, std::floor(kFine / max_ratio_));
            reach = std::max(reach, static_cast<size_t>(std::ceil(kHalf * widest)));
        }
        // Plus a vector's padding.
        left_ = reach + 10;
        right_ = reach + 10;
    } else {
        left_ = 2;
        right_ = 3;
    }
    capacity_ = left_ + right_ + std::max(kChunk, static_cast<size_t>(std::ceil(max_ratio_)) * 4);
    hist_.assign(capacity_ * channels_, 0.0f);
    scratch_.assign(capacity_ * channels_, 0.0f);
    ipos_ = avail_ = left_;  // silence before the first frame
}

double Varispeed::clamp(double ratio) const noexcept {
    return std::clamp(std::isfinite(ratio) ? ratio : 1.0, kMinRatio, max_ratio_);
}

void Varispeed::set_ratio(double ratio) noexcept { target_ = clamp(ratio); }

void Varispeed::refill(Pull pull, void* context) noexcept {
    if (ipos_ > left_) {
        const size_t drop = ipos_ - left_;
        for (uint32_t ch = 0; ch < channels_; ++ch) {
            float* h = hist_.data() + ch * capacity_;
            std::memmove(h, h + drop, (avail_ - drop) * sizeof(float));
        }
        avail_ -= drop;
        ipos_ -= drop;
        if (ended_) end_index_ = end_index_ > drop ? end_index_ - drop : 0;
    }
    size_t room = capacity_ - avail_;
    if (!ended_ && room) {
        const size_t got = pull(context, scratch_.data(), room);
        float* h0 = hist_.data() + avail_;
        if (channels_ == 1) {
            std::memcpy(h0, scratch_.data(), got * sizeof(float));
        } else {
            float* h1 = h0 + capacity_;
            for (size_t i = 0; i < got; ++i) {
                h0[i] = scratch_[2 * i];
                h1[i] = scratch_[2 * i + 1];
            }
        }
        avail_ += got;
        if (got < room) {
            ended_ = true;
            end_index_ = avail_;
        }
    }
    // After the end: silence, so the kernel's right half fades out the last frames.
    for (uint32_t ch = 0; ch < channels_; ++ch) std::fill(hist_.begin() + ch * capacity_ + avail_, hist_.begin() + (ch + 1) * capacity_, 0.0f);
    if (ended_) avail_ = capacity_;
}

size_t Varispeed::process(float* out, size_t frames, Pull pull, void* context) noexcept {
    if (frames == 0) return 0;
    Cursor c{};
    // The glide: frame k of this call advances by r0 + dr (k + 1).
    const double dr = (target_ - ratio_) / static_cast<double>(frames);
    c.step = std::llround((ratio_ + dr) * kOne);
    c.dstep = std::llround(dr * kOne);
    size_t done = 0;
    while (done < frames) {
        if (ipos_ + right_ >= avail_) refill(pull, context);
        c.ch0 = hist_.data();
        c.ch1 = hist_.data() + (channels_ == 2 ? capacity_ : 0);
        c.pos = (static_cast<uint64_t>(ipos_) << kFracBits) | frac_;
        const size_t refill_index = avail_ > right_ ? avail_ - right_ : 0;
        c.refill_at = static_cast<uint64_t>(refill_index) << kFracBits;
        c.end = ended_ ? static_cast<uint64_t>(end_index_) << kFracBits : ~uint64_t{0};
        const size_t n = run(c, kind_, channels_ == 2, out + done * channels_, frames - done);
        ipos_ = static_cast<size_t>(c.pos >> kFracBits);
        frac_ = static_cast<uint32_t>(c.pos);
        done += n;
        if (n == 0 && ipos_ < refill_index) break;  // the input has ended
    }
    ratio_ = done == frames ? target_ : ratio_ + dr * static_cast<double>(done);
    return done;
}

}  // namespace simvx
