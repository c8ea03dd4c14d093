// Feed-forward soft-knee compressor (Giannoulis, Massberg & Reiss, JAES 2012):
// linked instantaneous peak → static curve → log-domain detector (see
// dsp/dynamics.hpp) → gain, with makeup. An optional sidechain (`key`) drives
// the detector instead of the input. Linked over every channel of the bus:
// the peak is the frame's largest magnitude on any channel (of the key, if
// any) and one gain applies to all of them, so a surround image does not
// move; a signal on FL/FR alone is compressed exactly as on a stereo bus.
#include <algorithm>
#include <array>
#include <cmath>

#include "core/gain.hpp"
#include "dsp/dynamics.hpp"
#include "dsp/effects/effects.hpp"
#include "dsp/fast_math.hpp"
#include "dsp/frame_gain.hpp"
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

// The typed parameters.
struct Params {
    double threshold_db = -24, ratio = 4, knee_db = 6, attack_ms = 5, release_ms = 100;
    float makeup = 1.0f;  // linear
};

Params params_of(const EffectConfig& config) {
    const auto v = [&](std::string_view key) { return config.value(kParams, key); };
    return {.threshold_db = v("threshold_db"),
            .ratio = v("ratio"),
            .knee_db = v("knee_db"),
            .attack_ms = v("attack_ms"),
            .release_ms = v("release_ms"),
            .makeup = db_to_gain(v("makeup_db"))};
}

class Compressor final : public Processor {
public:
    explicit Compressor(const Params& p) { set(p); }

    void prepare(const ProcessSpec& spec) override {
        rate_ = spec.sample_rate;
        channels_ = checked_channels(spec);
        makeup_.set_ramp_frames(rate_ / 50);  // 20 ms
        detector_.set_times(attack_ms_, release_ms_, rate_);
        reset();
    }

    void reset() noexcept override {
        detector_.reset();
        makeup_.reset(makeup_.target());
    }

    void update(const EffectParams& params) noexcept SIMVX_REALTIME override {
        if (Params p; params.get(p)) set(p);
    }

    // Three passes per chunk: the reduction from the peak level (independent
    // per frame: vectorized), the detector's recursion (serial, double), the
    // gain (vectorized). Without reduction the gain is exactly the makeup.
    void process(float* audio, size_t frames, const float* key) noexcept SIMVX_REALTIME override {
        if (channels_ != 2) return process_any(audio, frames, key);
        const float* detect = key ? key : audio;
        const float start = curve_.knee_start_linear(), below_start = 0.5f * start;
        float reduction[kChunk];
        for (size_t at = 0; at < frames; at += kChunk) {
            const size_t n = std::min(kChunk, frames - at);
            float* x = audio + 2 * at;
            const float* k = detect + 2 * at;
            for (size_t i = 0; i < n; ++i) {
                const float peak = std::max(std::fabs(k[2 * i]), std::fabs(k[2 * i + 1]));
                reduction[i] = reduction_of(peak, start, below_start);
            }
            detector_.process(reduction, n);
            if (makeup_.ramping()) {
                for (size_t i = 0; i < n; ++i) {
                    const float gain = makeup_.next() * gain_of(reduction[i]);
                    x[2 * i] *= gain;
                    x[2 * i + 1] *= gain;
                }
            } else {
                const float makeup = makeup_.value();
                for (size_t i = 0; i < n; ++i) {
                    const float gain = makeup * gain_of(reduction[i]);
                    x[2 * i] *= gain;
                    x[2 * i + 1] *= gain;
                }
            }
        }
        detector_.sanitize();
    }

private:
    // process() for any channel count: the frame's peak over its channels (a
    // lone channel's magnitude; with the others silent, the stereo peak of
    // two), then the same reduction, detector and gain as stereo, the gain on
    // every channel. Out of line, so the stereo loops compile as before.
    [[gnu::noinline]] void process_any(float* audio, size_t frames, const float* key) noexcept {
        const size_t channels = channels_;
        const float* detect = key ? key : audio;
        const float start = curve_.knee_start_linear(), below_start = 0.5f * start;
        float reduction[kChunk];
        for (size_t at = 0; at < frames; at += kChunk) {
            const size_t n = std::min(kChunk, frames - at);
            float* x = audio + channels * at;
            const float* k = detect + channels * at;
            for (size_t i = 0; i < n; ++i) {
                const float* frame = k + channels * i;
                float peak = std::fabs(frame[0]);
                for (size_t c = 1; c < channels; ++c) peak = std::max(peak, std::fabs(frame[c]));
                reduction[i] = reduction_of(peak, start, below_start);
            }
            detector_.process(reduction, n);
            const bool ramping = makeup_.ramping();
            const float makeup = makeup_.value();
            const float* r = reduction;
            scale_frames(x, n, static_cast<uint32_t>(channels),
                         [&] { return (ramping ? makeup_.next() : makeup) * gain_of(*r++); });
        }
        detector_.sanitize();
    }

    // The instantaneous reduction (dB) for a frame's peak magnitude. At or
    // below the knee's start no reduction: such peaks (and NaN, which fails
    // the comparison) read as 6 dB below the start. (Clamped to a runtime
    // value, not a constant: GCC would fold the constant's logarithm on that
    // path, and a computation on one path only is control flow the vectorizer
    // refuses.)
    float reduction_of(float peak, float start, float below_start) const noexcept {
        const float p = peak > start ? peak : below_start;
        float level_db = kDbPerOctave * fast_log2(p);
        level_db = level_db < 200.0f ? level_db : 200.0f;  // peaks above 1e10 (∞) as 1e10
        return curve_.reduction_db(level_db);
    }

    // Automation sets every parameter when any moves: the curve (a pow), the
    // detector's coefficients (two exps) and the makeup's ramp change only
    // when theirs do.
    void set(const Params& p) noexcept {
        if (p.threshold_db != threshold_db_ || p.ratio != ratio_ || p.knee_db != knee_db_) {
            threshold_db_ = p.threshold_db;
            ratio_ = p.ratio;
            knee_db_ = p.knee_db;
            curve_.set(threshold_db_, ratio_, knee_db_);
        }
        if (p.attack_ms != attack_ms_ || p.release_ms != release_ms_) {
            attack_ms_ = p.attack_ms;
            release_ms_ = p.release_ms;
            detector_.set_times(attack_ms_, release_ms_, rate_);
        }
        if (p.makeup != makeup_.target()) makeup_.set_target(p.makeup);  // (a ramp under way goes on)
    }

    static constexpr size_t kChunk = 256;              // frames per pass (1 KiB of stack)
    static constexpr float kDbPerOctave = 6.0205999f;  // 20·log10(2): dB = 6.02·log2(level)
    static constexpr float kDbToLog2 = -0.16609640f;   // −log2(10)/20: gain = 2^(−dB·log2(10)/20)

    // The gain for a smoothed reduction (dB, ≥ 0). Without reduction it is
    // exactly 1: fast_exp2(0) is exactly 1 (n = 0, f = 0). Unconditional, so
    // the loops vectorize. The exponent stays inside fast_exp2's range: the
    // level is at most 200 dB (peaks clamped to 1e10) and the threshold at
    // least −80 dB, so the reduction is below 280 dB, the exponent above −47.
    static float gain_of(float reduction_db) noexcept { return fast_exp2(reduction_db * kDbToLog2); }

    dynamics::SoftKnee curve_;
    dynamics::GainDetector detector_;
    GainRamp makeup_;
    double threshold_db_ = NAN, ratio_ = NAN, knee_db_ = NAN;  // the curve's (NaN: none yet)
    double attack_ms_ = NAN, release_ms_ = NAN;                  // the detector's
    uint32_t rate_ = 48000;
    size_t channels_ = 2;
};

std::unique_ptr<Processor> make(const EffectConfig& config) { return std::make_unique<Compressor>(params_of(config)); }
EffectParams to_params(const EffectConfig& config) { return EffectParams::of(params_of(config)); }

}  // namespace

const EffectType& compressor() {
    static const EffectType type{.name = "compressor", .params = kParams, .has_sidechain = true,
                                 .automation_holds = true, .make = make, .to_params = to_params};
    return type;
}

}  // namespace simvx::effects
