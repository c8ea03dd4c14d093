// `eq`: a parametric equalizer, one RBJ peaking or shelf biquad per band in
// series. Bands at 0 dB are skipped. Live changes glide (20 ms); a band that
// changes type glides through 0 dB, and a band that disappears glides to 0 dB.
// Automated bands (freq, q, gain_db envelopes) glide from step to step.
// Every channel of the bus is equalized alike, each on its own.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <span>
#include <vector>

#include "dsp/biquad.hpp"
#include "dsp/effects/effects.hpp"

namespace simvx::effects {
namespace {

// Bands an update may add without allocating on the audio thread: room for
// this many, or for the scene's count if larger. An update carries at most
// this many (updatable() says no to more: the eq is built anew).
constexpr size_t kMinCapacity = EqBand::kMaxLive;

// The typed parameters of an update: the bands in use first.
struct Params {
    size_t count = 0;
    EqBand bands[kMinCapacity];
};

Params params_of(const EffectConfig& c) {
    Params p;
    p.count = std::min(c.bands.size(), kMinCapacity);
    std::copy_n(c.bands.begin(), p.count, p.bands);
    return p;
}

FilterParams filter_of(const EqBand& b) {
    static constexpr FilterShape kShape[] = {FilterShape::peaking, FilterShape::lowshelf, FilterShape::highshelf};
    return {.shape = kShape[static_cast<int>(b.type)], .freq = b.freq, .q = b.q, .gain_db = b.gain_db};
}

std::string check(const EffectConfig& c, uint32_t sample_rate) {
    for (size_t i = 0; i < c.bands.size(); ++i) {
        const EqBand& b = c.bands[i];
        std::string problem = nyquist_problem("freq", b.freq, sample_rate);
        char buf[96] = "";
        if (!(b.freq >= 10.0)) std::snprintf(buf, sizeof buf, "freq %g Hz is below 10 Hz", b.freq);
        else if (!(b.q > 0.0 && b.q <= 100.0)) std::snprintf(buf, sizeof buf, "q %g is outside (0, 100]", b.q);
        else if (!(b.gain_db >= -48.0 && b.gain_db <= 48.0))
            std::snprintf(buf, sizeof buf, "gain_db %g dB is outside -48..48 dB", b.gain_db);
        if (buf[0]) problem = buf;
        if (!problem.empty()) return "band " + std::to_string(i + 1) + ": " + problem;
    }
    return {};
}

class Eq final : public Processor {
public:
    explicit Eq(const EffectConfig& c)
        : bands_(std::max(kMinCapacity, c.bands.size()), SmoothedBiquad({.shape = FilterShape::peaking})) {
        set(c.bands.data(), c.bands.size());
    }

    void prepare(const ProcessSpec& spec) override {
        const uint32_t channels = checked_channels(spec);
        for (SmoothedBiquad& b : bands_) {
            b.set_channels(channels);
            b.prepare(spec.sample_rate);
        }
    }
    void reset() noexcept override {
        for (SmoothedBiquad& b : bands_) b.reset();
    }
    void update(const EffectParams& params) noexcept SIMVX_REALTIME override {
        if (Params p; params.get(p)) set(p.bands, std::min(p.count, kMinCapacity));
    }
    // Automated bands glide to their next step's values in exactly `frames`
    // (their coefficients interpolated per sample, as the filters'), not over the 20 ms of an update.
    void automate(const EffectParams& params, uint32_t frames) noexcept SIMVX_REALTIME override {
        const Params* p = params.view<Params>();
        if (!p) return;
        for (size_t i = 0; i < std::min(p->count, bands_.size()); ++i) bands_[i].glide_to(filter_of(p->bands[i]), frames);
    }
    void process(float* audio, size_t frames, const float*) noexcept SIMVX_REALTIME override {
        for (SmoothedBiquad& b : bands_) {
            if (b.flat()) b.reset();  // skipped: drop the last -140 dB of ringing so a later glide starts clean
            else b.process(audio, frames);
        }
    }
    // Band after band through the whole block, each in runs as long as its
    // values hold (automate() and process() step by step, to the bit: each
    // band sees the same frames from the band before).
    void process_steps(float* audio, const float*, uint32_t,
                       std::span<const AutomationStep> steps) noexcept SIMVX_REALTIME override {
        for (size_t i = 0; i < bands_.size(); ++i)
            bands_[i].process_steps(audio, steps, true, [i](const EffectParams& e) -> std::optional<FilterParams> {
                const Params* p = e.view<Params>();
                if (!p || i >= p->count) return std::nullopt;
                return filter_of(p->bands[i]);
            });
    }

private:
    void set(const EqBand* bands, size_t count) noexcept {
        for (size_t i = 0; i < bands_.size(); ++i) {
            if (i < count) {
                bands_[i].set_target(filter_of(bands[i]));
            } else {
                FilterParams off = bands_[i].current();
                off.gain_db = 0;
                bands_[i].set_target(off);
            }
        }
    }

    std::vector<SmoothedBiquad> bands_;
};

}  // namespace

const EffectType& eq() {
    static const EffectType type{
        .name = "eq",
        .has_bands = true,
        .automation_holds = true,
        .check = check,
        .make = [](const EffectConfig& c) -> std::unique_ptr<Processor> { return std::make_unique<Eq>(c); },
        .to_params = [](const EffectConfig& c) { return EffectParams::of(params_of(c)); },
        .updatable = [](const EffectConfig&, const EffectConfig& to) { return to.bands.size() <= kMinCapacity; },
    };
    return type;
}

}  // namespace simvx::effects
