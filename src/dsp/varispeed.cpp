#include "dsp/varispeed.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

namespace simvx {
namespace {

constexpr int kTaps = static_cast<int>(Varispeed::kSincTaps);
constexpr int kHalf = kTaps / 2;
constexpr int kPhases = 512;      // table rows per unit of input time
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
// `flat` samples the kernel at steps of 1/kPhases over [-kHalf, kHalf], for
// the stretched kernel.
struct Tables {
    std::vector<float> rows, flat;
    Tables() : rows(static_cast<size_t>(kPhases) * 2 * kTaps), flat(2 * kHalf * kPhases + 2) {
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
        for (size_t m = 0; m < flat.size(); ++m) flat[m] = static_cast<float>(kernel(-kHalf + static_cast<double>(m) / kPhases));
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

// Everything one run of output frames needs, copied out of the Varispeed so
// the hot loop works on locals.
struct Cursor {
    const float* ch0;
    const float* ch1;
    uint32_t channels;
    ResamplerKind kind;
    size_t ipos;
    double frac;
    size_t refill_at;   // produce while ipos < refill_at
    bool ended;
    size_t end_index;
    double r0, dr;      // ratio of output frame k of the process() call: r0 + dr * (k + 1)
    size_t k;           // output frames of this process() call so far
};

using v8 = float __attribute__((vector_size(32)));
// The same vector read from any float address (no alignment, may alias floats).
using v8u = float __attribute__((vector_size(32), aligned(4), may_alias));
#define load8(p) (*reinterpret_cast<const v8u*>(p))

inline float hsum(const v8& v) {
    float s = 0;
    for (int i = 0; i < 8; ++i) s += v[i];
    return s;
}

// Output frames until `frames` are done, the history needs a refill, or the
// read position passes the end of the input. Compiled twice: for AVX2+FMA
// machines and for the x86-64 baseline, chosen at load time.
__attribute__((target_clones("arch=x86-64-v3", "default")))
size_t run(Cursor& c, float* out, size_t frames) {
    const Tables& t = tables();
    const float* rows = t.rows.data();
    const float* flat = t.flat.data();
    const bool stereo = c.channels == 2;
    size_t n = 0;
    for (; n < frames; ++n) {
        if (c.ipos >= c.refill_at) break;
        if (c.ended && static_cast<double>(c.ipos) + c.frac >= static_cast<double>(c.end_index)) break;
        const double r = c.r0 + c.dr * static_cast<double>(c.k + 1);
        float l = 0, rr = 0;
        switch (c.kind) {
            case ResamplerKind::linear: {
                const float f = static_cast<float>(c.frac);
                l = c.ch0[c.ipos] + f * (c.ch0[c.ipos + 1] - c.ch0[c.ipos]);
                if (stereo) rr = c.ch1[c.ipos] + f * (c.ch1[c.ipos + 1] - c.ch1[c.ipos]);
                break;
            }
            case ResamplerKind::cubic: {
                // Catmull-Rom through frames ipos-1 .. ipos+2.
                const float f = static_cast<float>(c.frac), f2 = f * f, f3 = f2 * f;
                const float w0 = 0.5f * (-f3 + 2 * f2 - f), w1 = 0.5f * (3 * f3 - 5 * f2 + 2);
                const float w2 = 0.5f * (-3 * f3 + 4 * f2 + f), w3 = 0.5f * (f3 - f2);
                const float* x = c.ch0 + c.ipos - 1;
                l = w0 * x[0] + w1 * x[1] + w2 * x[2] + w3 * x[3];
                if (stereo) {
                    x = c.ch1 + c.ipos - 1;
                    rr = w0 * x[0] + w1 * x[1] + w2 * x[2] + w3 * x[3];
                }
                break;
            }
            case ResamplerKind::sinc: {
                if (r <= 1.0) {
                    const double p = c.frac * kPhases;
                    const int row = std::min(static_cast<int>(p), kPhases - 1);
                    const float pf = static_cast<float>(p - row);
                    const float* co = rows + static_cast<size_t>(row) * 2 * kTaps;
                    const float* de = co + kTaps;
                    const size_t first = c.ipos + 1 - kHalf;
                    const v8 vf = {pf, pf, pf, pf, pf, pf, pf, pf};
                    v8 al = {}, ar = {};
                    if (stereo) {
                        for (int j = 0; j < kTaps; j += 8) {
                            const v8 w = load8(co + j) + vf * load8(de + j);
                            al += w * load8(c.ch0 + first + j);
                            ar += w * load8(c.ch1 + first + j);
                        }
                        rr = hsum(ar);
                    } else {
                        for (int j = 0; j < kTaps; j += 8) al += (load8(co + j) + vf * load8(de + j)) * load8(c.ch0 + first + j);
                    }
                    l = hsum(al);
                } else {
                    // Stretched by r: the cutoff follows the output's Nyquist frequency.
                    const double reach = kHalf * r;
                    const double pos = static_cast<double>(c.ipos) + c.frac;
                    const auto lo = static_cast<size_t>(std::floor(pos - reach)) + 1;
                    const auto hi = static_cast<size_t>(std::floor(pos + reach));
                    const double step = kPhases / r;
                    double idx = (static_cast<double>(lo) - pos) * step + kHalf * kPhases;
                    double sl = 0, sr = 0;
                    for (size_t i = lo; i <= hi; ++i, idx += step) {
                        const auto m = static_cast<size_t>(idx);
                        const float f = static_cast<float>(idx - static_cast<double>(m));
                        const float w = flat[m] + f * (flat[m + 1] - flat[m]);
                        sl += w * c.ch0[i];
                        if (stereo) sr += w * c.ch1[i];
                    }
                    l = static_cast<float>(sl / r);
                    rr = static_cast<float>(sr / r);
                }
                break;
            }
        }
        if (stereo) {
            out[2 * n] = l;
            out[2 * n + 1] = rr;
        } else {
            out[n] = l;
        }
        c.frac += r;
        if (c.frac >= 1.0) {
            const auto whole = static_cast<size_t>(c.frac);
            c.ipos += whole;
            c.frac -= static_cast<double>(whole);
        }
        ++c.k;
    }
    return n;
}

}  // namespace

Varispeed::Varispeed(ResamplerKind kind, uint32_t channels, double initial_ratio, double max_ratio)
    : kind_(kind), channels_(channels == 1 ? 1 : 2), max_ratio_(std::max(max_ratio, 1.0)) {
    ratio_ = target_ = clamp(initial_ratio);
    if (kind_ == ResamplerKind::sinc) {
        (void)tables();  // built here, never on the render thread
        const auto reach = static_cast<size_t>(std::ceil(kHalf * max_ratio_));
        left_ = reach + 2;
        right_ = reach + 2;
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
    c.channels = channels_;
    c.kind = kind_;
    c.r0 = ratio_;
    c.dr = (target_ - ratio_) / static_cast<double>(frames);
    size_t done = 0;
    while (done < frames) {
        if (ipos_ + right_ >= avail_) refill(pull, context);
        c.ch0 = hist_.data();
        c.ch1 = hist_.data() + (channels_ == 2 ? capacity_ : 0);
        c.ipos = ipos_;
        c.frac = frac_;
        c.refill_at = avail_ > right_ ? avail_ - right_ : 0;
        c.ended = ended_;
        c.end_index = end_index_;
        const size_t n = run(c, out + done * channels_, frames - done);
        ipos_ = c.ipos;
        frac_ = c.frac;
        done += n;
        if (n == 0 && ipos_ < c.refill_at) break;  // the input has ended
    }
    ratio_ = done == frames ? target_ : c.r0 + c.dr * static_cast<double>(done);
    return done;
}

}  // namespace simvx
