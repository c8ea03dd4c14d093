#include "dsp/varispeed.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <mutex>
#include <numbers>
#include <utility>

#include "core/cpu_features.hpp"
#include "dsp/kaiser.hpp"

namespace simvx {
namespace {

constexpr int kTaps = static_cast<int>(Varispeed::kSincTaps);
constexpr int kHalf = kTaps / 2;
constexpr int kRowBits = 8;       // the plain kernel's table: 256 rows per unit of input time
constexpr int kOctaveBands = 32;  // stretch tables between ratios 1 and 2
constexpr int kHigherBands = 16;  // per octave above 2
constexpr int kOctaves = 6;       // up to Varispeed::kMaxRatio
constexpr int kBands = kOctaveBands + (kOctaves - 1) * kHigherBands;
static_assert(1 << kOctaves == static_cast<int>(Varispeed::kMaxRatio));
constexpr double kBeta = 10.06;   // Kaiser beta for about 100 dB of stopband
constexpr size_t kChunk = 256;    // input frames pulled per refill


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
// `phases`) holds, for read-position fraction p/phases, the `taps`
// coefficients of frames ipos-half+1 .. ipos+half; a frame interpolates
// between two neighbouring rows. Values only (no stored differences to the
// next row): half the bytes, and the table's size in cache is what a frame
// costs most (a row with its differences ran 25 % slower). `taps` is a
// multiple of 8 (zeros past the kernel's support), so rows are read in whole
// vectors.
//
// Above ratio 1 the kernel is stretched by the next of a set of stretches at
// or above the ratio (never below it, so the stopband starts at or below
// 0.55 of the output rate and nothing aliases more than at the ratio's own
// stretch): kOctaveBands between 1 and 2 (1 + (i+1)/32), kHigherBands in
// each octave above (2^e (1 + (i+1)/16)). A tap then costs what it costs in
// the plain kernel; interpolating between stretches (as OpenAL Soft's bsinc
// does) would read twice the rows and add an FMA per tap, and a kernel read
// at any stretch from one fine table (this file's first design above 2) costs
// a gather per tap, several times slower. The price is a passband edge up to
// one step lower: 0.436 of the output rate instead of 0.45 at worst up to 2,
// 0.424 above.
//
// A stretched kernel is smoother per input frame, so in octave e (stretches
// 2^e .. 2^(e+1)) rows are 2^e times further apart in the fraction: the
// kernel is sampled as finely as the plain one, and every table holds 16 k
// to 33 k coefficients whatever its length.
struct Rows {
    int half = 0, taps = 0;
    int row_bits = 0;  // log2 of the rows per unit of the fraction
    std::vector<float> storage;
    const float* data = nullptr;  // in storage, on a 64-byte boundary: no vector load splits a cache line

    // Moved only: a moved vector keeps its buffer, so `data` stays valid; a copy would point into the original.
    Rows() = default;
    Rows(Rows&&) = default;
    Rows& operator=(Rows&&) = default;
    Rows(const Rows&) = delete;
    Rows& operator=(const Rows&) = delete;
};

Rows make_rows(double s, int row_bits) {
    Rows t;
    t.half = 4 * static_cast<int>(std::ceil(kHalf * s / 4 - 1e-9));
    t.taps = 2 * t.half;
    t.row_bits = row_bits;
    const int phases = 1 << row_bits;
    const auto n = static_cast<size_t>(t.taps);
    std::vector<double> at(static_cast<size_t>(phases + 1) * n);
    // Row phases - p is row p reversed (the kernel is even): half the evaluations.
    for (int p = 0; 2 * p <= phases; ++p)
        for (int j = 0; j < t.taps; ++j) {
            const double v = kernel((j - t.half + 1 - static_cast<double>(p) / phases) / s) / s;
            at[static_cast<size_t>(p) * n + static_cast<size_t>(j)] = v;
            at[static_cast<size_t>(phases - p) * n + (n - 1 - static_cast<size_t>(j))] = v;
        }
    t.storage.resize(at.size() + 16);
    const auto misalign = reinterpret_cast<uintptr_t>(t.storage.data()) % 64 / sizeof(float);
    float* rows = t.storage.data() + (misalign ? 16 - misalign : 0);
    std::copy(at.begin(), at.end(), rows);
    t.data = rows;
    return t;
}

// Band b's octave and its stretch.
int band_octave(int b) { return b < kOctaveBands ? 0 : 1 + (b - kOctaveBands) / kHigherBands; }
double band_stretch(int b) {
    if (b < kOctaveBands) return 1 + static_cast<double>(b + 1) / kOctaveBands;
    const int e = band_octave(b), i = (b - kOctaveBands) % kHigherBands;
    return std::ldexp(1 + static_cast<double>(i + 1) / kHigherBands, e);
}

// Built on first use, each part only once a Varispeed's largest ratio can
// reach it (measured: 1 ms for the plain kernel, 28 ms with every band up to
// 2, 71 ms up to 16; the first design built everything, 81-103 ms): the
// constructor builds what its voice needs, so a render at a fixed pitch below
// 1 pays for the plain kernel only. The render thread only reads parts its
// Varispeed's constructor built.
struct Tables {
    Rows unit;
    std::array<Rows, kBands> bands;
    std::array<std::once_flag, kBands> band_built;
    Tables() : unit(make_rows(1, kRowBits)) {}

    void build_band(size_t b) {
        std::call_once(band_built[b], [&] {
            const int band = static_cast<int>(b);
            bands[b] = make_rows(band_stretch(band), kRowBits - band_octave(band));
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

// The band of a step above kOne: the first whose stretch is at or above it.
inline size_t band_of(int64_t step) {
    const uint64_t x = static_cast<uint64_t>(step) - 1;  // a step of exactly 2^e kOne is the top of octave e-1
    const int e = std::bit_width(x) - 1 - kFracBits;
    const uint64_t mant = (x >> e) - kOne;  // 0 .. kOne-1 within the octave
    const size_t b = e == 0 ? static_cast<size_t>((mant * kOctaveBands) >> kFracBits)
                            : static_cast<size_t>(kOctaveBands + (e - 1) * kHigherBands) +
                                  static_cast<size_t>((mant * kHigherBands) >> kFracBits);
    return std::min(b, size_t{kBands - 1});
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

// Between two rows' coefficients (a macro: a function passing vectors by value warns under -Wpsabi).
#define lerp(a, b, f) ((a) + (f) * ((b) - (a)))

// One output frame from a table of rows: the row for the fraction,
// interpolated towards the next, times the history around the read position.
// Two sums per channel, each taking every other vector, so that two chains
// of dependent FMAs overlap. The same 8-float vector code compiles for AVX2
// and for baseline SSE2 (two halves per vector), in the same order of sums
// (only FMA contraction may round the last bit differently).
template <bool Stereo>
[[gnu::always_inline]] inline void sinc_rows(const Cursor& c, const float* rows, int row_bits, size_t half, size_t n,
                                             float& l, float& r) {
    const auto ipos = static_cast<size_t>(c.pos >> kFracBits);
    const auto frac = static_cast<uint32_t>(c.pos);
    const int shift = kFracBits - row_bits;
    const uint32_t row = frac >> shift;
    const float pf = static_cast<float>(frac & ((1u << shift) - 1)) * std::bit_cast<float>(static_cast<uint32_t>(127 - shift) << 23);
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

// A band table's rows. Up to 2 (72 to 128 taps) the loop is compiled for
// each tap count, unrolled like the plain kernel's; beyond, counted at run time.
constexpr size_t kBandSizes = kHalf / 4;
template <bool Stereo, size_t... K>
[[gnu::always_inline]] inline void sinc_band(const Cursor& c, const Rows& b, float& l, float& r,
                                             std::index_sequence<K...>) {
    const auto half = static_cast<size_t>(b.half);
    if (half > 2 * kHalf) {
        sinc_rows<Stereo>(c, b.data, b.row_bits, half, 2 * half, l, r);
        return;
    }
    (void)((half == kHalf + 4 * (K + 1)
                ? (sinc_rows<Stereo>(c, b.data, kRowBits, kHalf + 4 * (K + 1), 2 * (kHalf + 4 * (K + 1)), l, r), true)
                : false) ||
           ...);
}

template <Interpolator Kind, bool Stereo>
[[gnu::always_inline]] inline size_t run_kind(Cursor& c, float* out, size_t frames) {
    const Tables& t = tables();
    size_t n = 0;
    for (; n < frames; ++n) {
        if (c.pos >= c.refill_at || c.pos >= c.end) break;
        const auto ipos = static_cast<size_t>(c.pos >> kFracBits);
        float l = 0, r = 0;
        if constexpr (Kind == Interpolator::linear) {
            const float f = static_cast<float>(static_cast<uint32_t>(c.pos)) * 0x1p-32f;
            l = c.ch0[ipos] + f * (c.ch0[ipos + 1] - c.ch0[ipos]);
            if constexpr (Stereo) r = c.ch1[ipos] + f * (c.ch1[ipos + 1] - c.ch1[ipos]);
        } else if constexpr (Kind == Interpolator::cubic) {
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
                sinc_rows<Stereo>(c, t.unit.data, kRowBits, kHalf, kTaps, l, r);
            } else {
                sinc_band<Stereo>(c, t.bands[band_of(c.step)], l, r, std::make_index_sequence<kBandSizes>{});
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
// read position passes the end of the input. Compiled twice, for AVX2+FMA
// machines and for the x86-64 baseline (SIMVX_CPU_CLONES).
SIMVX_CPU_CLONES
size_t run(Cursor& c, Interpolator kind, bool stereo, float* out, size_t frames) {
    switch (kind) {
        case Interpolator::linear:
            return stereo ? run_kind<Interpolator::linear, true>(c, out, frames)
                          : run_kind<Interpolator::linear, false>(c, out, frames);
        case Interpolator::cubic:
            return stereo ? run_kind<Interpolator::cubic, true>(c, out, frames)
                          : run_kind<Interpolator::cubic, false>(c, out, frames);
        case Interpolator::sinc: break;
    }
    return stereo ? run_kind<Interpolator::sinc, true>(c, out, frames)
                  : run_kind<Interpolator::sinc, false>(c, out, frames);
}

}  // namespace

Varispeed::Varispeed(Interpolator kind, uint32_t channels, double initial_ratio, double max_ratio)
    : kind_(kind), channels_(channels == 1 ? 1 : 2), max_ratio_(std::clamp(max_ratio, 1.0, kMaxRatio)) {
    ratio_ = target_ = clamp(initial_ratio);
    if (kind_ == Interpolator::sinc) {
        Tables& t = tables();  // built here, never on the render thread
        // A glide's steps accumulate rounding: the margin makes sure a step a
        // hair above max_ratio finds its table built.
        const double top = max_ratio_ * (1 + 1e-4);
        size_t reach = kHalf;
        if (top > 1) {
            const size_t last = band_of(std::llround(top * kOne));
            for (size_t b = 0; b <= last; ++b) t.build_band(b);
            reach = static_cast<size_t>(t.bands[last].half);
        }
        // Plus a vector's padding.
        left_ = reach + 10;
        right_ = reach + 10;
    } else {
        // The kernels read frames ipos-1 .. ipos+2; the read position may
        // then move one step (up to max_ratio frames, plus a glide's
        // rounding) past where the run stopped, and the history must still
        // hold it: refill() drops what lies before it. With a margin of only
        // the kernel's reach, a step above 3 frames left the position past
        // the history's end (a negative-size memmove: heap corruption).
        left_ = 2;
        right_ = 3 + static_cast<size_t>(std::ceil(max_ratio_ * (1 + 1e-4))) + 1;
    }
    capacity_ = left_ + right_ + std::max(kChunk, static_cast<size_t>(std::ceil(max_ratio_)) * 4);
    hist_.assign(capacity_ * channels_, 0.0f);
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
    const size_t room = capacity_ - avail_;
    if (!ended_ && room) {
        // The input arrives interleaved; the history is planar. A mono pull
        // lands where it belongs. A stereo one lands in the right channel's
        // free room, half as many frames as there is room for, and is spread
        // from there in place, a stack's worth at a time (frames i.. move
        // down to index i from 2i: never over a sample still to be read), so
        // no voice carries a buffer for the pull: with thousands of voices
        // scheduled, that buffer was half their memory.
        float* h0 = hist_.data() + avail_;
        const size_t want = channels_ == 1 ? room : room / 2;
        size_t got = 0;
        if (channels_ == 1) {
            got = pull(context, h0, want);
        } else if (want > 0) {
            float* h1 = h0 + capacity_;
            got = pull(context, h1, want);
            constexpr size_t kSpread = 64;
            float pairs[2 * kSpread];
            for (size_t base = 0; base < got; base += kSpread) {
                const size_t n = std::min(kSpread, got - base);
                std::memcpy(pairs, h1 + 2 * base, 2 * n * sizeof(float));
                for (size_t i = 0; i < n; ++i) {
                    h0[base + i] = pairs[2 * i];
                    h1[base + i] = pairs[2 * i + 1];
                }
            }
        }
        avail_ += got;
        if (got < want) {
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
