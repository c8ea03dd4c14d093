// `lowpass`, `highpass`, `bandpass` (constant 0 dB peak gain) and `notch`:
// one RBJ biquad each, gliding to new cutoff/Q values over 20 ms. Every
// channel of the bus is filtered alike, each on its own.
#include <optional>
#include <span>

#include "dsp/biquad.hpp"
#include "dsp/effects/effects.hpp"

namespace simvx::effects {
namespace {

// The loader checks these ranges; `check` adds the rate-dependent upper bound
// (below Nyquist). 96 kHz is Nyquist at the highest engine rate.
constexpr ParamSpec kParams[] = {
    {.key = "cutoff_hz", .default_value = 1000.0, .min = 10.0, .max = 96000.0, .unit = "Hz"},
    {.key = "q", .default_value = 0.707, .min = 0.0, .max = 100.0, .min_open = true},
};
constexpr ParamSpec kNotchParams[] = {
    {.key = "cutoff_hz", .default_value = 1000.0, .min = 10.0, .max = 96000.0, .unit = "Hz"},
    {.key = "q", .default_value = 1.0, .min = 0.0, .max = 100.0, .min_open = true},
};

// Both tables share their layout: cutoff_hz, then q.
FilterParams params_of(FilterShape shape, const EffectConfig& c) {
    return {.shape = shape, .freq = c.value(kParams, "cutoff_hz"), .q = c.value(kParams, "q")};
}

std::string check(const EffectConfig& c, uint32_t sample_rate) {
    return nyquist_problem("cutoff_hz", c.value(kParams, "cutoff_hz"), sample_rate);
}

class Filter final : public Processor {
public:
    Filter(FilterShape shape, const EffectConfig& c) : biquad_(params_of(shape, c)) {}

    void prepare(const ProcessSpec& spec) override {
        biquad_.set_channels(checked_channels(spec));
        biquad_.prepare(spec.sample_rate);
    }
    void reset() noexcept override { biquad_.reset(); }
    void update(const EffectParams& params) noexcept SIMVX_REALTIME override {
        if (FilterParams p; params.get(p)) biquad_.set_target(p);
    }
    void automate(const EffectParams& params, uint32_t frames) noexcept SIMVX_REALTIME override {
        if (FilterParams p; params.get(p)) biquad_.glide_to(p, frames);
    }
    void process(float* audio, size_t frames, const float*) noexcept SIMVX_REALTIME override { biquad_.process(audio, frames); }
    // The steps that change nothing run as one piece (the same bits).
    void process_steps(float* audio, const float*, uint32_t,
                       std::span<const AutomationStep> steps) noexcept SIMVX_REALTIME override {
        biquad_.process_steps(audio, steps, false, [](const EffectParams& e) -> std::optional<FilterParams> {
            if (FilterParams p; e.get(p)) return p;
            return std::nullopt;
        });
    }

private:
    SmoothedBiquad biquad_;
};

template <FilterShape Shape>
std::unique_ptr<Processor> make(const EffectConfig& c) {
    return std::make_unique<Filter>(Shape, c);
}

template <FilterShape Shape>
EffectParams to_params(const EffectConfig& c) {
    return EffectParams::of(params_of(Shape, c));
}

}  // namespace

const EffectType& lowpass() {
    static const EffectType type{.name = "lowpass", .params = kParams, .automation_holds = true, .check = check, .make = make<FilterShape::lowpass>,
                                 .to_params = to_params<FilterShape::lowpass>};
    return type;
}

const EffectType& highpass() {
    static const EffectType type{.name = "highpass", .params = kParams, .automation_holds = true, .check = check, .make = make<FilterShape::highpass>,
                                 .to_params = to_params<FilterShape::highpass>};
    return type;
}

const EffectType& bandpass() {
    static const EffectType type{.name = "bandpass", .params = kParams, .automation_holds = true, .check = check, .make = make<FilterShape::bandpass>,
                                 .to_params = to_params<FilterShape::bandpass>};
    return type;
}

const EffectType& notch() {
    static const EffectType type{.name = "notch", .params = kNotchParams, .automation_holds = true, .check = check, .make = make<FilterShape::notch>,
                                 .to_params = to_params<FilterShape::notch>};
    return type;
}

}  // namespace simvx::effects
