// `reverb`: the Freeverb core (dsp/freeverb.hpp) with wet, dry and stereo
// width. wet and dry are linear gains; width 0 makes the wet signal mono.
//
// Surround (any bus but stereo), by speaker group (dsp/speaker_groups.hpp):
//  - each left/right pair (FL/FR, BL/BR, SL/SR) has its own stereo tank, fed
//    by that pair alone and mixed back into it with wet, dry and width as on
//    a stereo bus: front sources reverberate in front, rear ones behind;
//  - each lone channel (FC, the 7-channel layout's BC, a mono bus's only
//    channel) has its own tank, fed by that channel on both of the tank's
//    inputs (the level a stereo tank gets from a centred source) and taking
//    back the tank's left output: one side of a stereo reverb, so its tail
//    has a pair channel's level and decay;
//  - the LFE gets the dry signal only: no reverb below 120 Hz's speaker.
// The tanks differ in tuning: every line of tank k is kTankOffsets[k]
// samples (at 44.1 kHz) longer than Jezar's, so the tails of front, rear,
// side and centre do not correlate (a common impulse would otherwise ring
// identically in every speaker). The offsets are a few samples against combs
// of 1116-1617, so every tank's decay is within 1 % of the stereo reverb's,
// and any two tanks' impulse responses correlate less than one tank's left
// and right do (0.2 at most, at any lag). The front pair's tank is untuned:
// FL/FR of a surround bus are bit-identical to a stereo bus fed that pair.
#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

#include "dsp/effects/effects.hpp"
#include "dsp/freeverb.hpp"
#include "dsp/ramp.hpp"
#include "dsp/speaker_groups.hpp"

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

// Tank k's tuning offset (samples at 44.1 kHz): pairs front to back, then the
// lone channels. Each tank's lines sit at offset and offset + 23 (Freeverb's
// stereo spread): -6, 0, 6, 12, 17, 23, 29, 35, at least 5 samples apart, so
// no two tanks share a line length (a shared one would ring alike in both).
constexpr std::array<int, 4> kTankOffsets = {0, 6, -6, 12};

class Reverb final : public Processor {
public:
    explicit Reverb(const Params& p) { set(p); }

    void prepare(const ProcessSpec& spec) override {
        channels_ = checked_channels(spec);
        groups_ = speaker_groups(channels_);
        tanks_.resize(groups_.pair_count + groups_.lone_count);  // at most 4 (7.1: three pairs and FC)
        for (size_t k = 0; k < tanks_.size(); ++k) {
            tanks_[k].prepare(spec.sample_rate, kTankOffsets[k]);
            tanks_[k].set(params_, false);
            tanks_[k].reset();
        }
        block_ = std::max<uint32_t>(1, spec.max_block);
        scratch_.assign(2 * size_t{block_}, 0.0f);
        frame_gains_.assign(channels_ == 2 ? 0 : 3 * size_t{block_}, 0.0f);
        const uint32_t ramp = std::max<uint32_t>(1, static_cast<uint32_t>(0.02 * spec.sample_rate + 0.5));
        for (GainRamp* g : {&wet_, &dry_, &width_}) g->set_ramp_frames(ramp);
        wet_.reset(wet_.target());
        dry_.reset(dry_.target());
        width_.reset(width_.target());
    }

    void reset() noexcept override {
        for (Freeverb& tank : tanks_) tank.reset();
    }

    void process(float* audio, size_t frames, const float*) noexcept SIMVX_REALTIME override {
        if (channels_ != 2) return process_surround(audio, frames);
        while (frames > 0) {
            const size_t n = std::min<size_t>(frames, block_);
            tanks_.front().process(audio, scratch_.data(), n);
            if (!wet_.ramping() && !dry_.ramping() && !width_.ramping())
                mix_steady(audio, n);
            else
                for (size_t i = 0; i < n; ++i) {
                    const float wet = wet_.next(), dry = dry_.next(), half = 0.5f * width_.next();
                    mix_pair(audio[2 * i], audio[2 * i + 1], scratch_[2 * i], scratch_[2 * i + 1], wet, dry, half);
                }
            audio += 2 * n;
            frames -= n;
        }
    }

    // A pair's output: dry × input plus the tank's pair through mid/side (width
    // 0 gives both sides the same value; `half` is half the width, halved
    // first: no overflow near full float range). Wet 0 leaves dry × input
    // untouched (bit-exact identity).
    static void mix_pair(float& l, float& r, float wl, float wr, float wet, float dry, float half) noexcept {
        l *= dry;
        r *= dry;
        if (wet == 0.0f) return;
        const float mid = 0.5f * wl + 0.5f * wr, side = half * wl - half * wr;
        l += wet * (mid + side);
        r += wet * (mid - side);
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
            for (Freeverb& tank : tanks_) tank.set(params_, true);
        }
    }

    uint64_t tail_frames() const noexcept override {
        if (wet_.value() == 0.0f && wet_.target() == 0.0f) return 0;
        uint64_t tail = 0;
        for (const Freeverb& tank : tanks_) tail = std::max(tail, tank.tail_frames());
        return tail;
    }

private:
    // The surround form (see the top of the file), a block at a time: the
    // frame's wet, dry and width are read once and shared by every tank. Out
    // of line, so the stereo mix compiles as before.
    [[gnu::noinline]] void process_surround(float* audio, size_t frames) noexcept {
        const size_t channels = channels_;
        float* wet = frame_gains_.data();
        float* dry = wet + block_;
        float* half = dry + block_;  // half the width
        float* w = scratch_.data();
        while (frames > 0) {
            const size_t n = std::min<size_t>(frames, block_);
            for (size_t i = 0; i < n; ++i) {
                wet[i] = wet_.next();
                dry[i] = dry_.next();
                half[i] = 0.5f * width_.next();
            }
            for (uint32_t g = 0; g < groups_.pair_count; ++g) {
                const auto [left, right] = groups_.pairs[g];
                for (size_t i = 0; i < n; ++i) {
                    w[2 * i] = audio[channels * i + left];
                    w[2 * i + 1] = audio[channels * i + right];
                }
                tanks_[g].process(w, w, n);
                for (size_t i = 0; i < n; ++i)
                    mix_pair(audio[channels * i + left], audio[channels * i + right], w[2 * i], w[2 * i + 1], wet[i], dry[i],
                             half[i]);
            }
            for (uint32_t g = 0; g < groups_.lone_count; ++g) {
                const uint32_t c = groups_.lone[g];
                for (size_t i = 0; i < n; ++i) w[2 * i] = w[2 * i + 1] = audio[channels * i + c];
                tanks_[groups_.pair_count + g].process(w, w, n);
                for (size_t i = 0; i < n; ++i) {
                    float& x = audio[channels * i + c];
                    x *= dry[i];
                    if (wet[i] != 0.0f) x += wet[i] * w[2 * i];
                }
            }
            if (groups_.lfe != SpeakerGroups::kNone)
                for (size_t i = 0; i < n; ++i) audio[channels * i + groups_.lfe] *= dry[i];
            audio += channels * n;
            frames -= n;
        }
    }

    void set(const Params& p) noexcept {
        params_ = p.core;
        wet_.set_target(p.wet);
        dry_.set_target(p.dry);
        width_.set_target(p.width);
    }
    std::vector<Freeverb> tanks_;  // one per pair, then one per lone channel (stereo: one)
    Freeverb::Params params_;
    GainRamp wet_{0.0f}, dry_{1.0f}, width_{1.0f};
    std::vector<float> scratch_;      // a tank's stereo frames: its input, then its wet output
    std::vector<float> frame_gains_;  // surround: wet, dry and half-width per frame of a block
    uint32_t block_ = 1;
    uint32_t channels_ = 2;
    SpeakerGroups groups_;
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
