// Second-order IIR filters from Robert Bristow-Johnson's Audio-EQ-Cookbook:
// coefficient design, a biquad over 1 to 8 channels in transposed direct form
// II (double state: low cutoffs stay accurate), and a biquad whose frequency, Q and gain
// glide to new targets so live changes never click. One core serves the
// lowpass/highpass/bandpass/notch effects and every band of the EQ.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/speakers.hpp"
#include "dsp/automation_step.hpp"

namespace simvx {

enum class FilterShape {
    lowpass,
    highpass,
    bandpass,  // constant 0 dB peak gain
    notch,
    peaking,
    lowshelf,
    highshelf,
};

struct FilterParams {
    FilterShape shape = FilterShape::lowpass;
    double freq = 1000.0;   // Hz: cutoff, centre or shelf midpoint
    double q = 0.707;
    double gain_db = 0.0;   // peaking and shelves only

    bool operator==(const FilterParams&) const = default;
};

// Peaking and shelves: the shapes with a gain, flat at 0 dB.
inline bool is_gain_shape(FilterShape s) noexcept {
    return s == FilterShape::peaking || s == FilterShape::lowshelf || s == FilterShape::highshelf;
}

// Normalized coefficients (a0 = 1): H(z) = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²).
struct BiquadCoeffs {
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
    bool operator==(const BiquadCoeffs&) const = default;
};

// The cookbook design. The frequency is clamped just below Nyquist and Q to a
// positive value, so any input gives a stable filter.
BiquadCoeffs design_biquad(const FilterParams& p, double sample_rate) noexcept;
// The cosine and sine of the last design's angle (2π f / rate), kept for the
// next design at the same angle: an automated EQ band is redesigned every
// few frames for its gain or Q, its frequency mostly fixed. The same bits
// as the design above.
struct BiquadAngle {
    double w0 = -1, cos = 1, sin = 0;
};
BiquadCoeffs design_biquad(const FilterParams& p, double sample_rate, BiquadAngle& angle) noexcept;

// The problem with a frequency at or above Nyquist, as one sentence ("cutoff_hz
// 30000 Hz is above the Nyquist frequency (24000 Hz) at 48000 Hz"), else "".
std::string nyquist_problem(std::string_view key, double hz, uint32_t sample_rate);

// One biquad over 1 to 8 interleaved channels in place (stereo unless
// set_channels() says otherwise), each channel with its own state and all of
// them with the same coefficients, glides included. Stereo runs its own loop;
// any other count runs the same arithmetic per channel, so channel k of an
// N-channel run is bit-identical to a stereo run on that signal. A state
// that goes non-finite (a NaN or infinity in the input) is cleared at the end
// of the call, and state values too small to matter are flushed to zero so
// decays into silence never produce subnormal numbers, even without FTZ.
class Biquad {
public:
    // 1..speaker::kMaxChannels (clamped); clears the state.
    void set_channels(uint32_t channels) noexcept;
    uint32_t channels() const noexcept { return channels_; }
    void set(const BiquadCoeffs& c) noexcept { c_ = c; }
    const BiquadCoeffs& coeffs() const noexcept { return c_; }
    // Inline, as quiet(): a skipped EQ band calls both every block.
    void reset() noexcept {
        if (channels_ == 2) s1_[0] = s1_[1] = s2_[0] = s2_[1] = 0;
        else
            for (uint32_t c = 0; c < speaker::kMaxChannels; ++c) s1_[c] = s2_[c] = 0;
    }
    // Every state value below `eps`: nothing left ringing.
    bool quiet(double eps) const noexcept {
        if (channels_ != 2) return quiet_any(eps);
        return std::fabs(s1_[0]) < eps && std::fabs(s1_[1]) < eps && std::fabs(s2_[0]) < eps && std::fabs(s2_[1]) < eps;
    }
    void process(float* audio, size_t frames) noexcept;
    // Like process(), moving the coefficients linearly, sample by sample, to
    // `to` (stable all the way: the stable (a1, a2) region is convex).
    void glide(float* audio, size_t frames, const BiquadCoeffs& to) noexcept;

private:
    bool quiet_any(double eps) const noexcept;
    template <bool Glide>
    void run_stereo(float* audio, size_t frames, const BiquadCoeffs& step) noexcept;
    template <bool Glide>
    void run_any(float* audio, size_t frames, const BiquadCoeffs& step) noexcept;
    template <bool Glide>
    void run(float* audio, size_t frames, const BiquadCoeffs& step) noexcept {
        if (channels_ == 2) run_stereo<Glide>(audio, frames, step);
        else run_any<Glide>(audio, frames, step);
    }

    BiquadCoeffs c_;
    uint32_t channels_ = 2;
    double s1_[speaker::kMaxChannels] = {}, s2_[speaker::kMaxChannels] = {};
};

// A Biquad whose parameters move to their targets over `ramp_seconds`:
// frequency and Q geometrically, gain in dB linearly. The coefficients are
// designed every kSubBlock frames and interpolated linearly in between
// (designed steps alone, every 32 frames, overshoot by up to 3 dB on a fast
// sweep; interpolated, a sweep is as smooth as a per-sample design). A change
// of shape (EQ bands) glides to 0 dB first, where peaking and shelves are all
// flat, then switches shape and glides to the new gain.
class SmoothedBiquad {
public:
    static constexpr size_t kSubBlock = 32;

    explicit SmoothedBiquad(const FilterParams& p = {}) noexcept : cur_(p), target_(p), next_(p), asked_(p) {}

    // Sets the rate (off the audio thread) and jumps to the target.
    void prepare(double sample_rate, double ramp_seconds = 0.02) noexcept;
    // The new target; glides there once prepared, else jumps.
    void set_target(const FilterParams& p) noexcept;
    // The same, reached in `frames` instead of the ramp (automation's steps;
    // EffectAutomation holds their values). Where the filter already stands,
    // nothing to do: no redesign.
    void glide_to(const FilterParams& p, size_t frames) noexcept;
    // glide_to() a target that moves as it pleases (the air absorption's
    // cutoff, from the source's distance): one within the hold of where the
    // filter stands is held, no redesign and no glide, until it moves past
    // that or stops moving (it is then reached exactly). A slow move
    // redesigns every few steps instead of every step, lagging by at most
    // the hold.
    void follow(const FilterParams& p, size_t frames) noexcept;
    // The hold: a target is held while the filter it asks for would answer
    // within about 0.01 dB of the one in use, twenty times below the
    // smallest level step an ear tells apart:
    // - a frequency within 6e-4 (a cent): a 12 dB/octave skirt moves 0.0104 dB;
    // - a Q within 1.1e-3: a resonance's peak moves 0.0095 dB;
    // - a gain within 0.01 dB.
    // A slow sweep held so differs from per-sample coefficients by -70 dB,
    // and one that moves more than that per step (200 Hz to 8 kHz in 4 s)
    // never holds (tests/unit/dsp/effect_automation_test.cpp).
    enum class Held : uint8_t { freq, q, gain_db };
    static constexpr double kHoldFreq = 6e-4;
    static constexpr double kHoldQ = 1.1e-3;
    static constexpr double kHoldDb = 0.01;
    // How far a parameter may stray from `value` and still be held.
    static double hold_room(Held what, double value) noexcept {
        switch (what) {
            case Held::freq: return kHoldFreq * std::fabs(value);
            case Held::q: return kHoldQ * std::fabs(value);
            case Held::gain_db: break;
        }
        return kHoldDb;
    }
    // Interleaved channels of process()'s audio: 2 unless set (1..8).
    void set_channels(uint32_t channels) noexcept { biquad_.set_channels(channels); }
    void reset() noexcept { biquad_.reset(); }
    void process(float* audio, size_t frames) noexcept;

    // A block of automation steps, as glide_to() and process() (or, with
    // `skip_flat`, a reset() where flat(), as an eq skips a band) would go
    // through them step by step, to the bit: `values(params)` gives this
    // filter's values from a step's (none: nothing for it). Steps that
    // change nothing and start no glide run as one piece.
    template <typename Values>
    void process_steps(float* audio, std::span<const AutomationStep> steps, bool skip_flat, Values values) noexcept;

    // At 0 dB with nothing to glide or ring out (state below -140 dBFS): a
    // peaking or shelf band that passes audio unchanged and can be skipped.
    bool flat() const noexcept;
    const FilterParams& current() const noexcept { return cur_; }

private:
    // Whether glide_to(p) would do anything: not where the filter already stands.
    bool takes(const FilterParams& p) const noexcept {
        return !(rate_ != 0 && remaining_ == 0 && next_.shape == cur_.shape && p == cur_);
    }
    // flat() but for the state: a band at 0 dB (a flat() check cannot pass without it).
    bool at_zero_db() const noexcept { return is_gain_shape(cur_.shape) && cur_.gain_db == 0; }
    void retarget() noexcept;
    BiquadCoeffs advance(size_t frames) noexcept;

    Biquad biquad_;
    FilterParams cur_, target_;  // target_ is where the running glide ends
    FilterParams next_;          // the final target (differs from target_ during a shape change)
    FilterParams asked_;         // follow()'s last target
    double rate_ = 0;
    size_t ramp_frames_ = 1, remaining_ = 0;
    BiquadAngle angle_;
};

template <typename Values>
void SmoothedBiquad::process_steps(float* audio, std::span<const AutomationStep> steps, bool skip_flat,
                                   Values values) noexcept {
    const size_t channels = biquad_.channels();
    // A run of steps taking nothing new, not yet processed: one call for all
    // of them (a plain biquad's frames come out the same however they are cut).
    size_t from = 0, held = 0;
    const auto flush = [&] {
        if (held) biquad_.process(audio + channels * from, held);
        held = 0;
    };
    for (const AutomationStep& s : steps) {
        if (s.params) {
            const std::optional<FilterParams> p = values(*s.params);
            if (p && takes(*p)) {
                flush();
                glide_to(*p, s.frames);
            }
        }
        if (remaining_ == 0 && !(skip_flat && at_zero_db())) {
            if (held && from + held != s.offset) flush();
            if (!held) from = s.offset;
            held += s.frames;
            continue;
        }
        flush();
        if (skip_flat && flat()) reset();
        else process(audio + channels * s.offset, s.frames);
    }
    flush();
}

}  // namespace simvx
