#include "dsp/biquad.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace simvx {
namespace {

// Outputs below this (−600 dBFS) become exact zeros; fed back, that clears the
// state within two samples, so a decay into silence never reaches subnormals.
constexpr double kFlush = 1e-30;

// Within SmoothedBiquad's hold.
bool near(const FilterParams& a, const FilterParams& b) {
    using Held = SmoothedBiquad::Held;
    const auto within = [](Held what, double x, double y) { return std::fabs(x - y) <= SmoothedBiquad::hold_room(what, y); };
    return a.shape == b.shape && within(Held::freq, a.freq, b.freq) && within(Held::q, a.q, b.q) &&
           within(Held::gain_db, a.gain_db, b.gain_db);
}

}  // namespace

BiquadCoeffs design_biquad(const FilterParams& p, double sample_rate) noexcept {
    BiquadAngle angle;
    return design_biquad(p, sample_rate, angle);
}

BiquadCoeffs design_biquad(const FilterParams& p, double sample_rate, BiquadAngle& angle) noexcept {
    const double f = std::clamp(p.freq, 1.0, 0.499 * sample_rate);
    const double w0 = 2.0 * std::numbers::pi * f / sample_rate;
    if (w0 != angle.w0) angle = {w0, std::cos(w0), std::sin(w0)};
    const double cw = angle.cos;
    const double alpha = angle.sin / (2.0 * std::max(p.q, 1e-4));
    const double A = p.gain_db == 0 ? 1.0 : std::pow(10.0, p.gain_db / 40.0);  // lowpass and the like: no pow
    const double sa = 2.0 * std::sqrt(A) * alpha;

    double b0 = 1, b1 = 0, b2 = 0, a0 = 1 + alpha, a1 = -2 * cw, a2 = 1 - alpha;
    switch (p.shape) {
        case FilterShape::lowpass:
            b0 = b2 = (1 - cw) / 2;
            b1 = 1 - cw;
            break;
        case FilterShape::highpass:
            b0 = b2 = (1 + cw) / 2;
            b1 = -(1 + cw);
            break;
        case FilterShape::bandpass:
            b0 = alpha;
            b1 = 0;
            b2 = -alpha;
            break;
        case FilterShape::notch:
            b0 = b2 = 1;
            b1 = -2 * cw;
            break;
        case FilterShape::peaking:
            b0 = 1 + alpha * A;
            b1 = -2 * cw;
            b2 = 1 - alpha * A;
            a0 = 1 + alpha / A;
            a2 = 1 - alpha / A;
            break;
        case FilterShape::lowshelf:
            b0 = A * ((A + 1) - (A - 1) * cw + sa);
            b1 = 2 * A * ((A - 1) - (A + 1) * cw);
            b2 = A * ((A + 1) - (A - 1) * cw - sa);
            a0 = (A + 1) + (A - 1) * cw + sa;
            a1 = -2 * ((A - 1) + (A + 1) * cw);
            a2 = (A + 1) + (A - 1) * cw - sa;
            break;
        case FilterShape::highshelf:
            b0 = A * ((A + 1) + (A - 1) * cw + sa);
            b1 = -2 * A * ((A - 1) + (A + 1) * cw);
            b2 = A * ((A + 1) + (A - 1) * cw - sa);
            a0 = (A + 1) - (A - 1) * cw + sa;
            a1 = 2 * ((A - 1) - (A + 1) * cw);
            a2 = (A + 1) - (A - 1) * cw - sa;
            break;
    }
    return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

std::string nyquist_problem(std::string_view key, double hz, uint32_t sample_rate) {
    const double nyquist = sample_rate / 2.0;
    if (hz < nyquist) return {};
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.*s %g Hz is %s the Nyquist frequency (%g Hz) at %u Hz", static_cast<int>(key.size()),
                  key.data(), hz, hz > nyquist ? "above" : "at", nyquist, static_cast<unsigned>(sample_rate));
    return buf;
}

void Biquad::set_channels(uint32_t channels) noexcept {
    channels_ = std::clamp<uint32_t>(channels, 1, speaker::kMaxChannels);
    reset();
}

bool Biquad::quiet_any(double eps) const noexcept {
    for (uint32_t c = 0; c < channels_; ++c)
        if (!(std::fabs(s1_[c]) < eps && std::fabs(s2_[c]) < eps)) return false;
    return true;
}

template <bool Glide>
void Biquad::run_stereo(float* audio, size_t frames, const BiquadCoeffs& step) noexcept {
    double b0 = c_.b0, b1 = c_.b1, b2 = c_.b2, a1 = c_.a1, a2 = c_.a2;
    double l1 = s1_[0], l2 = s2_[0], r1 = s1_[1], r2 = s2_[1];
    for (size_t i = 0; i < frames; ++i) {
        if constexpr (Glide) b0 += step.b0, b1 += step.b1, b2 += step.b2, a1 += step.a1, a2 += step.a2;
        const double xl = audio[2 * i], xr = audio[2 * i + 1];
        double yl = b0 * xl + l1, yr = b0 * xr + r1;
        yl = std::fabs(yl) < kFlush ? 0.0 : yl;
        yr = std::fabs(yr) < kFlush ? 0.0 : yr;
        l1 = b1 * xl - a1 * yl + l2;
        l2 = b2 * xl - a2 * yl;
        r1 = b1 * xr - a1 * yr + r2;
        r2 = b2 * xr - a2 * yr;
        audio[2 * i] = static_cast<float>(yl);
        audio[2 * i + 1] = static_cast<float>(yr);
    }
    s1_[0] = l1, s2_[0] = l2, s1_[1] = r1, s2_[1] = r2;
    if (!std::isfinite(l1 + l2 + r1 + r2)) reset();  // a NaN or infinity came in: it must not latch
}

// run_stereo's arithmetic per channel, for any count: the coefficients step
// once per frame, as there, so every channel sees the same ones.
template <bool Glide>
void Biquad::run_any(float* audio, size_t frames, const BiquadCoeffs& step) noexcept {
    const uint32_t n = channels_;
    double b0 = c_.b0, b1 = c_.b1, b2 = c_.b2, a1 = c_.a1, a2 = c_.a2;
    double s1[speaker::kMaxChannels], s2[speaker::kMaxChannels];
    std::copy_n(s1_, n, s1);
    std::copy_n(s2_, n, s2);
    for (size_t i = 0; i < frames; ++i) {
        if constexpr (Glide) b0 += step.b0, b1 += step.b1, b2 += step.b2, a1 += step.a1, a2 += step.a2;
        float* frame = audio + n * i;
        for (uint32_t c = 0; c < n; ++c) {
            const double x = frame[c];
            double y = b0 * x + s1[c];
            y = std::fabs(y) < kFlush ? 0.0 : y;
            s1[c] = b1 * x - a1 * y + s2[c];
            s2[c] = b2 * x - a2 * y;
            frame[c] = static_cast<float>(y);
        }
    }
    double sum = 0.0;
    for (uint32_t c = 0; c < n; ++c) sum += s1[c] + s2[c];
    std::copy_n(s1, n, s1_);
    std::copy_n(s2, n, s2_);
    if (!std::isfinite(sum)) reset();  // a NaN or infinity came in: it must not latch
}

void Biquad::process(float* audio, size_t frames) noexcept {
    run<false>(audio, frames, c_);
}

void Biquad::glide(float* audio, size_t frames, const BiquadCoeffs& to) noexcept {
    if (frames == 0) return;
    const double n = static_cast<double>(frames);
    const BiquadCoeffs step{(to.b0 - c_.b0) / n, (to.b1 - c_.b1) / n, (to.b2 - c_.b2) / n, (to.a1 - c_.a1) / n,
                            (to.a2 - c_.a2) / n};
    run<true>(audio, frames, step);
    c_ = to;  // land exactly
}

void SmoothedBiquad::prepare(double sample_rate, double ramp_seconds) noexcept {
    rate_ = sample_rate;
    ramp_frames_ = std::max<size_t>(1, static_cast<size_t>(std::lround(ramp_seconds * sample_rate)));
    cur_ = target_ = next_;
    remaining_ = 0;
    biquad_.set(design_biquad(cur_, rate_, angle_));
}

void SmoothedBiquad::set_target(const FilterParams& p) noexcept {
    next_ = p;
    next_.freq = std::max(p.freq, 1e-3);  // glides are geometric: keep the logarithms finite
    next_.q = std::max(p.q, 1e-4);
    if (rate_ == 0) {
        cur_ = target_ = next_;
        return;
    }
    retarget();
    if (remaining_ == 0) biquad_.set(design_biquad(cur_, rate_, angle_));
}

void SmoothedBiquad::follow(const FilterParams& p, size_t frames) noexcept {
    const bool moving = p != asked_;
    asked_ = p;
    if (moving && rate_ != 0 && remaining_ == 0 && next_.shape == cur_.shape && near(p, cur_)) return;
    glide_to(p, frames);
}

void SmoothedBiquad::glide_to(const FilterParams& p, size_t frames) noexcept {
    if (!takes(p)) return;
    const size_t usual = ramp_frames_;
    ramp_frames_ = std::max<size_t>(1, frames);
    set_target(p);
    ramp_frames_ = usual;
}

// Aims the glide at next_, or at 0 dB first when the shape changes (at 0 dB
// the shape switches at once: peaking and shelves are all flat there).
void SmoothedBiquad::retarget() noexcept {
    if (next_.shape != cur_.shape && cur_.gain_db == 0) {
        cur_.shape = next_.shape;
        cur_.freq = next_.freq;
        cur_.q = next_.q;
    }
    target_ = next_;
    if (next_.shape != cur_.shape) {
        target_ = cur_;
        target_.gain_db = 0;
    }
    remaining_ = cur_ == target_ ? 0 : ramp_frames_;
}

// Moves the parameters `frames` further along the glide; returns the
// coefficients for the end of that stretch.
BiquadCoeffs SmoothedBiquad::advance(size_t frames) noexcept {
    const size_t step = std::min(frames, remaining_);
    remaining_ -= step;
    if (remaining_ == 0) {
        // Landing: exactly on the target, with no steps to compute (an
        // automated parameter's glides are one sub-block long, each of them).
        cur_ = target_;
        if (next_.shape != cur_.shape) retarget();
    } else {
        const double t = static_cast<double>(step) / static_cast<double>(remaining_ + step);
        if (target_.freq != cur_.freq) cur_.freq *= std::pow(target_.freq / cur_.freq, t);  // pow(1, t) is 1
        if (target_.q != cur_.q) cur_.q *= std::pow(target_.q / cur_.q, t);
        cur_.gain_db += (target_.gain_db - cur_.gain_db) * t;
    }
    return design_biquad(cur_, rate_, angle_);
}

void SmoothedBiquad::process(float* audio, size_t frames) noexcept {
    while (frames > 0) {
        if (remaining_ == 0) {
            biquad_.process(audio, frames);
            return;
        }
        const size_t n = std::min(frames, kSubBlock);
        biquad_.glide(audio, n, advance(n));
        audio += biquad_.channels() * n;
        frames -= n;
    }
}

bool SmoothedBiquad::flat() const noexcept {
    return at_zero_db() && remaining_ == 0 && next_.shape == cur_.shape && biquad_.quiet(1e-7);
}

}  // namespace simvx
