// Feed-forward soft-knee compressor (Giannoulis, Massberg & Reiss, JAES 2012):
// stereo-linked instantaneous peak → static curve → log-domain detector (see
// dsp/dynamics.hpp) → gain, with makeup. An optional sidechain (`key`) drives
// the detector instead of the input.
#include <algorithm>
#include <array>
#include <cmath>

#include "core/gain.hpp"
#include "dsp/dynamics.hpp"
#include "dsp/effects/effects.hpp"
#include "dsp/ramp.hpp"

namespace simvx::effects {
namespace {

constexpr std::array<ParamSpec, 6> kParams{{
    {.key = "threshold_db", .default_value = -24, .min = -80, .max = 0, .unit = "dB"},
    {.key = "ratio", .default_value = 4, .min = 1, .max = 100},
    {.key = "attack_ms", .default_value = 5, .min = 0.01, .max = 1000, .unit = "ms"},
    {.key = "release_ms", .default_value = 100, .min = 1, .max = 5000, .unit = "ms"},
    {.key = "knee_db", .default_value = 6, .min = 0, .max = 48, .unit = "dB"},
    {.key = "makeup_db", .default_value = 0, .min = -24, .max = 48, .unit = "dB"},
}};

class Compressor final : public Processor {
public:
    explicit Compressor(const EffectConfig& config) { update(config); }

    void prepare(const ProcessSpec& spec) override {
        rate_ = spec.sample_rate;
        makeup_.set_ramp_frames(rate_ / 50);  // 20 ms
        detector_.set_times(attack_ms_, release_ms_, rate_);
        reset();
    }

    void reset() noexcept override {
        detector_.reset();
        makeup_.reset(makeup_.target());
    }

    void update(const EffectConfig& config) noexcept override {
        const auto v = [&](std::string_view key) { return config.value(kParams, key); };
        curve_.set(v("threshold_db"), v("ratio"), v("knee_db"));
        attack_ms_ = v("attack_ms");
        release_ms_ = v("release_ms");
        detector_.set_times(attack_ms_, release_ms_, rate_);
        makeup_.set_target(db_to_gain(v("makeup_db")));
    }

    void process(float* audio, size_t frames, const float* key) noexcept override {
        const float* detect = key ? key : audio;
        const float start = curve_.knee_start_linear();
        for (size_t i = 0; i < frames; ++i) {
            float* x = audio + 2 * i;
            const float peak = std::max(std::fabs(detect[2 * i]), std::fabs(detect[2 * i + 1]));
            float reduction = 0.0f;  // NaN fails the comparison: no reduction
            if (peak > start) reduction = curve_.reduction_db(20.0f * std::log10(std::min(peak, 1e10f)));
            const float smoothed = detector_.next(reduction);
            float gain = makeup_.next();
            if (smoothed > 0.0f) gain *= std::exp(smoothed * kDbToLn);
            x[0] *= gain;
            x[1] *= gain;
        }
        detector_.sanitize();
    }

private:
    static constexpr float kDbToLn = -0.115129255f;  // −ln(10)/20: gain = e^(−dB·ln10/20)

    dynamics::SoftKnee curve_;
    dynamics::GainDetector detector_;
    GainRamp makeup_;
    double attack_ms_ = 5, release_ms_ = 100;
    uint32_t rate_ = 48000;
};

std::unique_ptr<Processor> make(const EffectConfig& config) { return std::make_unique<Compressor>(config); }

}  // namespace

const EffectType& compressor() {
    static const EffectType type{.name = "compressor", .params = kParams, .has_sidechain = true, .make = make};
    return type;
}

}  // namespace simvx::effects
