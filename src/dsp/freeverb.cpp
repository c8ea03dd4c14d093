#include "dsp/freeverb.hpp"

#include <algorithm>
#include <cmath>

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

}  // namespace

void Freeverb::Comb::clear() noexcept {
    std::fill(buf_.begin(), buf_.end(), 0.0f);
    store_ = 0.0f;
}

bool Freeverb::Comb::clean() const noexcept {
    return simvx::clean(store_) && std::all_of(buf_.begin(), buf_.end(), simvx::clean);
}

void Freeverb::Allpass::clear() noexcept { std::fill(buf_.begin(), buf_.end(), 0.0f); }

bool Freeverb::Allpass::clean() const noexcept { return std::all_of(buf_.begin(), buf_.end(), simvx::clean); }

void Freeverb::prepare(uint32_t sample_rate) {
    rate_ = sample_rate;
    const double scale = sample_rate / 44100.0;
    auto length = [scale](int tuning) { return std::max<size_t>(1, static_cast<size_t>(std::lround(tuning * scale))); };
    for (int ch = 0; ch < 2; ++ch) {
        const int spread = ch * kStereoSpread;
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

void Freeverb::process(const float* in, float* out, size_t frames) noexcept {
    auto& [cl, cr] = combs_;
    auto& [al, ar] = allpasses_;
    float check = 0.0f;
    for (size_t i = 0; i < frames; ++i) {
        const float fb = feedback_.next(), damp = damp_.next(), gain = gain_.next();
        float x = in[2 * i] + in[2 * i + 1];
        if (!std::isfinite(x)) x = 0.0f;
        x = x * gain + kAntiDenormal;
        float l = 0.0f, r = 0.0f;
        for (size_t c = 0; c < 8; ++c) {
            l += cl[c].process(x, fb, damp);
            r += cr[c].process(x, fb, damp);
        }
        for (size_t a = 0; a < 4; ++a) {
            l = al[a].process(l);
            r = ar[a].process(r);
        }
        out[2 * i] = l;
        out[2 * i + 1] = r;
        check += l * 0.0f + r * 0.0f;  // NaN or inf anywhere in the state reaches the output: stays NaN here
    }
    if (check != 0.0f) {  // only NaN compares unequal to 0 here
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
