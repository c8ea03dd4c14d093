#include "mix/voice.hpp"

#include <algorithm>
#include <span>

#include "core/cpu_features.hpp"
#include "core/gain.hpp"
#include "dsp/fast_math.hpp"
#include "mix/send_mix.hpp"
#include "mix/varispeed_source.hpp"

namespace simvx {
namespace {

// The air absorption low-pass: Butterworth (-3.01 dB at the cutoff), its
// cutoff kept inside the audible band and below Nyquist.
FilterParams air_filter(double cutoff_hz, uint32_t rate) {
    const double ceiling = std::min(20000.0, 0.45 * rate);
    return {FilterShape::lowpass, std::clamp(cutoff_hz, 20.0, ceiling), 0.7071067811865476, 0.0};
}

// Writes or mixes in one output sample.
template <bool Add>
inline void put(float& dst, float v) noexcept {
    if constexpr (Add) dst += v;
    else dst = v;
}

// An automated run's frames, each times its gain and its side's pan (Add:
// into `out`; else over it). Compiled twice (SIMVX_CPU_CLONES).
template <bool Add>
[[gnu::always_inline]] inline void mix_run(const float* __restrict in, bool mono, float* __restrict out,
                                           const float* __restrict gains, const float* __restrict left,
                                           const float* __restrict right, size_t n) noexcept {
    if (mono) {
        for (size_t i = 0; i < n; ++i) {
            put<Add>(out[2 * i], in[i] * gains[i] * left[i]);
            put<Add>(out[2 * i + 1], in[i] * gains[i] * right[i]);
        }
    } else {
        for (size_t i = 0; i < n; ++i) {
            put<Add>(out[2 * i], in[2 * i] * gains[i] * left[i]);
            put<Add>(out[2 * i + 1], in[2 * i + 1] * gains[i] * right[i]);
        }
    }
}
SIMVX_CPU_CLONES void mix_run_into(const float* in, bool mono, float* out, const float* gains, const float* left,
                                   const float* right, size_t n) noexcept SIMVX_REALTIME {
    mix_run<true>(in, mono, out, gains, left, right, n);
}
SIMVX_CPU_CLONES void mix_run_over(const float* in, bool mono, float* out, const float* gains, const float* left,
                                   const float* right, size_t n) noexcept SIMVX_REALTIME {
    mix_run<false>(in, mono, out, gains, left, right, n);
}

}  // namespace

Voice::Voice(VoiceSetup setup)
    : setup_(std::move(setup)), gain_(setup_.gain), pan_left_(setup_.pan.left), pan_right_(setup_.pan.right) {
    varispeed_ = setup_.varispeed;
    if (varispeed_) base_ratio_ = varispeed_->ratio();
    if (setup_.spatial && setup_.spatial->has_air_absorption()) air_ = std::make_unique<SmoothedBiquad>();
    if (setup_.spatial) channels_ = setup_.spatial->channels();
    if (setup_.spatial && channels_ > 2) speaker_gains_ = std::make_unique<std::array<GainRamp, speaker::kMaxChannels>>();
    source_channels_ = setup_.source->channels();
    if (source_channels_ > 2 && setup_.spatial) {
        downmix_ = stereo_downmix(source_channels_, setup_.source->channel_mask());
    } else if (source_channels_ > 2) {
        channels_ = std::min(setup_.bus_channels, speaker::kMaxChannels);
        const SpeakerMatrix m = speaker_matrix(source_channels_, setup_.source->channel_mask(), channels_);
        routes_ = std::make_unique<SpeakerRoutes>();
        for (uint32_t o = 0; o < channels_; ++o)
            for (uint32_t i = 0; i < source_channels_; ++i)
                if (m.at(o, i) != 0.0f) routes_->routes[o][routes_->count[o]++] = {i, m.at(o, i)};
    }
    if (const HrtfSet* set = setup_.spatial ? setup_.spatial->hrtf() : nullptr) {
        hrir_.emplace(set->taps());
        hrir_from_.assign(2 * set->taps(), 0.0f);
        hrir_to_.assign(2 * set->taps(), 0.0f);
    }
}

// The ears' filters at the block's end point to `direction`; those at its
// start are the previous block's end (computed again only when it moved).
void Voice::aim_hrir(const Vec3& direction) noexcept {
    std::swap(hrir_from_, hrir_to_);  // swaps the buffers, allocates nothing
    hrir_moved_ = direction != hrir_direction_;
    if (hrir_moved_) {
        const HrtfSet& set = *setup_.spatial->hrtf();
        set.filter_at(direction, hrir_to_.data(), hrir_to_.data() + set.taps());
        hrir_direction_ = direction;
    } else {
        hrir_to_ = hrir_from_;  // same size: a copy, no allocation
    }
}

// Pitch automation: the ratio at the block's end, glided to over the block
// (a 3D voice's doppler multiplies into it in update_spatial).
void Voice::follow_pitch(uint64_t t0, size_t frames) noexcept {
    const double unit = setup_.unit_ratio;
    if (!pitch_started_) {
        pitch_started_ = true;
        base_ratio_ = unit * setup_.pitch_envelope->at(t0);
        if (!setup_.spatial) varispeed_->jump_to_ratio(base_ratio_);
    }
    base_ratio_ = unit * setup_.pitch_envelope->at(t0 + frames);
    if (!setup_.spatial) varispeed_->set_ratio(base_ratio_);
}

float Voice::level_bound(uint64_t t0, size_t frames) noexcept {
    const uint64_t t1 = t0 + (frames ? frames - 1 : 0);
    float level = std::max(gain_.value(), gain_.target()) * std::max(pause_gain_.value(), pause_gain_.target());
    if (setup_.volume_db_envelope) level *= std::max(automated_gain(t0), automated_gain(t1));
    if (setup_.spatial && channels_ > 2) {
        float loudest = 0;
        for (uint32_t c = 0; c < channels_; ++c)
            loudest = std::max({loudest, (*speaker_gains_)[c].value(), (*speaker_gains_)[c].target()});
        level *= loudest;
    } else if (setup_.spatial) {
        level *= std::max({spatial_left_.value(), spatial_right_.value(), spatial_left_.target(), spatial_right_.target()});
        if (hrir_) level *= setup_.spatial->hrtf()->peak_gain();  // the ears' filters may amplify
    } else if (routes_) {
        // (no pan: the speakers' gains are at most 1)
    } else if (setup_.pan_envelope) {
        const StereoGain a = automated_pan(t0), b = automated_pan(t1);
        level *= std::max({a.left, a.right, b.left, b.right});
    } else {
        level *= std::max({pan_left_.value(), pan_right_.value(), pan_left_.target(), pan_right_.target()});
    }
    return level;
}

// Gains and doppler at the end of the `frames` starting at scene frame
// `first`, reached by ramps across them (the first block starts at its values).
void Voice::update_spatial(uint64_t first, size_t frames) noexcept {
    if (!spatial_started_) {
        spatial_started_ = true;
        const SpatialState now = setup_.spatial->at(first);
        spatial_left_.reset(now.gain.left);
        spatial_right_.reset(now.gain.right);
        for (uint32_t c = 0; c < channels_ && channels_ > 2; ++c) (*speaker_gains_)[c].reset(now.speakers[c]);
        if (varispeed_) varispeed_->jump_to_ratio(base_ratio_ * now.doppler);
        if (air_) {
            *air_ = SmoothedBiquad(air_filter(now.air_cutoff_hz, setup_.spatial->rate()));
            air_->prepare(setup_.spatial->rate());
        }
        if (hrir_) {
            hrir_direction_ = now.direction;
            const size_t taps = hrir_->taps();
            setup_.spatial->hrtf()->filter_at(now.direction, hrir_to_.data(), hrir_to_.data() + taps);
        }
    }
    const SpatialState end = setup_.spatial->at(first + frames);
    const auto n = static_cast<uint32_t>(frames);
    spatial_left_.set_ramp_frames(n);
    spatial_right_.set_ramp_frames(n);
    spatial_left_.set_target(end.gain.left);
    spatial_right_.set_target(end.gain.right);
    for (uint32_t c = 0; c < channels_ && channels_ > 2; ++c) {
        (*speaker_gains_)[c].set_ramp_frames(n);
        (*speaker_gains_)[c].set_target(end.speakers[c]);
    }
    if (varispeed_) varispeed_->set_ratio(base_ratio_ * end.doppler);
    if (air_) air_->follow(air_filter(end.air_cutoff_hz, setup_.spatial->rate()), frames);
    if (hrir_) aim_hrir(end.direction);
}

// A 3D voice: the source (through the air absorption low-pass and, with an
// HRTF set, made mono and through the ears' filters, in chunks on the stack)
// times the gains, the fades and the spatial gains. Over surround speakers
// the source is one point: a stereo file is heard as its mid, (L + R) / 2,
// in every channel at that channel's gain.
template <bool Add>
void Voice::render_spatial(const float* in, bool mono, float* out, size_t frames, uint64_t t0) noexcept {
    constexpr size_t kChunk = 256;
    float filtered[2 * kChunk];
    float ears[2 * kChunk];
    for (size_t base = 0; base < frames; base += kChunk) {
        const size_t n = std::min(kChunk, frames - base);
        const float* src = in + base * source_channels_;
        bool stereo_in = !mono;
        if (downmix_) {  // one point: its stereo downmix (then, as a stereo file, its mid or its sides)
            apply_downmix(*downmix_, std::span<const float>(src, n * source_channels_), std::span<float>(filtered, 2 * n));
            src = filtered;
        }
        if (air_) {
            for (size_t i = 0; i < n; ++i) {
                filtered[2 * i] = mono ? src[i] : src[2 * i];
                filtered[2 * i + 1] = mono ? src[i] : src[2 * i + 1];
            }
            air_->process(filtered, n);
            src = filtered;
            stereo_in = true;
        }
        if (hrir_) {
            // One point source: a stereo file is heard as its mid, (L + R) / 2.
            float* mid = filtered;  // in place: sample i is read before it is written
            for (size_t i = 0; i < n; ++i) mid[i] = stereo_in ? 0.5f * (src[2 * i] + src[2 * i + 1]) : src[i];
            const float* to = hrir_moved_ ? hrir_to_.data() : hrir_from_.data();
            hrir_->process(mid, n, hrir_from_.data(), to, ears, {base, frames});
            src = ears;
            stereo_in = true;
        }
        float gains[kChunk];
        automated_gains(gains, t0 + base, n);
        if (channels_ > 2) {
            const uint32_t w = channels_;
            float* dst = out + w * base;
            for (size_t i = 0; i < n; ++i) {
                const float g = gain_.next() * pause_gain_.next() * envelope(t0 + base + i) * gains[i];
                const float m = (stereo_in ? 0.5f * (src[2 * i] + src[2 * i + 1]) : src[i]) * g;
                for (uint32_t c = 0; c < w; ++c) put<Add>(dst[w * i + c], m * (*speaker_gains_)[c].next());
            }
            continue;
        }
        float* dst = out + 2 * base;
        for (size_t i = 0; i < n; ++i) {
            const uint64_t t = t0 + base + i;
            const float g = gain_.next() * pause_gain_.next() * envelope(t) * gains[i];
            const float l = stereo_in ? src[2 * i] : src[i];
            const float r = stereo_in ? src[2 * i + 1] : src[i];
            put<Add>(dst[2 * i], l * g * spatial_left_.next());
            put<Add>(dst[2 * i + 1], r * g * spatial_right_.next());
        }
    }
}

// A run of an automated voice (volume or pan envelope), at most kFillRun
// frames: each frame's gain and pan into arrays first (the envelopes a run
// at a time, EnvelopeCursor::fill; ramps and fades frame by frame only while
// one is under way), then one plain loop that mixes them, which vectorizes.
// Each frame's arithmetic is the same as the frame-by-frame mix's: l * g * pan.
template <bool Add>
void Voice::render_automated_run(const float* __restrict in, bool mono, float* __restrict out, size_t n, uint64_t t,
                                 bool fading) noexcept {
    float gains[EnvelopeCursor::kFillRun];
    float left[EnvelopeCursor::kFillRun], right[EnvelopeCursor::kFillRun];
    automated_gains(gains, t, n);
    if (fading || gain_.ramping()) {
        for (size_t i = 0; i < n; ++i) gains[i] = gain_.next() * pause_gain_.next() * envelope(t + i) * gains[i];
    } else {
        // No fade or ramp under way: their product is one number (the
        // fades' factor is 1 then, so the same bits).
        const float still = gain_.value() * pause_gain_.value();
        for (size_t i = 0; i < n; ++i) gains[i] = still * gains[i];
    }
    if (setup_.pan_envelope) {
        double pans[EnvelopeCursor::kFillRun];
        setup_.pan_envelope->fill(pans, t, n);
        pan_gains(setup_.pan_law, pans, left, right, n);
    } else if (pan_left_.ramping() || pan_right_.ramping()) {
        for (size_t i = 0; i < n; ++i) left[i] = pan_left_.next(), right[i] = pan_right_.next();
    } else {
        std::fill_n(left, n, pan_left_.value());
        std::fill_n(right, n, pan_right_.value());
    }
    // A pan envelope replaced live: from the pan before.
    for (size_t i = 0; i < n && pan_xfade_.ramping(); ++i) {
        const float x = pan_xfade_.next();
        left[i] += (pan_from_.left - left[i]) * x;
        right[i] += (pan_from_.right - right[i]) * x;
    }
    if constexpr (Add) mix_run_into(in, mono, out, gains, left, right, n);
    else mix_run_over(in, mono, out, gains, left, right, n);
}

template <bool Add>
void Voice::render_speakers(const float* in, float* out, size_t frames, uint64_t t0, bool fading) noexcept {
    const uint32_t w = channels_, c_in = source_channels_;
    float gains[EnvelopeCursor::kFillRun];
    for (size_t base = 0; base < frames; base += EnvelopeCursor::kFillRun) {
        const size_t n = std::min(EnvelopeCursor::kFillRun, frames - base);
        automated_gains(gains, t0 + base, n);
        const bool steady = !fading && !gain_.ramping();
        const float still = gain_.value() * pause_gain_.value();
        for (size_t i = base; i < base + n; ++i) {
            const float g = (steady ? still : gain_.next() * pause_gain_.next() * envelope(t0 + i)) * gains[i - base];
            const float* x = in + i * c_in;
            float* y = out + i * w;
            for (uint32_t o = 0; o < w; ++o) {
                // A channel the speaker plays whole is copied times the gain (1: the same bits).
                float v = 0.0f;
                for (uint32_t r = 0; r < routes_->count[o]; ++r) {
                    const Route& route = routes_->routes[o][r];
                    const float term = route.gain == 1.0f ? x[route.from] : x[route.from] * route.gain;
                    v = r == 0 ? term : v + term;
                }
                put<Add>(y[o], v * g);
            }
        }
    }
}

void Voice::feed_hrir(const float* in, size_t frames, bool mono) noexcept {
    constexpr size_t kChunk = 256;
    const size_t keep = hrir_->taps() - 1;  // only the last inputs matter
    float mid[kChunk];
    for (size_t base = frames > keep ? frames - keep : 0; base < frames; base += kChunk) {
        const size_t n = std::min(kChunk, frames - base);
        for (size_t i = 0; i < n; ++i) mid[i] = mono ? in[base + i] : 0.5f * (in[2 * (base + i)] + in[2 * (base + i) + 1]);
        hrir_->push(mid, n);
    }
}

// Linear fades: the first frame of a fade-in and the last frame of a fade-out
// are silent, and the gain moves by 1/F per frame in between.
float Voice::envelope(uint64_t t) const noexcept {
    float env = 1.0f;
    if (t < setup_.fade_in_frames)
        env = static_cast<float>(static_cast<double>(t) / static_cast<double>(setup_.fade_in_frames));
    if (setup_.fade_out_frames && setup_.end_frame) {
        const uint64_t length = *setup_.end_frame - setup_.start_frame;
        const uint64_t left = length - 1 - t;  // frames after this one
        if (left < setup_.fade_out_frames)
            env *= static_cast<float>(static_cast<double>(left) / static_cast<double>(setup_.fade_out_frames));
    }
    return env;
}

float Voice::automated_gain(uint64_t t) noexcept {
    return setup_.volume_db_envelope ? fast_db_to_gain(static_cast<float>(setup_.volume_db_envelope->at(t))) : 1.0f;
}

void Voice::automated_gains(float* out, uint64_t first, size_t count) noexcept {
    if (setup_.volume_db_envelope) setup_.volume_db_envelope->fill_gains(out, first, count);
    else std::fill_n(out, count, 1.0f);
}

StereoGain Voice::automated_pan(uint64_t t) noexcept {
    if (setup_.pan_envelope) return pan_gains(setup_.pan_law, setup_.pan_envelope->at(t));
    return {pan_left_.next(), pan_right_.next()};
}

VoiceSpan Voice::render(float* out_block, uint64_t block_start, size_t frames, float* scratch, bool add) noexcept {
    return add ? render_block<true>(out_block, block_start, frames, scratch)
               : render_block<false>(out_block, block_start, frames, scratch);
}

void Voice::add_send(size_t i, float* dst, const float* out, uint64_t first, size_t frames, uint32_t channels) noexcept {
    VoiceSetup::Send& send = setup_.sends[i];
    auto& automation = send.volume_db_envelope;
    mix_send(dst, out, frames, channels, send.gain, automation ? &*automation : nullptr, first - setup_.start_frame);
}

void Voice::ramp_gain(float gain, uint32_t frames) noexcept {
    if (releasing_) return;
    gain_.set_ramp_frames(frames);
    gain_.set_target(gain);
}

void Voice::release(uint32_t frames) noexcept {
    releasing_ = true;
    gain_.set_ramp_frames(frames);
    gain_.set_target(0.0f);
    if (state_ == State::pending) state_ = State::stopped;  // never heard: nothing to fade
}

void Voice::ramp_pan(StereoGain pan, uint32_t frames) noexcept {
    pan_left_.set_ramp_frames(frames);
    pan_right_.set_ramp_frames(frames);
    pan_left_.set_target(pan.left);
    pan_right_.set_target(pan.right);
}

void Voice::set_ratio(double ratio) noexcept {
    if (!varispeed_) return;
    base_ratio_ = ratio;
    if (!setup_.spatial) varispeed_->set_ratio(ratio);  // a 3D voice applies it with its doppler, next block
}

void Voice::set_paused(bool paused, uint32_t frames) noexcept {
    if (paused == pausing_) return;
    pausing_ = paused;
    pause_gain_.set_ramp_frames(frames);
    pause_gain_.set_target(paused ? 0.0f : 1.0f);
}

void Voice::move_source(const Vec3& position, const Vec3& velocity) noexcept {
    if (setup_.spatial) setup_.spatial->move_source(position, velocity);
}

void Voice::move_listener(const Vec3& position, const Vec3& velocity, const Vec3& direction, const Vec3& up) noexcept {
    if (setup_.spatial) setup_.spatial->move_listener(position, velocity, direction, up);
}

void Voice::replace_envelope(Automated which, std::optional<EnvelopeCursor>& incoming, uint32_t frames,
                             uint64_t now) noexcept {
    // Where the voice is on its timeline (before its start: nothing is heard yet, so nothing to crossfade).
    const bool started = state_ == State::playing && now >= setup_.start_frame;
    const uint64_t t = started ? now - setup_.start_frame : 0;
    switch (which) {
        case Automated::volume_db: {
            const float before = gain_.value() * automated_gain(t);
            std::swap(setup_.volume_db_envelope, incoming);
            if (releasing_) return;  // fading out: it keeps fading from where it is
            const float after = automated_gain(t);
            gain_.reset(started && after > 0 ? before / after : 1.0f);
            ramp_gain(1.0f, frames);
            return;
        }
        case Automated::pan: {
            StereoGain before = setup_.pan_envelope ? automated_pan(t) : StereoGain{pan_left_.value(), pan_right_.value()};
            if (pan_xfade_.ramping()) {  // still crossfading from an earlier one: from where that has got
                const float x = pan_xfade_.value();
                before = {before.left + (pan_from_.left - before.left) * x, before.right + (pan_from_.right - before.right) * x};
            }
            std::swap(setup_.pan_envelope, incoming);
            if (!started) return;
            pan_from_ = before;
            pan_xfade_.reset(1.0f);
            pan_xfade_.set_ramp_frames(frames);
            pan_xfade_.set_target(0.0f);
            return;
        }
        case Automated::pitch:
            if (!varispeed_) return;
            std::swap(setup_.pitch_envelope, incoming);
            if (started) pitch_started_ = true;  // glides from the ratio it has now
            return;
    }
}

void Voice::shift_timeline(uint64_t frames) noexcept {
    setup_.start_frame += frames;
    if (setup_.end_frame) *setup_.end_frame += frames;
}

template <bool Add>
VoiceSpan Voice::render_block(float* out_block, uint64_t block_start, size_t frames, float* scratch) noexcept {
    if (state_ == State::stopped) return {};
    if (releasing_ && !gain_.ramping()) {  // faded out
        state_ = State::stopped;
        return {};
    }
    if (pausing_ && !pause_gain_.ramping()) {
        if (releasing_) {  // stopped while held: already silent
            state_ = State::stopped;
            return {};
        }
        // Held: its timeline waits with it, so it resumes where it was.
        if (setup_.start_frame < block_start + frames) shift_timeline(frames);
        return {};
    }
    const uint64_t block_end = block_start + frames;
    if (setup_.start_frame >= block_end) return {};  // still pending
    const size_t offset = setup_.start_frame > block_start ? static_cast<size_t>(setup_.start_frame - block_start) : 0;
    uint64_t stop = block_end;
    if (setup_.end_frame) stop = std::min(stop, *setup_.end_frame);
    const uint64_t first = block_start + offset;
    if (stop <= first) {
        state_ = State::stopped;
        return {};
    }
    state_ = State::playing;
    const size_t want = static_cast<size_t>(stop - first);
    if (setup_.pitch_envelope && varispeed_) follow_pitch(first - setup_.start_frame, want);
    if (setup_.spatial) update_spatial(first, want);
    // Straight from where the source holds its frames, or copied out of it.
    const float* lent = setup_.source->lend(want);
    const size_t got = lent ? want : setup_.source->pull(scratch, want);
    if (setup_.virtual_below > 0 && level_bound(first - setup_.start_frame, want) < setup_.virtual_below) {
        // Virtual: read on, mix nothing (the ears' filters still hear the
        // input, so that the voice comes back mid-signal, not from stale history).
        if (hrir_) feed_hrir(lent ? lent : scratch, got, setup_.source->channels() == 1);
        if (got < want || (setup_.end_frame && first + got >= *setup_.end_frame)) state_ = State::stopped;
        return {};
    }
    // The source's memory and the bus block never overlap: let the loops vectorise.
    const float* __restrict in = lent ? lent : scratch;
    if (got < want || (setup_.end_frame && first + got >= *setup_.end_frame)) state_ = State::stopped;

    float* __restrict out = out_block + offset * channels_;
    const uint64_t t0 = first - setup_.start_frame;
    const bool fading = t0 < setup_.fade_in_frames ||
                        (setup_.fade_out_frames && setup_.end_frame &&
                         first + got + setup_.fade_out_frames > *setup_.end_frame) ||
                        pause_gain_.ramping() || pan_left_.ramping() || pan_right_.ramping();
    const bool mono = setup_.source->channels() == 1;
    const bool automated = setup_.volume_db_envelope || setup_.pan_envelope;
    if (setup_.spatial) {
        render_spatial<Add>(in, mono, out, got, t0);
        return {offset, got};
    }
    if (routes_) {
        render_speakers<Add>(in, out, got, t0, fading);
        return {offset, got};
    }
    if (automated) {
        for (size_t base = 0; base < got; base += EnvelopeCursor::kFillRun) {
            const size_t n = std::min(EnvelopeCursor::kFillRun, got - base);
            const size_t at = mono ? base : 2 * base;
            render_automated_run<Add>(in + at, mono, out + 2 * base, n, t0 + base, fading);
        }
        return {offset, got};
    }
    if (!fading && !gain_.ramping()) {
        // The common case: one constant gain per channel for the whole block.
        const float g = gain_.value() * pause_gain_.value();
        const float gl = g * pan_left_.value(), gr = g * pan_right_.value();
        if (mono) {
            for (size_t i = 0; i < got; ++i) {
                put<Add>(out[2 * i], in[i] * gl);
                put<Add>(out[2 * i + 1], in[i] * gr);
            }
        } else {
            for (size_t i = 0; i < got; ++i) {
                put<Add>(out[2 * i], in[2 * i] * gl);
                put<Add>(out[2 * i + 1], in[2 * i + 1] * gr);
            }
        }
        return {offset, got};
    }
    for (size_t i = 0; i < got; ++i) {
        const float g = gain_.next() * pause_gain_.next() * envelope(t0 + i);
        const float l = mono ? in[i] : in[2 * i];
        const float r = mono ? in[i] : in[2 * i + 1];
        put<Add>(out[2 * i], l * g * pan_left_.next());
        put<Add>(out[2 * i + 1], r * g * pan_right_.next());
    }
    return {offset, got};
}

}  // namespace simvx
