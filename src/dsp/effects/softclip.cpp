// Soft clipper, a tanh curve normalized so that full scale maps to full scale:
//   y = output_gain · tanh(drive · clamp(x, −1, 1)) / tanh(drive)
// Small signals are scaled by output_gain · drive / tanh(drive) (2.075 at the
// default drive 2); ±1 maps to exactly ±output_gain, and input beyond full
// scale is held there, so |y| ≤ output_gain always. The curve's slope at full
// scale, drive·(1 − tanh²(drive))/tanh(drive), is already small (0.15 at
// drive 2), so the hold adds only a mild corner. Drive and output gain ramp.
// Every channel of the bus is shaped alike, each on its own.
#include <algorithm>
#include <array>
#include <cmath>

#include "dsp/effects/effects.hpp"
#include "dsp/ramp.hpp"

namespace simvx::effects {
namespace {

constexpr std::array<ParamSpec, 2> kParams{{
    {.key = "drive", .default_value = 2.0, .min = 0, .max = 100, .min_open = true},
    {.key = "output_gain", .default_value = 1.0, .min = 0, .max = 4},
}};

// The typed parameters.
struct Params {
    float drive = 2, output_gain = 1;
};

Params params_of(const EffectConfig& config) {
    return {static_cast<float>(config.value(kParams, "drive")), static_cast<float>(config.value(kParams, "output_gain"))};
}

class Softclip final : public Processor {
public:
    explicit Softclip(const Params& p) {
        set(p);
        reset();
    }

    void prepare(const ProcessSpec& spec) override {
        drive_.set_ramp_frames(spec.sample_rate / 50);  // 20 ms
        gain_.set_ramp_frames(spec.sample_rate / 50);
        channels_ = checked_channels(spec);
        reset();
    }

    void reset() noexcept override {
        drive_.reset(drive_.target());
        gain_.reset(gain_.target());
    }

    void update(const EffectParams& params) noexcept SIMVX_REALTIME override {
        if (Params p; params.get(p)) set(p);
    }

    void process(float* audio, size_t frames, const float* /*key*/) noexcept SIMVX_REALTIME override {
        if (!drive_.ramping() && !gain_.ramping()) {
            const float drive = drive_.value(), gain = gain_.value(), scale = gain / std::tanh(drive);
            const size_t samples = channels_ * frames;
            for (size_t i = 0; i < samples; ++i) audio[i] = shape(audio[i], drive, scale, gain);
            return;
        }
        if (channels_ != 2) return ramp_any(audio, frames);
        for (size_t i = 0; i < 2 * frames; i += 2) {
            const float drive = drive_.next(), gain = gain_.next(), scale = gain / std::tanh(drive);
            audio[i] = shape(audio[i], drive, scale, gain);
            audio[i + 1] = shape(audio[i + 1], drive, scale, gain);
        }
    }

private:
    // The ramping loop above for any channel count: the frame's drive and gain on
    // every channel. Out of line: inlined, it would change the stereo loops'
    // register allocation (an extra spill per sample).
    [[gnu::noinline]] void ramp_any(float* audio, size_t frames) noexcept {
        for (size_t i = 0; i < frames; ++i) {
            const float drive = drive_.next(), gain = gain_.next(), scale = gain / std::tanh(drive);
            for (size_t c = 0; c < channels_; ++c) {
                float& x = audio[channels_ * i + c];
                x = shape(x, drive, scale, gain);
            }
        }
    }
    void set(const Params& p) noexcept {
        drive_.set_target(p.drive);
        gain_.set_target(p.output_gain);
    }
    // scale = gain / tanh(drive); the final clamp only absorbs its rounding.
    static float shape(float x, float drive, float scale, float gain) noexcept {
        const float y = scale * std::tanh(drive * std::clamp(x, -1.0f, 1.0f));
        return std::clamp(y, -gain, gain);
    }

    GainRamp drive_, gain_;
    size_t channels_ = 2;
};

std::unique_ptr<Processor> make(const EffectConfig& config) { return std::make_unique<Softclip>(params_of(config)); }
EffectParams to_params(const EffectConfig& config) { return EffectParams::of(params_of(config)); }

}  // namespace

const EffectType& softclip() {
    static const EffectType type{.name = "softclip", .params = kParams, .make = make, .to_params = to_params};
    return type;
}

}  // namespace simvx::effects
