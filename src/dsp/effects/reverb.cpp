// `reverb`: the Freeverb core (dsp/freeverb.hpp) with wet, dry and stereo
// width. wet and dry are linear gains; width 0 makes the wet signal mono.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "dsp/effects/effects.hpp"
#include "dsp/freeverb.hpp"
#include "dsp/ramp.hpp"

namespace simvx::effects {
namespace {

constexpr ParamSpec kParams[] = {
    {.key = "room_size", .default_value = 0.5, .min = 0.0, .max = 1.0},
    {.key = "damping", .default_value = 0.5, .min = 0.0, .max = 1.0},
    {.key = "wet", .default_value = 0.3, .min = 0.0, .max = 2.0},
    {.key = "dry", .default_value = 0.7, .min = 0.0, .max = 2.0},
    {.key = "width", .default_value = 1.0, .min = 0.0, .max = 1.0},
    {.key = "freeze", .default_value = 0.0, .min = 0.0, .max = 1.0, .kind = ParamSpec::Kind::boolean},
};
enum Index { kRoom, kDamping, kWet, kDry, kWidth, kFreeze, kCount };

// The typed parameters, clamped to the ranges.
struct Params {
    Freeverb::Params core;
    float wet = 0, dry = 1, width = 1;
};

Params params_of(const EffectConfig& config) {
    if (config.values.size() < kCount) throw std::logic_error("reverb: malformed config");
    auto v = [&](Index i) { return static_cast<float>(std::clamp(config.values[i], kParams[i].min, kParams[i].max)); };
    return {.core = {.room_size = v(kRoom), .damping = v(kDamping), .freeze = config.values[kFreeze] >= 0.5},
            .wet = v(kWet),
            .dry = v(kDry),
            .width = v(kWidth)};
}

class Reverb final : public Processor {
public:
    explicit Reverb(const Params& p) { set(p); }

    void prepare(const ProcessSpec& spec) override {
        core_.prepare(spec.sample_rate);
        core_.set(params_, false);
        core_.reset();
        block_ = std::max<uint32_t>(1, spec.max_block);
        scratch_.assign(2 * size_t{block_}, 0.0f);
        const uint32_t ramp = std::max<uint32_t>(1, static_cast<uint32_t>(0.02 * spec.sample_rate + 0.5));
        for (GainRamp* g : {&wet_, &dry_, &width_}) g->set_ramp_frames(ramp);
        wet_.reset(wet_.target());
        dry_.reset(dry_.target());
        width_.reset(width_.target());
    }

    void reset() noexcept override { core_.reset(); }

    void process(float* audio, size_t frames, const float*) noexcept SIMVX_REALTIME override {
        while (frames > 0) {
            const size_t n = std::min<size_t>(frames, block_);
            core_.process(audio, scratch_.data(), n);
            if (!wet_.ramping() && !dry_.ramping() && !width_.ramping())
                mix_steady(audio, n);
            else
                for (size_t i = 0; i < n; ++i) {
                    const float wet = wet_.next(), dry = dry_.next(), width = width_.next();
                    float& l = audio[2 * i];
                    float& r = audio[2 * i + 1];
                    l *= dry;
                    r *= dry;
                    if (wet != 0.0f) {  // wet 0 leaves dry × input untouched (bit-exact identity)
                        // Mid/side, so width 0 gives the same value on both sides.
                        const float wl = scratch_[2 * i], wr = scratch_[2 * i + 1];
                        const float half = 0.5f * width;  // halves first: no overflow near full float range
                        const float mid = 0.5f * wl + 0.5f * wr, side = half * wl - half * wr;
                        l += wet * (mid + side);
                        r += wet * (mid - side);
                    }
                }
            audio += 2 * n;
            frames -= n;
        }
    }

    // The mixing above with wet, dry and width steady for the whole block (the
    // same arithmetic, without the per-frame ramps and branch).
    void mix_steady(float* audio, size_t n) noexcept {
        const float wet = wet_.value(), dry = dry_.value(), half = 0.5f * width_.value();
        const float* w = scratch_.data();
        if (wet == 0.0f) {  // bit-exact dry × input
            for (size_t i = 0; i < 2 * n; ++i) audio[i] *= dry;
            return;
        }
        for (size_t i = 0; i < n; ++i) {
            const float wl = w[2 * i], wr = w[2 * i + 1];
            const float mid = 0.5f * wl + 0.5f * wr, side = half * wl - half * wr;
            audio[2 * i] = audio[2 * i] * dry + wet * (mid + side);
            audio[2 * i + 1] = audio[2 * i + 1] * dry + wet * (mid - side);
        }
    }

    void update(const EffectParams& params) noexcept SIMVX_REALTIME override {
        if (Params p; params.get(p)) {
            set(p);
            core_.set(params_, true);
        }
    }

    uint64_t tail_frames() const noexcept override {
        return wet_.value() == 0.0f && wet_.target() == 0.0f ? 0 : core_.tail_frames();
    }

private:
    void set(const Params& p) noexcept {
        params_ = p.core;
        wet_.set_target(p.wet);
        dry_.set_target(p.dry);
        width_.set_target(p.width);
    }
    Freeverb core_;
    Freeverb::Params params_;
    GainRamp wet_{0.0f}, dry_{1.0f}, width_{1.0f};
    std::vector<float> scratch_;
    uint32_t block_ = 1;
};

}  // namespace

const EffectType& reverb() {
    static const EffectType type{
        .name = "reverb",
        .params = kParams,
        .make = [](const EffectConfig& config) -> std::unique_ptr<Processor> {
            return std::make_unique<Reverb>(params_of(config));
        },
        .to_params = [](const EffectConfig& config) { return EffectParams::of(params_of(config)); },
    };
    return type;
}

}  // namespace simvx::effects
