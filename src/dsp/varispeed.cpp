#include "dsp/varispeed.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

namespace simvx {
namespace {

constexpr int kTaps = static_cast<int>(Varispeed::kSincTaps);
constexpr int kHalf = kTaps / 2;
constexpr int kPhases = 256;      // table rows per unit of input time
constexpr int kFine = 256;        // steps per unit of the stretched kernel's table
constexpr int kScaleSteps = 8;    // stretch tables between ratios 1 and 2, interpolated
constexpr double kBeta = 10.06;   // Kaiser beta for about 100 dB of stopband
constexpr size_t kChunk = 512;    // input frames pulled per refill

double bessel_i0(double x) {
    double sum = 1, term = 1;
    for (int k = 1; k < 64; ++k) {
        term *= (x / (2 * k)) * (x / (2 * k));
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

// The windowed sinc at u input frames from the read position (support [-kHalf, kHalf]).
double kernel(double u) {
    if (std::fabs(u) >= kHalf) return 0;
    const double t = u / kHalf;
    const double w = bessel_i0(kBeta * std::sqrt(1 - t * t)) / bessel_i0(kBeta);
    if (u == 0) return w;
    if (u == std::round(u)) return 0;  // exact zeros keep integer positions exact
    const double x = std::numbers::pi * u;
    return w * std::sin(x) / x;
}

// Rows for the unstretched kernel: row p holds, for read-position fraction
// p/kPhases, the kTaps coefficients of frames ipos-kHalf+1 .. ipos+kHalf,
// followed by the difference to row p+1 (for interpolating between rows).
//
// For ratios between 1 and 2 the kernel stretched by the ratio comes from
// tables at stretches 1 + i/kScaleSteps, interpolated both between rows (the
// fraction) and between stretches, as OpenAL Soft's bsinc does: `scaled[i]`
// covers stretches s0 = 1 + i/8 to s1 = 1 + (i+1)/8 over the taps of the
// wider one. Each row holds three runs of `taps` floats: the value at s0, its
// change to the next row and its change to s1 (the cross term is below
// -150 dB and left out).
//
// Beyond 2, `pairs` samples the kernel at steps of 1/kFine over
// [-kHalf, kHalf], each value with the slope to the next, for a kernel
// stretched by any ratio and read tap by tap (slower).
struct ScaledRows {
    int half = 0, taps = 0;
    std::vector<float> data;
};

struct Tables {
    std::vector<float> rows, pairs;
    std::vector<ScaledRows> scaled;
    Tables() : rows(static_cast<size_t>(kPhases) * 2 * kTaps), pairs(2 * (2 * kHalf * kFine + 2)), scaled(kScaleSteps) {
        std::vector<double> at(static_cast<size_t>(kPhases + 1) * kTaps);
        for (int p = 0; p <= kPhases; ++p)
            for (int j = 0; j < kTaps; ++j)
                at[static_cast<size_t>(p) * kTaps + j] = kernel(j - kHalf + 1 - static_cast<double>(p) / kPhases);
        for (int p = 0; p < kPhases; ++p)
            for (int j = 0; j < kTaps; ++j) {
                const double a = at[static_cast<size_t>(p) * kTaps + j], b = at[static_cast<size_t>(p + 1) * kTaps + j];
                rows[static_cast<size_t>(p) * 2 * kTaps + j] = static_cast<float>(a);
                rows[static_cast<size_t>(p) * 2 * kTaps + kTaps + j] = static_cast<float>(b - a);
            }
        const size_t fine = pairs.size() / 2;
        for (size_t m = 0; m < fine; ++m) {
            const double a = kernel(-kHalf + static_cast<double>(m) / kFine);
            const double b = kernel(-kHalf + static_cast<double>(m + 1) / kFine);
            pairs[2 * m] = static_cast<float>(a);
            pairs[2 * m + 1] = static_cast<float>(b - a);
        }
        for (int i = 0; i < kScaleSteps; ++i) build_scaled(i);
    }

    void build_scaled(int i) {
        const double s0 = 1 + static_cast<double>(i) / kScaleSteps, s1 = 1 + static_cast<double>(i + 1) / kScaleSteps;
        ScaledRows& t = scaled[static_cast<size_t>(i)];
        t.half = static_cast<int>(std::ceil(kHalf * s1));
        t.taps = 2 * t.half;
        const auto n = static_cast<size_t>(t.taps);
        // v[s][p][j]: the kernel stretched by s at fraction p/kPhases, tap j.
        std::vector<double> v0((kPhases + 1) * n), v1((kPhases + 1) * n);
        for (int p = 0; p <= kPhases; ++p)
            for (int j = 0; j < t.taps; ++j) {
                const double u = j - t.half + 1 - static_cast<double>(p) / kPhases;
                v0[static_cast<size_t>(p) * n + j] = kernel(u / s0) / s0;
                v1[static_cast<size_t>(p) * n + j] = kernel(u / s1) / s1;
            }
        t.data.resize(static_cast<size_t>(kPhases) * 3 * n);
        for (int p = 0; p < kPhases; ++p)
            for (size_t j = 0; j < n; ++j) {
                const size_t here = static_cast<size_t>(p) * n + j, next = here + n;
                float* row = t.data.data() + static_cast<size_t>(p) * 3 * n;
                row[j] = static_cast<float>(v0[here]);
                row[n + j] = static_cast<float>(v0[next] - v0[here]);
                row[2 * n + j] = static_cast<float>(v1[here] - v0[here]);
            }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

// Positions are 32.32 fixed point (history index, fraction): the hot loop
// advances and compares integers, and the fraction's top bits pick the table row.
constexpr int kFracBits = 32;
constexpr uint64_t kOne = uint64_t{1} << kFracBits;
constexpr int kRowBits = 8;  // log2(kPhases)
static_assert(1 << kRowBits == kPhases);

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

template <bool Stereo>
[[gnu::always_inline]] inline void sinc_unit(const Cursor& c, const float* rows, float& l, float& r) {
    const auto ipos = static_cast<size_t>(c.pos >> kFracBits);
    const auto frac = static_cast<uint32_t>(c.pos);
    const uint32_t row = frac >> (kFracBits - kRowBits);
    const float pf = static_cast<float>(frac & ((1u << (kFracBits - kRowBits)) - 1)) * (1.0f / (1u << (kFracBits - kRowBits)));
    const float* co = rows + static_cast<size_t>(row) * 2 * kTaps;
    const float* de = co + kTaps;
    const size_t first = ipos + 1 - kHalf;
    const v8 vf = {pf, pf, pf, pf, pf, pf, pf, pf};
    v8 al = {}, ar = {};
    for (int j = 0; j < kTaps; j += 8) {
        const v8 w = load8(co + j) + vf * load8(de + j);
        al += w * load8(c.ch0 + first + j);
        if constexpr (Stereo) ar += w * load8(c.ch1 + first + j);
    }
    l = hsum(al);
    if constexpr (Stereo) r = hsum(ar);
}

// The sinc stretched by a ratio between 1 and 2: rows interpolated by the
// fraction and by the stretch (sf, 0..1 across the table's two stretches).
template <bool Stereo>
[[gnu::always_inline]] inline void sinc_scaled(const Cursor& c, const ScaledRows& t, float sf, float& l, float& r) {
    const auto ipos = static_cast<size_t>(c.pos >> kFracBits);
    const auto frac = static_cast<uint32_t>(c.pos);
    const uint32_t row = frac >> (kFracBits - kRowBits);
    const float pf = static_cast<float>(frac & ((1u << (kFracBits - kRowBits)) - 1)) * (1.0f / (1u << (kFracBits - kRowBits)));
    const auto n = static_cast<size_t>(t.taps);
    const float* a = t.data.data() + static_cast<size_t>(row) * 3 * n;
    const size_t first = ipos + 1 - static_cast<size_t>(t.half);
    const v8 vp = {pf, pf, pf, pf, pf, pf, pf, pf}, vs = {sf, sf, sf, sf, sf, sf, sf, sf};
    v8 al = {}, ar = {};
    for (size_t j = 0; j < n; j += 8) {
        const v8 w = load8(a + j) + vp * load8(a + n + j) + vs * load8(a + 2 * n + j);
        al += w * load8(c.ch0 + first + j);
        if constexpr (Stereo) ar += w * load8(c.ch1 + first + j);
    }
    l = hsum(al);
    if constexpr (Stereo) r = hsum(ar);
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
                sinc_unit<Stereo>(c, t.rows.data(), l, r);
            } else if (c.step < static_cast<int64_t>(2 * kOne)) {
                const float x = static_cast<float>(c.step - static_cast<int64_t>(kOne)) * (kScaleSteps * 0x1p-32f);
                const int i = std::min(static_cast<int>(x), kScaleSteps - 1);
                sinc_scaled<Stereo>(c, t.scaled[static_cast<size_t>(i)], x - static_cast<float>(i), l, r);
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
        (void)tables();  // built here, never on the render thread
        // The widest stretched kernel (its stretch rounded as in sinc_stretched), plus a vector's padding.
        const double widest = static_cast<double>(kFine) / std::max(1.0, std::floor(kFine / max_ratio_));
        const auto reach = static_cast<size_t>(std::ceil(kHalf * widest));
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
