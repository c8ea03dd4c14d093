// Look-ahead peak limiter: the output never exceeds the ceiling. The static
// curve is the compressor's with an infinite ratio and no knee, so each frame
// needs the gain r[n] = min(1, ceiling / max(|L|, |R|)). Linked over every
// channel of the bus: the peak is the frame's largest magnitude on any
// channel and one gain applies to all, so a surround image does not move (a
// signal on FL/FR alone is limited exactly as on a stereo bus). The audio is delayed
// by L frames (the look-ahead) and the gain applied to frame n − L is
//   m[k] = min(r[k − L .. k])                      running minimum (L + 1 frames)
//   h[k] = min(m[k], α·h[k − 1] + (1 − α)·m[k])    falls at once, releases exponentially
//   g[n] = mean(h[n − L .. n])                     a ramp that completes within the window
// Every h[k] averaged for frame n − L has n − L inside its minimum's window,
// so g[n] ≤ r[n − L]: the bound holds by construction, not by tuning. The
// gain aims a hair under the ceiling (1e-6 relative) to absorb rounding; a
// final hard clamp at the ceiling is a safety net that the tests show never
// engages (no output sample even reaches the ceiling).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/gain.hpp"
#include "dsp/dynamics.hpp"
#include "dsp/effects/effects.hpp"

namespace simvx::effects {
namespace {

constexpr double kMaxLookaheadMs = 50;

constexpr std::array<ParamSpec, 3> kParams{{
    {.key = "ceiling_db", .default_value = -1, .min = -60, .max = 0, .unit = "dB"},
    {.key = "release_ms", .default_value = 50, .min = 1, .max = 5000, .unit = "ms"},
    // Look-ahead 0 could not see a peak coming: at least one frame (see check).
    {.key = "lookahead_ms", .default_value = 5, .min = 0, .max = kMaxLookaheadMs, .min_open = true, .unit = "ms"},
}};

size_t lookahead_frames(double ms, uint32_t rate) {
    return static_cast<size_t>(std::lround(ms * rate / 1000.0));
}

std::string check(const EffectConfig& config, uint32_t sample_rate) {
    const double ms = config.value(kParams, "lookahead_ms");
    if (lookahead_frames(ms, sample_rate) >= 1) return {};
    char text[96];
    std::snprintf(text, sizeof text, "lookahead_ms %g is shorter than one frame at %u Hz", ms, sample_rate);
    return text;
}

// The typed parameters.
struct Params {
    float ceiling = 1.0f;  // linear
    double release_ms = 50, lookahead_ms = 5;
};

Params params_of(const EffectConfig& config) {
    return {.ceiling = db_to_gain(config.value(kParams, "ceiling_db")),
            .release_ms = config.value(kParams, "release_ms"),
            .lookahead_ms = config.value(kParams, "lookahead_ms")};
}

class Limiter final : public Processor {
public:
    explicit Limiter(const Params& p) {
        set(p);
        lookahead_ms_ = p.lookahead_ms;
        clamp_at_ = ceiling_;
    }

    void prepare(const ProcessSpec& spec) override {
        rate_ = spec.sample_rate;
        channels_ = checked_channels(spec);
        const size_t max_frames = std::max<size_t>(1, lookahead_frames(kMaxLookaheadMs, rate_));
        delay_.assign(channels_ * max_frames, 0.0f);
        box_.assign(max_frames + 1, 1.0);
        min_value_.assign(max_frames + 1, 1.0);
        min_index_.assign(max_frames + 1, 0);
        release_ = dynamics::time_coefficient(release_ms_, rate_);
        reset();
    }

    // The look-ahead is the latency, which cannot change while playing without
    // a jump: it is set when the limiter is built, and a new one is built (and
    // crossfaded in) to change it (see updatable()).
    void reset() noexcept override {
        if (box_.empty()) return;  // before prepare()
        lookahead_ = std::clamp<size_t>(lookahead_frames(lookahead_ms_, rate_), 1, box_.size() - 1);
        std::fill(delay_.begin(), delay_.end(), 0.0f);
        std::fill(box_.begin(), box_.end(), 1.0);
        sum_ = static_cast<double>(lookahead_ + 1);
        delay_pos_ = box_pos_ = min_head_ = min_size_ = 0;
        frame_ = 0;
        held_ = 1.0;
        clamp_at_ = ceiling_;
        clamp_hold_ = 0;
    }

    void update(const EffectParams& params) noexcept SIMVX_REALTIME override {
        if (Params p; params.get(p)) set(p);
    }
    void set(const Params& p) noexcept {
        const float ceiling = p.ceiling;
        if (ceiling != ceiling_) {
            // Frames already in the look-ahead window were limited for the old
            // ceiling; the new one is reached as they leave.
            clamp_at_ = std::max(clamp_at_, std::max(ceiling, ceiling_));
            clamp_hold_ = lookahead_ + 1;
            ceiling_ = ceiling;
        }
        target_ = static_cast<double>(ceiling_) * (1.0 - 1e-6);
        release_ms_ = p.release_ms;
        release_ = dynamics::time_coefficient(release_ms_, rate_);
    }

    void process(float* audio, size_t frames, const float* /*key*/) noexcept SIMVX_REALTIME override {
        if (channels_ == 2) run<2>(audio, frames);
        else run<0>(audio, frames);
    }

    uint64_t tail_frames() const noexcept override { return lookahead_; }

private:
    // The limiter over Channels interleaved channels (0: channels_, known at
    // run time; stereo's count is a constant, so its loops unroll).
    template <size_t Channels>
    void run(float* audio, size_t frames) noexcept {
        const size_t channels = Channels ? Channels : channels_;
        const size_t window = lookahead_ + 1;
        const size_t capacity = min_value_.size();
        for (size_t i = 0; i < frames; ++i, ++frame_) {
            float* x = audio + channels * i;
            float peak = std::fabs(x[0]);
            for (size_t c = 1; c < channels; ++c) peak = std::max(peak, std::fabs(x[c]));
            const double required = peak > target_ ? target_ / peak : 1.0;  // NaN: 1

            // Running minimum of `required` over the window (monotonic queue).
            const auto slot = [capacity](size_t k) { return k < capacity ? k : k - capacity; };
            if (min_size_ && min_index_[min_head_] + window <= frame_) {
                min_head_ = slot(min_head_ + 1);
                --min_size_;
            }
            while (min_size_ && min_value_[slot(min_head_ + min_size_ - 1)] >= required) --min_size_;
            const size_t back = slot(min_head_ + min_size_++);
            min_value_[back] = required;
            min_index_[back] = frame_;
            const double minimum = min_value_[min_head_];

            held_ = std::min(minimum, release_ * held_ + (1.0 - release_) * minimum);
            if (held_ > 1.0 - 1e-9) held_ = 1.0;  // back to exact unity

            sum_ += held_ - box_[box_pos_];
            box_[box_pos_] = held_;
            if (++box_pos_ == window) {  // re-add from scratch once per window: no drift
                box_pos_ = 0;
                sum_ = 0.0;
                for (size_t k = 0; k < window; ++k) sum_ += box_[k];
            }
            const double gain = sum_ / static_cast<double>(window);

            float* delayed = delay_.data() + channels * delay_pos_;
            for (size_t c = 0; c < channels; ++c) {
                float y = static_cast<float>(delayed[c] * gain);
                delayed[c] = x[c];
                if (std::fabs(y) > clamp_at_) y = std::copysign(clamp_at_, y);  // safety net
                x[c] = y;
            }
            if (++delay_pos_ == lookahead_) delay_pos_ = 0;
            if (clamp_hold_ && --clamp_hold_ == 0) clamp_at_ = ceiling_;
        }
        if (!std::isfinite(held_) || !std::isfinite(sum_)) {
            held_ = 1.0;
            std::fill(box_.begin(), box_.end(), 1.0);
            sum_ = static_cast<double>(window);
        }
    }

    float ceiling_ = 0.0f, clamp_at_ = 0.0f;
    double target_ = 0.0;  // ceiling with the rounding margin
    double release_ms_ = 50, lookahead_ms_ = 5, release_ = 0.0;
    uint32_t rate_ = 48000;
    size_t lookahead_ = 1, clamp_hold_ = 0;
    size_t channels_ = 2;

    std::vector<float> delay_;  // interleaved frames, lookahead_ of them in use
    size_t delay_pos_ = 0;
    std::vector<double> box_;  // h over the last window
    size_t box_pos_ = 0;
    double sum_ = 0.0, held_ = 1.0;
    std::vector<double> min_value_;  // running-minimum queue (ring)
    std::vector<uint64_t> min_index_;
    size_t min_head_ = 0, min_size_ = 0;
    uint64_t frame_ = 0;
};

std::unique_ptr<Processor> make(const EffectConfig& config) { return std::make_unique<Limiter>(params_of(config)); }
EffectParams to_params(const EffectConfig& config) { return EffectParams::of(params_of(config)); }
bool updatable(const EffectConfig& from, const EffectConfig& to) {
    return from.value(kParams, "lookahead_ms") == to.value(kParams, "lookahead_ms");
}

}  // namespace

const EffectType& limiter() {
    static const EffectType type{.name = "limiter", .params = kParams, .check = check, .make = make,
                                 .to_params = to_params, .updatable = updatable};
    return type;
}

}  // namespace simvx::effects
