#include "dsp/freeverb.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace simvx {
namespace {

// Jezar's tunings, in samples at 44.1 kHz.
constexpr std::array<int, 8> kCombTuning = {1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617};
constexpr std::array<int, 4> kAllpassTuning = {556, 441, 341, 225};
constexpr int kStereoSpread = 23;
constexpr float kInputGain = 0.015f;
constexpr float kScaleRoom = 0.28f, kOffsetRoom = 0.7f;
constexpr float kScaleDamp = 0.4f;
// A constant far below hearing (-400 dB) added to the comb input keeps every
// stored value a normal float when the signal has decayed away, so silence
// costs what audio costs even without flush-to-zero.
constexpr float kAntiDenormal = 1e-20f;
constexpr double kMinus90dB = 3.1622776601683795e-5;

bool clean(float v) noexcept {
    const int c = std::fpclassify(v);
    return c == FP_ZERO || c == FP_NORMAL;
}

// sum[i] = 0 + a[i] + b[i] + ... + h[i], in that order (as the per-sample
// loop added the combs' outputs).
void sum8(float* __restrict sum, const float* __restrict a, const float* __restrict b, const float* __restrict c,
          const float* __restrict d, const float* __restrict e, const float* __restrict f, const float* __restrict g,
          const float* __restrict h, size_t n) noexcept {
    for (size_t i = 0; i < n; ++i) sum[i] = 0.0f + a[i] + b[i] + c[i] + d[i] + e[i] + f[i] + g[i] + h[i];
}

// The four allpasses in series over a stretch in which none of their lines
// wraps: each slot is used once, read before it is written, so the frames are
// independent (and the loop vectorizes).
void allpass4(float* __restrict a, float* __restrict b, float* __restrict c, float* __restrict d,
              float* __restrict io, size_t n) noexcept {
    for (size_t i = 0; i < n; ++i) {
        float v = io[i];
        for (float* line : {a, b, c, d}) {
            const float y = line[i];
            line[i] = v + y * 0.5f;
            v = y - v;
        }
        io[i] = v;
    }
}

}  // namespace

void Freeverb::Line::clear() noexcept { std::fill(buf_.begin(), buf_.end(), 0.0f); }

bool Freeverb::Line::clean() const noexcept { return std::all_of(buf_.begin(), buf_.end(), simvx::clean); }

bool Freeverb::Comb::clean() const noexcept { return simvx::clean(store_) && Line::clean(); }

void Freeverb::prepare(uint32_t sample_rate, int tuning_offset) {
    rate_ = sample_rate;
    const double scale = sample_rate / 44100.0;
    auto length = [scale](int tuning) { return std::max<size_t>(1, static_cast<size_t>(std::lround(tuning * scale))); };
    for (int ch = 0; ch < 2; ++ch) {
        const int spread = ch * kStereoSpread + tuning_offset;
        for (size_t i = 0; i < 8; ++i) combs_[ch][i].resize(length(kCombTuning[i] + spread));
        for (size_t i = 0; i < 4; ++i) allpasses_[ch][i].resize(length(kAllpassTuning[i] + spread));
    }
    const uint32_t ramp = std::max<uint32_t>(1, static_cast<uint32_t>(std::lround(0.02 * sample_rate)));
    feedback_.set_ramp_frames(ramp);
    damp_.set_ramp_frames(ramp);
    gain_.set_ramp_frames(ramp);
}

void Freeverb::reset() noexcept {
    for (auto& side : combs_)
        for (Comb& c : side) c.clear();
    for (auto& side : allpasses_)
        for (Allpass& a : side) a.clear();
}

void Freeverb::set(const Params& p, bool ramp) noexcept {
    frozen_ = p.freeze;
    const float room = std::clamp(p.room_size, 0.0f, 1.0f), damp = std::clamp(p.damping, 0.0f, 1.0f);
    const float fb = frozen_ ? 1.0f : room * kScaleRoom + kOffsetRoom;
    const float d = frozen_ ? 0.0f : damp * kScaleDamp;
    const float g = frozen_ ? 0.0f : kInputGain;
    if (ramp) {
        feedback_.set_target(fb);
        damp_.set_target(d);
        gain_.set_target(g);
    } else {
        feedback_.reset(fb);
        damp_.reset(d);
        gain_.reset(g);
    }
}

namespace {

// The combs' recurrence over a stretch of `n` frames in which no line wraps:
// for each comb c (lines q[c], lowpass memories st[c]) and frame i,
//     st = q[c][i] * (1 - damp) + st * damp;   q[c][i] = x[i] + st * fb.
// Each comb is sequential; the 16 combs run side by side (SSE: four combs a
// vector, lines read and written four frames at a time through a 4x4
// transpose). Per frame parameters while ramping, else the constants.
template <bool kRamping>
void comb_stretch(float* const* q, float* st, const float* x, const float* fb, const float* damp, const float* undamp,
                  float fbc, float dc, float udc, size_t n) noexcept {
#if defined(__SSE2__)
    __m128 s[4];
    for (size_t g = 0; g < 4; ++g) s[g] = _mm_loadu_ps(st + 4 * g);
    const __m128 fc = _mm_set1_ps(fbc), dcv = _mm_set1_ps(dc), uc = _mm_set1_ps(udc);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        // Broadcast once, before the stores (which the compiler must assume
        // could alias x).
        const __m128 xs[4] = {_mm_set1_ps(x[i]), _mm_set1_ps(x[i + 1]), _mm_set1_ps(x[i + 2]), _mm_set1_ps(x[i + 3])};
#pragma GCC unroll 4
        for (size_t g = 0; g < 4; ++g) {
            float* const* p = q + 4 * g;
            __m128 r[4] = {_mm_loadu_ps(p[0] + i), _mm_loadu_ps(p[1] + i), _mm_loadu_ps(p[2] + i),
                           _mm_loadu_ps(p[3] + i)};
            _MM_TRANSPOSE4_PS(r[0], r[1], r[2], r[3]);  // r[j]: frame i + j of the four combs
#pragma GCC unroll 4
            for (size_t j = 0; j < 4; ++j) {
                const __m128 f = kRamping ? _mm_set1_ps(fb[i + j]) : fc;
                const __m128 d = kRamping ? _mm_set1_ps(damp[i + j]) : dcv;
                const __m128 u = kRamping ? _mm_set1_ps(undamp[i + j]) : uc;
                s[g] = _mm_add_ps(_mm_mul_ps(r[j], u), _mm_mul_ps(s[g], d));
                r[j] = _mm_add_ps(xs[j], _mm_mul_ps(s[g], f));
            }
            _MM_TRANSPOSE4_PS(r[0], r[1], r[2], r[3]);
            for (size_t c = 0; c < 4; ++c) _mm_storeu_ps(p[c] + i, r[c]);
        }
    }
    for (size_t g = 0; g < 4; ++g) _mm_storeu_ps(st + 4 * g, s[g]);
#else
    size_t i = 0;
#endif
    for (; i < n; ++i) {
        const float f = kRamping ? fb[i] : fbc, d = kRamping ? damp[i] : dc, u = kRamping ? undamp[i] : udc;
        for (size_t c = 0; c < 16; ++c) {
            st[c] = q[c][i] * u + st[c] * d;
            q[c][i] = x[i] + st[c] * f;
        }
    }
}

}  // namespace

template <bool kRamping>
void Freeverb::run_combs(size_t frames) noexcept {
    float* q[16];
    float st[16];
    for (size_t ch = 0; ch < 2; ++ch)
        for (size_t c = 0; c < 8; ++c) st[8 * ch + c] = combs_[ch][c].store_;
    const float fbc = feedback_.value(), dc = damp_.value(), udc = 1.0f - dc;
    for (size_t at = 0; at < frames;) {
        // The longest stretch in which no line wraps.
        size_t n = frames - at;
        for (size_t ch = 0; ch < 2; ++ch)
            for (size_t c = 0; c < 8; ++c) {
                Comb& comb = combs_[ch][c];
                q[8 * ch + c] = comb.buf_.data() + comb.pos_;
                n = std::min(n, comb.buf_.size() - comb.pos_);
            }
        // No line wraps within the stretch, so each slot is used once: the
        // combs' outputs are the lines' current contents, summed before the
        // lines are written.
        sum8(left_.data() + at, q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], n);
        sum8(right_.data() + at, q[8], q[9], q[10], q[11], q[12], q[13], q[14], q[15], n);
        comb_stretch<kRamping>(q, st, x_.data() + at, fb_.data() + at, damp_a_.data() + at, undamp_.data() + at, fbc,
                               dc, udc, n);
        for (auto& side : combs_)
            for (Comb& comb : side) {
                comb.pos_ += n;
                if (comb.pos_ == comb.buf_.size()) comb.pos_ = 0;
            }
        at += n;
    }
    for (size_t ch = 0; ch < 2; ++ch)
        for (size_t c = 0; c < 8; ++c) combs_[ch][c].store_ = st[8 * ch + c];
}

void Freeverb::run_allpasses(std::array<Allpass, 4>& allpasses, float* io, size_t frames) noexcept {
    for (size_t at = 0; at < frames;) {
        size_t n = frames - at;
        for (const Allpass& a : allpasses) n = std::min(n, a.buf_.size() - a.pos_);
        auto line = [&](size_t k) { return allpasses[k].buf_.data() + allpasses[k].pos_; };
        allpass4(line(0), line(1), line(2), line(3), io + at, n);
        for (Allpass& a : allpasses) {
            a.pos_ += n;
            if (a.pos_ == a.buf_.size()) a.pos_ = 0;
        }
        at += n;
    }
}

template <bool kRamping>
void Freeverb::process_chunk(const float* in, float* out, size_t frames) noexcept {
    float* x = x_.data();
    if constexpr (kRamping) {
        for (size_t i = 0; i < frames; ++i) {
            fb_[i] = feedback_.next();
            damp_a_[i] = damp_.next();
            undamp_[i] = 1.0f - damp_a_[i];
            float v = in[2 * i] + in[2 * i + 1];
            if (!std::isfinite(v)) v = 0.0f;
            x[i] = v * gain_.next() + kAntiDenormal;
        }
    } else {
        const float gain = gain_.value();
        for (size_t i = 0; i < frames; ++i) {
            const float v = in[2 * i] + in[2 * i + 1];
            // Non-finite input (NaN fails the comparison) is ignored.
            x[i] = (std::fabs(v) <= std::numeric_limits<float>::max() ? v : 0.0f) * gain + kAntiDenormal;
        }
    }
    run_combs<kRamping>(frames);
    run_allpasses(allpasses_[0], left_.data(), frames);
    run_allpasses(allpasses_[1], right_.data(), frames);
    for (size_t i = 0; i < frames; ++i) {
        out[2 * i] = left_[i];
        out[2 * i + 1] = right_[i];
    }
}

void Freeverb::process(const float* in, float* out, size_t frames) noexcept {
    for (size_t at = 0; at < frames;) {
        const size_t n = std::min(frames - at, kChunk);
        if (feedback_.ramping() || damp_.ramping() || gain_.ramping())
            process_chunk<true>(in + 2 * at, out + 2 * at, n);
        else
            process_chunk<false>(in + 2 * at, out + 2 * at, n);
        at += n;
    }
    // NaN or inf anywhere in the state reaches the output: x * 0 is NaN there.
    float check[8] = {};
    size_t i = 0;
    for (; i + 8 <= 2 * frames; i += 8)
        for (size_t k = 0; k < 8; ++k) check[k] += out[i + k] * 0.0f;
    for (; i < 2 * frames; ++i) check[0] += out[i] * 0.0f;
    float any = 0.0f;
    for (float c : check) any += c;
    if (any != 0.0f) {  // only NaN compares unequal to 0 here
        reset();
        std::fill(out, out + 2 * frames, 0.0f);
    }
}

uint64_t Freeverb::tail_frames() const noexcept {
    const uint64_t cap = 60ull * rate_;
    if (frozen_ || feedback_.value() >= 1.0f) return cap;
    // Each pass around a comb multiplies the lowest frequencies by the
    // feedback (damping only shortens the highs): count passes of the longest
    // comb to -90 dB, then add the allpasses' ringing (gain 0.5 per pass).
    const double fb = std::max(feedback_.value(), feedback_.target());
    const double passes = std::ceil(std::log(kMinus90dB) / std::log(fb));
    const double ap_passes = std::ceil(std::log(kMinus90dB) / std::log(0.5));
    double frames = passes * static_cast<double>(combs_[1][7].size());
    for (const Allpass& a : allpasses_[1]) frames += ap_passes * static_cast<double>(a.size());
    return std::min(cap, static_cast<uint64_t>(frames));
}

bool Freeverb::state_is_clean() const noexcept {
    for (const auto& side : combs_)
        for (const Comb& c : side)
            if (!c.clean()) return false;
    for (const auto& side : allpasses_)
        for (const Allpass& a : side)
            if (!a.clean()) return false;
    return true;
}

}  // namespace simvx
