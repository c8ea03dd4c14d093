// `gain`: a volume in dB, ramped over 20 ms on every change. At 0 dB the
// audio passes untouched (bit-exact). Every channel of the bus gets the same
// gain. Automated, the engine applies the envelope on every sample in its
// place (EffectType::volume_param).
#include <algorithm>
#include <cmath>

#include "core/gain.hpp"
#include "dsp/effects/effects.hpp"
#include "dsp/frame_gain.hpp"
#include "dsp/ramp.hpp"

namespace simvx::effects {
namespace {

constexpr ParamSpec kParams[] = {
    {.key = "volume_db", .default_value = 0.0, .min = -120.0, .max = 24.0, .unit = "dB"},
};

struct Params {
    float linear = 1.0f;
};

Params params_of(const EffectConfig& c) { return {db_to_gain(c.value(kParams, "volume_db"))}; }

class Gain final : public Processor {
public:
    explicit Gain(const Params& p) : ramp_(p.linear) {}

    void prepare(const ProcessSpec& spec) override {
        ramp_.set_ramp_frames(static_cast<uint32_t>(std::lround(0.02 * spec.sample_rate)));
        ramp_.reset(ramp_.target());
        channels_ = checked_channels(spec);
    }
    void reset() noexcept override {}
    void update(const EffectParams& params) noexcept SIMVX_REALTIME override {
        if (Params p; params.get(p)) ramp_.set_target(p.linear);
    }
    void process(float* audio, size_t frames, const float*) noexcept SIMVX_REALTIME override {
        if (!ramp_.ramping()) {
            const float g = ramp_.value();
            const size_t samples = size_t{channels_} * frames;
            if (g != 1.0f)
                for (size_t i = 0; i < samples; ++i) audio[i] *= g;
            return;
        }
        float gains[kRun];
        for (size_t base = 0; base < frames; base += kRun) {
            const size_t n = std::min(kRun, frames - base);
            ramp_.fill(gains, n);
            scale_frames_by(audio + base * channels_, n, channels_, gains);
        }
    }

private:
    static constexpr size_t kRun = 256;  // frames of ramp at a time, on the stack
    GainRamp ramp_;
    uint32_t channels_ = 2;
};

}  // namespace

const EffectType& gain() {
    static const EffectType type{
        .name = "gain",
        .params = kParams,
        .volume_param = 0,
        .make = [](const EffectConfig& c) -> std::unique_ptr<Processor> { return std::make_unique<Gain>(params_of(c)); },
        .to_params = [](const EffectConfig& c) { return EffectParams::of(params_of(c)); },
    };
    return type;
}

}  // namespace simvx::effects
