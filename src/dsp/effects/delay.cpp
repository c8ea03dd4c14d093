// `delay`: a feedback delay. Echo k of an impulse comes k × time later at
// wet × feedback^(k-1). The line is sized for the longest time (10 s) in
// prepare(), so a time change never allocates: it crossfades from the old
// read position to the new one.
//
// Channels: every channel echoes on itself, with the same time, feedback and
// gains; none feeds another. The stereo delay has no ping-pong or cross-feed,
// so that is also the natural surround form: on a 5.1 or 7.1 bus each speaker
// (the centre and LFE included) repeats its own signal, and channel k is
// bit-identical to the stereo delay's output for that signal.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "dsp/effects/effects.hpp"
#include "dsp/ramp.hpp"

namespace simvx::effects {
namespace {

constexpr double kMaxTime = 10.0;
constexpr ParamSpec kParams[] = {
    {.key = "time_seconds", .default_value = 0.25, .min = 0.0, .max = kMaxTime, .min_open = true, .unit = "s"},
    {.key = "feedback", .default_value = 0.4, .min = 0.0, .max = 0.99},
    {.key = "wet", .default_value = 0.5, .min = 0.0, .max = 2.0},
    {.key = "dry", .default_value = 0.5, .min = 0.0, .max = 2.0},
};
enum Index { kTime, kFeedback, kWet, kDry, kCount };

// What goes into the line: NaN and infinities are dropped (they would ring
// forever), and values below -600 dB become 0 so a dying echo never turns
// into denormals.
inline float sanitize(float v) noexcept {
    const float a = std::fabs(v);
    return a >= 1e-30f && a <= FLT_MAX ? v : 0.0f;
}

// The typed parameters, clamped to the ranges.
struct Params {
    double time = 0.25;
    float feedback = 0, wet = 0, dry = 1;
};

Params params_of(const EffectConfig& config) {
    if (config.values.size() < kCount) throw std::logic_error("delay: malformed config");
    auto v = [&](Index i) { return std::clamp(config.values[i], kParams[i].min, kParams[i].max); };
    return {.time = v(kTime),
            .feedback = static_cast<float>(v(kFeedback)),
            .wet = static_cast<float>(v(kWet)),
            .dry = static_cast<float>(v(kDry))};
}

class Delay final : public Processor {
public:
    explicit Delay(const Params& p) { set(p); }

    void prepare(const ProcessSpec& spec) override {
        rate_ = spec.sample_rate;
        channels_ = checked_channels(spec);
        size_ = static_cast<size_t>(std::lround(kMaxTime * rate_)) + 1;
        line_.assign(channels_ * size_, 0.0f);
        write_ = 0;
        const uint32_t ramp = std::max<uint32_t>(1, static_cast<uint32_t>(std::lround(0.02 * rate_)));
        for (GainRamp* g : {&feedback_, &wet_, &dry_}) {
            g->set_ramp_frames(ramp);
            g->reset(g->target());
        }
        fade_len_ = ramp;
        cur_ = next_ = target_ = frames_for(time_);
        fade_pos_ = 0;
    }

    void reset() noexcept override {
        std::fill(line_.begin(), line_.end(), 0.0f);
        write_ = 0;
    }

    void process(float* audio, size_t frames, const float*) noexcept SIMVX_REALTIME override {
        if (channels_ != 2) return process_any(audio, frames);
        for (size_t i = 0; i < frames; ++i) {
            if (next_ == cur_ && target_ != cur_) next_ = target_, fade_pos_ = 0;  // start a crossfade
            float tl, tr;
            tap(cur_, tl, tr);
            if (next_ != cur_) {
                float nl, nr;
                tap(next_, nl, nr);
                const float a = static_cast<float>(fade_pos_) / static_cast<float>(fade_len_);
                tl += a * (nl - tl);
                tr += a * (nr - tr);
                if (++fade_pos_ == fade_len_) cur_ = next_;
            }
            const float fb = feedback_.next(), wet = wet_.next(), dry = dry_.next();
            float& l = audio[2 * i];
            float& r = audio[2 * i + 1];
            line_[2 * write_] = sanitize(l + fb * tl);
            line_[2 * write_ + 1] = sanitize(r + fb * tr);
            if (++write_ == size_) write_ = 0;
            l *= dry;
            r *= dry;
            if (wet != 0.0f) {  // wet 0 leaves dry × input untouched (bit-exact identity)
                l += wet * tl;
                r += wet * tr;
            }
        }
    }

    void update(const EffectParams& params) noexcept SIMVX_REALTIME override {
        if (Params p; params.get(p)) {
            set(p);
            target_ = frames_for(time_);
        }
    }

    uint64_t tail_frames() const noexcept override {
        // Echo k (k >= 1) of a full-scale impulse has amplitude wet × fb^(k-1):
        // count the echoes above -90 dBFS.
        const double wet = std::max(wet_.value(), wet_.target());
        const double fb = std::max(feedback_.value(), feedback_.target());
        constexpr double kFloor = 3.1622776601683795e-5;  // -90 dB
        if (wet < kFloor) return 0;
        double echoes = 1;
        if (fb > 0) echoes += std::floor(std::log(kFloor / wet) / std::log(fb));
        const double delay = static_cast<double>(std::max({cur_, next_, target_}));
        return static_cast<uint64_t>(std::min(echoes * delay + fade_len_, 60.0 * rate_));
    }

private:
    // process() for any channel count: the stereo loop's steps and arithmetic,
    // per channel. Out of line, so the stereo loop compiles as before.
    [[gnu::noinline]] void process_any(float* audio, size_t frames) noexcept {
        const size_t n = channels_;
        for (size_t i = 0; i < frames; ++i) {
            if (next_ == cur_ && target_ != cur_) next_ = target_, fade_pos_ = 0;  // start a crossfade
            const float* taps = frame_at(cur_);
            const float* fading = next_ != cur_ ? frame_at(next_) : nullptr;
            const float a = static_cast<float>(fade_pos_) / static_cast<float>(fade_len_);
            if (fading && ++fade_pos_ == fade_len_) cur_ = next_;
            const float fb = feedback_.next(), wet = wet_.next(), dry = dry_.next();
            float* x = audio + n * i;
            float* in = line_.data() + n * write_;  // never one of the taps: delays are 1 .. size_ - 1
            for (size_t c = 0; c < n; ++c) {
                float t = taps[c];
                if (fading) t += a * (fading[c] - t);
                in[c] = sanitize(x[c] + fb * t);
                x[c] *= dry;
                if (wet != 0.0f) x[c] += wet * t;  // wet 0 leaves dry × input untouched (bit-exact identity)
            }
            if (++write_ == size_) write_ = 0;
        }
    }
    // The line's frame `delay` frames before the write position.
    const float* frame_at(size_t delay) const noexcept {
        const size_t at = write_ >= delay ? write_ - delay : write_ + size_ - delay;
        return line_.data() + channels_ * at;
    }

    void set(const Params& p) noexcept {
        time_ = p.time;
        feedback_.set_target(p.feedback);
        wet_.set_target(p.wet);
        dry_.set_target(p.dry);
    }
    size_t frames_for(double seconds) const noexcept {
        return std::clamp<size_t>(static_cast<size_t>(std::lround(seconds * rate_)), 1, size_ - 1);
    }

    void tap(size_t delay, float& l, float& r) const noexcept {
        const size_t at = write_ >= delay ? write_ - delay : write_ + size_ - delay;
        l = line_[2 * at];
        r = line_[2 * at + 1];
    }

    std::vector<float> line_;  // interleaved ring of size_ frames
    size_t channels_ = 2, size_ = 2, write_ = 0;
    size_t cur_ = 1, next_ = 1, target_ = 1;  // read delays in frames: current, fading to, wanted
    uint32_t fade_pos_ = 0, fade_len_ = 1;
    uint32_t rate_ = 48000;
    double time_ = 0.25;
    GainRamp feedback_{0.0f}, wet_{0.0f}, dry_{1.0f};
};

}  // namespace

const EffectType& delay() {
    static const EffectType type{
        .name = "delay",
        .params = kParams,
        .make = [](const EffectConfig& config) -> std::unique_ptr<Processor> {
            return std::make_unique<Delay>(params_of(config));
        },
        .to_params = [](const EffectConfig& config) { return EffectParams::of(params_of(config)); },
    };
    return type;
}

}  // namespace simvx::effects
