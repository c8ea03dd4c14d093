#include "dsp/true_peak.hpp"

#include "dsp/sample_levels.hpp"
#include "dsp/true_peak_convolve.hpp"
#include "dsp/vector_types.hpp"
#include "dsp/kaiser.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>

namespace simvx {
namespace {

constexpr uint32_t kHalf = TruePeakMeter::kTaps / 2;
static_assert(TruePeakMeter::kTaps % 4 == 0, "the taps are summed four at a time");
constexpr size_t kBlock = 512;  // samples scanned at a time: the grid scratch stays in L1
constexpr size_t kGroup = 32;   // points screened and searched together: four AVX vectors
constexpr size_t kChunk = 16;   // samples per |x| maximum the bounds are taken from
static_assert(kGroup % kChunk == 0 && (TruePeakMeter::kTaps / 2) % kChunk == 0, "groups and sample spans start on chunks");
// A group's bounds in chunks from its first: its own samples, and the
// samples (and second differences) its windows reach.
constexpr size_t kOwnChunks = kGroup / kChunk;
constexpr size_t kReachChunks = (kGroup + TruePeakMeter::kTaps) / kChunk;
// The largest of a group's few chunk maxima (never negative, INFINITY past
// the buffer): unrolled in place, as the screen asks at every group and a
// call of peak_magnitude's vector loop costs more than the eight values.
template <size_t N>
float largest_chunk(const float* maxima) noexcept {
    float top = maxima[0];
    for (size_t i = 1; i < N; ++i) top = std::max(top, maxima[i]);
    return top;
}
// The bright signals' screen: the 32 taps around the window's centre, which
// carry most of the filter's weight (the other 64 add up to 0.22 of it in
// absolute value).
constexpr uint32_t kCentral = 32;
constexpr uint32_t kCentralFirst = kHalf - kCentral / 2;
// Room for rounding in the bounds: a float sum of 96 products is within
// 96 x 2^-24 of their absolute sum, 1e-4 is 17 times that.
constexpr double kRounding = 1e-4;

// A band-limited signal falls from its peak by at most 1 - cos(pi/4) (29%)
// within a quarter of a sample (a tone at Nyquist does exactly that), so a
// grid point below 70% of the peak so far has no larger peak within reach.
constexpr float kCandidate = 0.7f;

// Kaiser window, beta 7: the images of a tone fall 60 dB and more while the
// passband stays flat to 0.002 dB up to 0.95 of Nyquist with 96 taps.
constexpr double kBeta = 7.0;

Float4 load4(const float* p) noexcept {
    Float4 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}



// Stereo frames into two planes, four frames at a time by vector shuffles
// (the strided copy of the general case does not vectorize).
void deinterleave_stereo(const float* in, float* left, float* right, size_t frames) noexcept {
    size_t i = 0;
    for (; i + 4 <= frames; i += 4) {
        Float4 a, b;
        std::memcpy(&a, in + 2 * i, sizeof a);
        std::memcpy(&b, in + 2 * i + 4, sizeof b);
        const Float4 l = __builtin_shufflevector(a, b, 0, 2, 4, 6), r = __builtin_shufflevector(a, b, 1, 3, 5, 7);
        std::memcpy(left + i, &l, sizeof l);
        std::memcpy(right + i, &r, sizeof r);
    }
    for (; i < frames; ++i) {
        left[i] = in[2 * i];
        right[i] = in[2 * i + 1];
    }
}

// A filter over the kTaps + 1 samples x[j - kHalf .. j + kHalf] around a
// sample x[j]: the windows of the two intervals next to it.
using Around = std::array<double, TruePeakMeter::kTaps + 1>;

// What a filter f can give, bounded by summation by parts (twice), with S1
// and S2 the running sums of f and of S1 over its L taps:
//   sum f[s] x[s] = S1[L-1] x[L-1] - S2[L-2] (x[L-1] - x[L-2])
//                 + sum over s <= L-3 of S2[s] (x[s] - 2 x[s+1] + x[s+2]).
// `bend` weighs the largest |second difference|, `level` the largest |sample|.
struct Weights {
    double bend = 0, level = 0;
};
Weights by_parts(const Around& f) noexcept {
    constexpr size_t L = std::tuple_size_v<Around>;
    double s1 = 0, s2 = 0;
    Weights w;
    for (size_t s = 0; s < L; ++s) {
        s1 += f[s];
        if (s + 1 < L) s2 += s1;
        if (s + 2 < L) w.bend += std::fabs(s2);
    }
    w.level = std::fabs(s1) + 2 * std::fabs(s2);
    return w;
}

Weights max(Weights a, Weights b) noexcept { return {std::max(a.bend, b.bend), std::max(a.level, b.level)}; }

}  // namespace

TruePeakMeter::TruePeakMeter(uint32_t channels, Screening screening)
    : channels_(channels),
      chans_(channels),
      grid_(kBlock),
      screen_grid_(kGroup),
      chunk_peak_((TruePeakMeter::kTaps + kBlock + 1) / kChunk + 1 + kReachChunks),
      chunk_bend_(chunk_peak_.size()),
      screen_(screening == Screening::on),
      convolve_(convolve_taps_kernels().front().run) {
    // Row f holds the taps giving the point f/kFine of a sample after the
    // window's centre sample x[kHalf - 1]: tap k weighs x[k].
    phases_.resize(static_cast<size_t>(kFine) * kTaps);
    for (uint32_t f = 0; f < kFine; ++f) {
        double sum = 0;
        std::vector<double> row(kTaps);
        for (uint32_t k = 0; k < kTaps; ++k) {
            const double t = static_cast<double>(k) + 1.0 - kHalf - static_cast<double>(f) / kFine;
            const double r = t / kHalf;
            const double w = kaiser(r, kBeta);
            const double s = t == 0 ? 1.0 : std::sin(std::numbers::pi * t) / (std::numbers::pi * t);
            row[k] = s * w;
            sum += row[k];
        }
        for (uint32_t k = 0; k < kTaps; ++k) phases_[f * kTaps + k] = static_cast<float>(row[k] / sum);  // unity at DC
    }
    set_screen_bounds();
    for (Channel& c : chans_) {
        c.x.assign(kTaps + kBlock + 1, 0.0f);
        c.filled = kHalf;  // silence before the signal
    }
}

// The screen's weights, from the rows as they are used (in float). The
// point m/kFine of a sample after x[j] (m from -kFine to kFine; m < 0
// before it), as magnitude() reads it, is a filter over `Around`; the line
// between its two samples is another. A search reads points (bounded by the
// line, at most the larger of the two samples, plus the remainder's
// weights), climbs between points 1/kFine apart, and reads the top of a
// parabola through three of them, which stands above the middle one by at
// most an eighth of their second difference. Each weight is the largest over
// every m, plus the rounding of the float sums.
void TruePeakMeter::set_screen_bounds() {
    const int fine = static_cast<int>(kFine);
    const auto point = [&](int m) {
        Around f{};
        if (m % fine == 0) {
            f[static_cast<size_t>(static_cast<int>(kHalf) + m / fine)] = 1;
        } else {
            // After x[j]: the window x[j - kHalf + 1 ...], row m; before it: one sample earlier, row m + kFine.
            const size_t first = m > 0 ? 1 : 0;
            const float* row = phases_.data() + static_cast<size_t>(m > 0 ? m : m + fine) * kTaps;
            for (uint32_t k = 0; k < kTaps; ++k) f[first + k] = row[k];
        }
        return f;
    };
    const auto line = [&](int m) {
        Around f{};
        const size_t left = m >= 0 ? kHalf : kHalf - 1;
        const double phase = static_cast<double>(m >= 0 ? m : m + fine) / fine;
        f[left] = 1 - phase;
        f[left + 1] += phase;
        return f;
    };
    const auto combine = [](const Around& a, double ka, const Around& b, double kb) {
        Around f;
        for (size_t s = 0; s < f.size(); ++s) f[s] = ka * a[s] + kb * b[s];
        return f;
    };
    Weights value, step, curve;
    double largest_sum = 0;
    for (int m = -fine + 1; m <= fine; ++m) {
        const Around p = point(m), before = point(m - 1);
        if (m >= 0) value = max(value, by_parts(combine(p, 1, line(m), -1)));
        step = max(step, by_parts(combine(p, 1, before, -1)));
        if (m < fine) curve = max(curve, by_parts(combine(combine(point(m + 1), 1, p, -2), 1, before, 1)));
        double sum = 0;
        for (double t : p) sum += std::fabs(t);
        largest_sum = std::max(largest_sum, sum);
    }
    const double rounding = kRounding * largest_sum;  // per point read
    value_bend_ = value.bend, value_level_ = value.level + rounding;
    step_bend_ = step.bend, step_level_ = step.level + 2 * rounding;
    curve_bend_ = curve.bend, curve_level_ = curve.level + 4 * rounding;
    double all = 0, outer = 0;  // the midpoint row's absolute sum, and its outer taps'
    for (uint32_t k = 0; k < kTaps; ++k) {
        all += std::fabs(midpoint_row()[k]);
        if (k < kCentralFirst || k >= kCentralFirst + kCentral) outer += std::fabs(midpoint_row()[k]);
    }
    sum_abs_ = all * (1 + kRounding);
    tail_abs_ = outer + all * kRounding;
}

void TruePeakMeter::add(const float* in, size_t frames) noexcept {
    while (frames) {
        const size_t n = std::min(frames, kBlock);
        if (channels_ == 2) {
            deinterleave_stereo(in, chans_[0].x.data() + chans_[0].filled, chans_[1].x.data() + chans_[1].filled, n);
        } else {
            for (uint32_t ch = 0; ch < channels_; ++ch) {
                float* dst = chans_[ch].x.data() + chans_[ch].filled;
                for (size_t i = 0; i < n; ++i) dst[i] = in[i * channels_ + ch];
            }
        }
        for (Channel& c : chans_) {
            c.filled += n;
            if (c.filled > kTaps) scan(c, c.filled - kTaps);
        }
        in += n * channels_;
        frames -= n;
    }
}


// The points of samples 0..points-1 of the buffer's pending ones: sample i's
// window is x[i + 1 .. i + kTaps], its own value x[i + kHalf], the point half
// a sample later mid[i]. Group by group, those whose search could not raise
// the peak are passed over, the others searched.
void TruePeakMeter::scan(Channel& c, size_t points) noexcept {
    // One pass of |x| and |second difference| maxima, which every group's bounds take theirs from.
    if (screen_) {
        chunk_peaks_and_bends(c.x.data(), c.filled, kChunk, chunk_peak_.data(), chunk_bend_.data());
        // Past the buffer's end, no bound: a short last group reads a chunk or two there, and is searched.
        std::fill(chunk_peak_.begin() + static_cast<std::ptrdiff_t>((c.filled + kChunk - 1) / kChunk), chunk_peak_.end(), INFINITY);
        std::fill(chunk_bend_.begin() + static_cast<std::ptrdiff_t>((c.filled - 2 + kChunk - 1) / kChunk), chunk_bend_.end(), INFINITY);
    }
    for (size_t from = 0; from < points; from += kGroup) {
        const size_t n = std::min(kGroup, points - from);
        if (screen_ && cannot_raise(c.x.data(), from, n, c.peak)) {
            c.last_mid_known = false;
            passed_over_ += n;
        } else {
            search(c, from, n);
        }
    }
    // Keep the last kTaps samples (plus what is not scanned): the next windows.
    std::copy(c.x.begin() + static_cast<std::ptrdiff_t>(points), c.x.begin() + static_cast<std::ptrdiff_t>(c.filled),
              c.x.begin());
    c.filled -= points;
}

// Whether a search of the group could read more than `peak`, in three
// steps from the cheapest:
// - quiet: no point within reach can be a candidate (70% of the peak);
// - smooth: what a search can read, bounded from the samples' second
//   differences (true_peak.hpp). Its points and the climbs from them lie
//   between the samples x[from + kHalf - 1] and x[from + n + kHalf] (half a
//   sample before the first sample point to the last midpoint's next
//   sample); their windows, and those of the three points under each
//   parabola, reach from x[from] to x[from + n + kTaps - 1], and their
//   second differences start at x[from] (three points never straddle the
//   outer samples);
// - bright (energy near Nyquist bends the samples too much for the second):
//   no sample and no midpoint of the group is a candidate, the midpoints
//   computed through the central taps, the outer ones bounded.
// The maxima are the chunks' that hold those samples (scan's), a few more at most.
bool TruePeakMeter::cannot_raise(const float* x, size_t from, size_t n, float peak) noexcept {
    const float candidate = peak * kCandidate;
    // A whole group's spans, in whole chunks (a short group's are wider, which
    // only loosens them): the largest of their maxima (all >= 0).
    const float reach = largest_chunk<kReachChunks>(chunk_peak_.data() + from / kChunk);
    if (reach * sum_abs_ <= candidate) return true;
    const float own = largest_chunk<kOwnChunks>(chunk_peak_.data() + (from + kHalf) / kChunk);
    const double samples = std::max({own, std::fabs(x[from + kHalf - 1]), std::fabs(x[from + kHalf + n])});
    if (samples > peak) return false;
    const float bend = largest_chunk<kReachChunks>(chunk_bend_.data() + from / kChunk);
    const double value = samples + value_bend_ * bend + value_level_ * reach;
    const double step = step_bend_ * bend + step_level_ * reach;
    const double curve = curve_bend_ * bend + curve_level_ * reach;
    // The top of a parabola: an eighth of the second difference over its
    // middle point; where the points change sign, 1.25 times one point, which
    // is then at most one step from zero.
    const double top = std::max(value + curve / 8, 1.25 * std::min(value, step));
    if (top * (1 + 1e-6) <= peak) return true;
    if (own > candidate) return false;
    convolve_(x + from + 1 + kCentralFirst, midpoint_row() + kCentralFirst, kCentral, screen_grid_.data(), n);
    return peak_magnitude(screen_grid_.data(), n) + reach * tail_abs_ <= candidate;
}

// A grid point is refined when it passes the threshold and is a local maximum
// of the grid (over a flat top, only its first point): the peak it stands for
// is then within half a sample of it.
void TruePeakMeter::search(Channel& c, size_t from, size_t n) noexcept {
    const float* x = c.x.data();
    const float* row = midpoint_row();
    float* mid = grid_.data();
    convolve_(x + from + 1, row, kTaps, mid + from, n);
    if (!c.last_mid_known) {  // the point before was passed over: its window starts one sample earlier
        float before = 0;
        convolve_(x + from, row, kTaps, &before, 1);
        c.last_mid = std::fabs(before);
    }
    const size_t end = from + n;
    // Point by point only when some point passes the threshold (the peak
    // only grows, so a group without one at its start holds none later).
    if (std::max(peak_magnitude(x + kHalf + from, n), peak_magnitude(mid + from, n)) > c.peak * kCandidate) {
        float before = c.last_mid;  // the grid point before sample i
        for (size_t i = from; i < end; ++i) {
            const float s = std::fabs(x[i + kHalf]), m = std::fabs(mid[i]), next = std::fabs(x[i + 1 + kHalf]);
            if (s > c.peak * kCandidate && s > before && s >= m)
                c.peak = std::max(c.peak, refine(x + i, 0, before, s, m));
            if (m > c.peak * kCandidate && m > s && m >= next)
                c.peak = std::max(c.peak, refine(x + i, static_cast<int>(kFine / 2), s, m, next));
            before = m;
        }
    }
    c.last_mid = std::fabs(mid[end - 1]);
    c.last_mid_known = true;
}

// One interpolated point: the taps of `fine_phase` over the window, in four
// partial sums (a float sum in one chain does not vectorize).
float TruePeakMeter::at(const float* window, uint32_t fine_phase) const noexcept {
    const float* h = phases_.data() + static_cast<size_t>(fine_phase) * kTaps;
    Float4 sum = {};
    for (uint32_t k = 0; k < kTaps; k += 4) sum += load4(h + k) * load4(window + k);
    return (sum[0] + sum[1]) + (sum[2] + sum[3]);
}

// |signal| at `fine` kFine-ths of a sample from sample i (-kFine..kFine),
// where x points at x[i] of the buffer: sample i's window starts at x + 1,
// sample i-1's at x; whole samples are read as they are.
float TruePeakMeter::magnitude(const float* x, int fine) const noexcept {
    const int k = static_cast<int>(kFine);
    if (fine % k == 0) return std::fabs(x[static_cast<int>(kHalf) + fine / k]);
    return std::fabs(fine < 0 ? at(x, static_cast<uint32_t>(fine + k)) : at(x + 1, static_cast<uint32_t>(fine)));
}

// The peak within half a sample of the grid point `fine` (0: sample i, or
// kFine/2: half a sample after it), from the magnitudes of that grid point
// and its neighbours: the parabola through them says where to start; the
// 1/kFine points climb from there to the top (the signal is one hump
// there), and the parabola through the top three gives the peak.
float TruePeakMeter::refine(const float* x, int fine, float left, float centre, float right) const noexcept {
    const int half = static_cast<int>(kFine / 2);
    const int lo = fine - half, hi = fine + half;
    const float bend = left - 2 * centre + right;
    int f = fine;
    if (bend < 0) f += static_cast<int>(std::lround(0.5f * (left - right) / bend * static_cast<float>(half)));
    f = std::clamp(f, lo + 1, hi - 1);
    float a = magnitude(x, f - 1), b = magnitude(x, f), c = magnitude(x, f + 1);
    while (a > b && f - 1 > lo) {
        --f;
        c = b;
        b = a;
        a = magnitude(x, f - 1);
    }
    while (c > b && f + 1 < hi) {
        ++f;
        a = b;
        b = c;
        c = magnitude(x, f + 1);
    }
    const float top = std::max({a, b, c, centre});
    const float curve = a - 2 * b + c;
    if (!(curve < 0) || a > b || c > b) return top;
    const float offset = 0.5f * (a - c) / curve;
    return std::max(top, b - 0.25f * (a - c) * offset);
}

float TruePeakMeter::peak() const {
    // The last kHalf samples' points need the silence after them.
    TruePeakMeter rest = *this;
    const std::vector<float> zeros(static_cast<size_t>(kHalf + 1) * channels_, 0.0f);
    rest.add(zeros.data(), kHalf + 1);
    float p = 0;
    for (const Channel& c : rest.chans_) p = std::max(p, c.peak);
    return p;
}

}  // namespace simvx
