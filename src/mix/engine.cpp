#include "mix/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/denormal_guard.hpp"
#include "core/gain.hpp"
#include "core/speakers.hpp"
#include "dsp/frame_gain.hpp"
#include "mix/send_mix.hpp"

namespace simvx {
namespace {

constexpr float kSilence = 3.1622776e-5f;  // -90 dBFS

void add(float* dst, const float* src, size_t samples) noexcept {
    for (size_t i = 0; i < samples; ++i) dst[i] += src[i];
}

// `frames` frames of `width` channels: stereo's count of samples is known
// even, which keeps its loop as tight as before surround buses.
void add_frames(float* dst, const float* src, size_t frames, uint32_t width) noexcept {
    if (width == 2) add(dst, src, frames * 2);
    else add(dst, src, frames * width);
}

// Stereo frames onto the front pair (channels 0 and 1 of every layout) of
// `width`-channel frames, the other channels silent.
void onto_front_pair(float* dst, const float* stereo, size_t frames, uint32_t width) noexcept {
    for (size_t i = 0; i < frames; ++i) {
        float* f = dst + i * width;
        f[0] = stereo[2 * i];
        f[1] = stereo[2 * i + 1];
        std::fill(f + 2, f + width, 0.0f);
    }
}

// Each frame times a volume_db envelope's gain at its scene frame (from
// `first`), and times `fader`'s ramp where there is one (a bus's volume and
// mute), a run at a time.
void scale_by_envelope(float* audio, size_t frames, uint32_t width, EnvelopeCursor& envelope, uint64_t first,
                       GainRamp* fader) noexcept {
    float gains[EnvelopeCursor::kFillRun];
    for (size_t base = 0; base < frames; base += EnvelopeCursor::kFillRun) {
        const size_t n = std::min(EnvelopeCursor::kFillRun, frames - base);
        envelope.fill_gains(gains, first + base, n);
        if (fader) {
            float ramp[EnvelopeCursor::kFillRun];
            fader->fill(ramp, n);
            for (size_t i = 0; i < n; ++i) gains[i] = ramp[i] * gains[i];
        }
        scale_frames_by(audio + base * width, n, width, gains);
    }
}

}  // namespace

std::optional<uint64_t> scene_length(const EngineConfig& config, const std::vector<VoiceSetup>& voices) {
    if (config.duration_frames) return config.duration_frames;
    if (config.endless) return std::nullopt;
    uint64_t end = 0;
    for (const VoiceSetup& v : voices) {
        if (!v.end_frame) return std::nullopt;  // loops, or a live stream: not known (yet)
        end = std::max(end, *v.end_frame);
    }
    return end;
}

Engine::Engine(EngineConfig config, std::vector<VoiceSetup> voices, std::unique_ptr<RenderPlan> plan)
    : config_(config),
      stop_fade_(1.0f, static_cast<uint32_t>(std::max(1.0, config.stop_fade_seconds * config.output.rate))),
      pause_fade_(1.0f, static_cast<uint32_t>(std::max(1.0, config.stop_fade_seconds * config.output.rate))),
      listener_gain_(config.output_gain, static_cast<uint32_t>(std::max(1.0, 0.02 * config.output.rate))),
      seek_fade_(1.0f, static_cast<uint32_t>(std::max(1.0, config.stop_fade_seconds * config.output.rate))) {
    listener_gain_request_.store(listener_gain_.target(), std::memory_order_relaxed);
    width_ = bus_channels(config_.output.channels);
    const ProcessSpec spec{config_.output.rate, config_.max_block, width_};
    if (plan && plan->channels != width_)
        throw std::invalid_argument("a plan of " + std::to_string(plan->channels) + "-channel buses for a " +
                                    std::to_string(config_.output.channels) + "-channel output");
    plan_ = (plan ? std::move(plan) : master_only_plan(config_.master_gain, config_.master_mute, spec)).release();
    length_ = scene_length(config_, voices);
    if (length_) published_length_.store(*length_);
    // (An endless mix does not end with its streams either.)
    if (!config_.duration_frames && !config_.endless &&
        std::any_of(voices.begin(), voices.end(), [](auto& v) { return v.ends_with_source; })) {
        bool endless = false;
        for (const VoiceSetup& v : voices) {
            if (v.ends_with_source) continue;
            endless = endless || !v.end_frame;
            if (v.end_frame) known_end_ = std::max(known_end_, *v.end_frame);
        }
        open_ended_ = !endless;  // with a loop the scene never ends anyway
    }
    voices_.reserve(voices.size());
    for (auto& v : voices) check_fits(voices_.emplace_back(std::move(v)));
    next_id_ = voices_.size();
    std::vector<uint64_t> starts;
    starts.reserve(voices_.size());
    for (size_t i = 0; i < voices_.size(); ++i) {
        starts.push_back(voices_[i].setup().start_frame);
        if (voices_[i].setup().ends_with_source) stream_voices_.push_back(static_cast<uint32_t>(i));
    }
    playing_ = VoiceWindow(starts);
    filling_ = VoiceWindow(starts);
    extra_.reserve(kMaxAddedVoices);
    voice_out_.assign(static_cast<size_t>(config_.max_block) * width_, 0.0f);
    scratch_.assign(static_cast<size_t>(config_.max_block) * speaker::kMaxChannels, 0.0f);  // a source's frames: up to 8 channels
    // A block's steps: one per kStepFrames of it, and one more where it starts off the grid.
    steps_.resize(config_.max_block / EffectAutomation::kStepFrames + 2);
    step_params_.resize(steps_.size());
    if (width_ != 2) voice_wide_.assign(static_cast<size_t>(config_.max_block) * width_, 0.0f);
    if (config_.lfe_gain && LfeSend::has_lfe(width_))
        lfe_ = std::make_unique<LfeSend>(width_, config_.output.rate, *config_.lfe_gain, config_.lfe_cutoff_hz,
                                         config_.max_block);
    // Effects with tails ring out after the sounds end, unless a duration says otherwise.
    tail_mode_ = plan_->has_tail && !config_.duration_frames && length_.has_value();
    end_ = tail_mode_ ? std::nullopt : length_;
    position_.store(config_.start_frame);
    reached_.store(config_.start_frame);
    if (end_ && *end_ <= config_.start_frame) finished_.store(true);
    if (config_.output_limiter) {
        limiter_ = std::make_unique<TruePeakLimiter>(config_.output.channels, config_.output.rate, *config_.output_limiter);
        lead_left_ = dropped_left_ = flush_left_ = limiter_->latency();
        limiter_scratch_.assign(static_cast<size_t>(config_.max_block) * config_.output.channels, 0.0f);
    }
}

Engine::~Engine() {
    collect_retired();
    for (EnvelopeSwap e; envelope_swaps_.pop(e);) delete e.held;
    delete pending_.exchange(nullptr);
    delete fading_;
    delete plan_;
}

void Engine::check_fits(const Voice& v) const {
    if (v.channels() != 2 && v.channels() != width_)
        throw std::invalid_argument("a voice panned over " + std::to_string(v.channels()) + " speakers on " +
                                    std::to_string(width_) + "-channel buses");
}

void Engine::replace_plan(std::unique_ptr<RenderPlan> plan, uint32_t crossfade_frames) {
    if (plan->channels != width_)
        throw std::invalid_argument("a plan of " + std::to_string(plan->channels) + "-channel buses replacing " +
                                    std::to_string(width_) + "-channel ones");
    collect_retired();
    plan->crossfade_in = crossfade_frames;
    delete pending_.exchange(plan.release(), std::memory_order_acq_rel);  // a plan never adopted is simply dropped
}

void Engine::collect_retired() {
    RenderPlan* old = nullptr;
    while (retired_.pop(old)) delete old;
    for (std::optional<EnvelopeCursor>* e = nullptr; retired_envelopes_.pop(e);) delete e;
    for (Extra e; stopped_extra_.pop(e);) {
        Voice* v = e.voice;
        const auto it = std::find_if(owned_extra_.begin(), owned_extra_.end(), [v](auto& o) { return o.get() == v; });
        if (it == owned_extra_.end()) continue;  // cannot happen: each is handed back once
        if (auto err = v->setup().source->error(); !err.empty()) freed_errors_.push_back(std::move(err));
        freed_underruns_.fetch_add(v->setup().source->underruns(), std::memory_order_relaxed);
        owned_extra_.erase(it);
        if (keep_ended_) ended_ids_.push_back(e.id);
    }
}

void Engine::take_applied(std::vector<AppliedEdit>& out) {
    for (AppliedEdit a; applied_.pop(a);) out.push_back(a);
}

void Engine::take_ended_voices(std::vector<size_t>& out) {
    collect_retired();
    out.insert(out.end(), ended_ids_.begin(), ended_ids_.end());
    ended_ids_.clear();
}

void Engine::report_applied(uint64_t serial, uint64_t frame) noexcept {
    const AppliedEdit a{serial, frame, frame + clock_offset_.load(std::memory_order_relaxed),
                        held_.load(std::memory_order_relaxed)};
    if (!applied_.push(a)) applied_lost_.fetch_add(1, std::memory_order_relaxed);
}

void Engine::adopt_pending_plan() noexcept {
    if (fading_) return;  // one crossfade at a time: the next plan waits for this one to end
    // Room to retire the current plan first, so the new one is never taken without it.
    if (!pending_.load(std::memory_order_acquire) || retired_.writable() == 0) return;
    RenderPlan* next = pending_.exchange(nullptr, std::memory_order_acq_rel);
    if (!next) return;
    if (next->crossfade_in) {
        fading_ = plan_;  // retired when the crossfade ends
        crossfade_total_ = next->crossfade_in;
        crossfade_done_ = 0;
    } else {
        retired_.push(plan_);
    }
    plan_ = next;
}

// Every queued edit takes the next serial, and only when it fits.
template <typename Edit>
bool Engine::queue(SpscRing<Edit>& ring, Edit edit) {
    collect_retired();
    edit.serial = serial_ + 1;
    if (!ring.push(edit)) return false;
    ++serial_;
    return true;
}

bool Engine::send(Command c) { return queue(commands_, c); }

size_t Engine::command_room() {
    collect_retired();
    return commands_.writable();
}

size_t Engine::effect_update_room() {
    collect_retired();
    return effect_updates_.writable();
}

size_t Engine::voice_room() {
    collect_retired();
    return std::min(added_.writable(), kMaxAddedVoices - owned_extra_.size());
}

bool Engine::ramp_bus_gain(size_t bus, float gain, uint32_t frames) {
    return send({Command::Kind::bus_gain, static_cast<uint32_t>(bus), frames, gain});
}

bool Engine::update_effect(size_t bus, size_t effect, const EffectParams& params) {
    return queue(effect_updates_, EffectUpdate{static_cast<uint32_t>(bus), static_cast<uint32_t>(effect), params});
}

bool Engine::ramp_voice_gain(size_t voice, float gain, uint32_t frames) {
    return send({Command::Kind::voice_gain, static_cast<uint32_t>(voice), frames, gain});
}

bool Engine::release_voice(size_t voice, uint32_t frames) {
    return send({Command::Kind::voice_release, static_cast<uint32_t>(voice), frames, 0});
}

bool Engine::move_voice(size_t voice, const Vec3& position, const Vec3& velocity) {
    return queue(moves_, Move{.voice = static_cast<uint32_t>(voice), .position = position, .velocity = velocity});
}

bool Engine::replace_voice_envelope(size_t voice, Voice::Automated which, EnvelopeCursor envelope, uint32_t frames) {
    auto* held = new std::optional<EnvelopeCursor>(std::move(envelope));
    const EnvelopeSwap swap{.voice = static_cast<uint32_t>(voice), .frames = frames, .which = which, .held = held};
    if (queue(envelope_swaps_, swap)) return true;
    delete held;
    return false;
}

bool Engine::move_listener(const Vec3& position, const Vec3& velocity, const Vec3& direction, const Vec3& up) {
    return queue(moves_, Move{.position = position, .velocity = velocity, .direction = direction, .up = up});
}

bool Engine::queue_stop() { return send({.kind = Command::Kind::stop}); }

bool Engine::queue_pause(bool paused) { return send({.kind = Command::Kind::mix_pause, .value = paused ? 1.0 : 0.0}); }

bool Engine::queue_seek(uint64_t to, std::vector<VoiceSetup> voices) {
    if (seek_in_flight() || voice_room() < voices.size() || commands_.writable() == 0) return false;
    // The voices go first, marked with the seek they belong to: the render
    // thread takes them in at once but keeps them silent until it lands.
    const uint64_t seek = seeks() + 1;
    std::vector<std::unique_ptr<Voice>> made;
    for (auto& setup : voices) check_fits(*made.emplace_back(std::make_unique<Voice>(std::move(setup))));
    for (auto& voice : made) {
        owned_extra_.push_back(std::move(voice));
        added_.push(Extra{next_id_++, owned_extra_.back().get(), ++serial_, seek});  // fits: voice_room() looked
    }
    seek_in_flight_.store(true, std::memory_order_release);
    return send({.kind = Command::Kind::seek, .to = to});  // fits: writable() looked
}

uint64_t Engine::frames_until_seek_lands() const noexcept {
    if (!seek_in_flight()) return 0;
    if (!seeking_ || !seek_fade_.ramping()) return 1;  // applied (or landed) at the next block's start
    return seek_fade_.remaining();
}

bool Engine::ramp_voice_pan(size_t voice, StereoGain pan, uint32_t frames) {
    return send({Command::Kind::voice_pan, static_cast<uint32_t>(voice), frames, pan.left, pan.right});
}

bool Engine::set_voice_ratio(size_t voice, double ratio) {
    return send({.kind = Command::Kind::voice_ratio, .target = static_cast<uint32_t>(voice), .value = ratio});
}

bool Engine::pause_voice(size_t voice, bool paused, uint32_t frames) {
    return send({.kind = Command::Kind::voice_pause, .target = static_cast<uint32_t>(voice), .frames = frames,
                 .value = paused ? 1.0 : 0.0});
}

std::optional<size_t> Engine::add_voice(VoiceSetup setup) {
    if (voice_room() == 0) return std::nullopt;
    auto voice = std::make_unique<Voice>(std::move(setup));
    check_fits(*voice);
    owned_extra_.push_back(std::move(voice));
    const size_t id = next_id_++;
    added_.push(Extra{id, owned_extra_.back().get(), ++serial_});  // fits: voice_room() looked
    return id;
}

Voice* Engine::voice_by_id(size_t id) noexcept {
    if (id < voices_.size()) return &voices_[id];
    for (const Extra& e : extra_)
        if (e.id == id) return e.voice;
    return nullptr;  // not added yet, or stopped and handed back: nothing to do
}

// Render thread: added voices that have stopped go back to the control thread
// to be freed (in order, so the mix sums in the same order as before). One that
// does not fit in the ring stays, silent, until a later block.
void Engine::hand_back_stopped_voices() noexcept {
    size_t kept = 0;
    for (const Extra& e : extra_)
        if (e.voice->state() != Voice::State::stopped || !stopped_extra_.push(e)) extra_[kept++] = e;
    extra_.resize(kept);  // shrinks: never allocates
}

// Render thread, at the start of a block: voices added, then the edits in
// order, up to a seek: what comes after it waits until it has landed.
void Engine::apply_commands() noexcept {
    if (seeking_) return;
    const uint64_t pos = position_.load(std::memory_order_relaxed);
    for (EffectUpdate u; effect_updates_.pop(u);) {
        report_applied(u.serial, pos);
        if (u.bus >= plan_->slot_of.size()) continue;
        auto& effects = plan_->buses[plan_->slot_of[u.bus]].effects;
        if (u.effect < effects.size()) effects[u.effect].processor->update(u.params);
    }
    if (!extra_.empty()) hand_back_stopped_voices();
    for (Extra e; extra_.size() < extra_.capacity() && added_.pop(e);) {
        report_applied(e.serial, pos);
        // A voice played "now" counts its timeline from this block.
        if (e.voice->setup().start_on_arrival) e.voice->shift_timeline(pos + clock_offset_.load(std::memory_order_relaxed));
        extra_.push_back(e);
    }
    apply_envelope_swaps(pos);
    for (Move m; moves_.pop(m);) {
        report_applied(m.serial, pos);
        if (m.voice != Move::kListener) {
            if (Voice* v = voice_by_id(m.voice)) v->move_source(m.position, m.velocity);
            continue;
        }
        for (Voice& v : voices_) v.move_listener(m.position, m.velocity, m.direction, m.up);
        for (const Extra& e : extra_) e.voice->move_listener(m.position, m.velocity, m.direction, m.up);
    }
    for (Command c; commands_.pop(c);) {
        report_applied(c.serial, pos);
        switch (c.kind) {
            case Command::Kind::bus_gain:
                for (RenderPlan* p : {plan_, fading_}) {
                    if (!p || c.target >= p->slot_of.size()) continue;
                    GainRamp& g = p->buses[p->slot_of[c.target]].gain;
                    g.set_ramp_frames(c.frames);
                    g.set_target(c.gain);
                }
                break;
            case Command::Kind::voice_gain:
                if (Voice* v = voice_by_id(c.target)) v->ramp_gain(c.gain, c.frames);
                break;
            case Command::Kind::voice_release:
                if (Voice* v = voice_by_id(c.target)) v->release(c.frames);
                break;
            case Command::Kind::voice_pan:
                if (Voice* v = voice_by_id(c.target)) v->ramp_pan({c.gain, c.gain2}, c.frames);
                break;
            case Command::Kind::voice_ratio:
                if (Voice* v = voice_by_id(c.target)) v->set_ratio(c.value);
                break;
            case Command::Kind::voice_pause:
                if (Voice* v = voice_by_id(c.target)) v->set_paused(c.value != 0, c.frames);
                break;
            case Command::Kind::stop: stop_requested_.store(true, std::memory_order_relaxed); break;
            case Command::Kind::mix_pause: pause_requested_.store(c.value != 0, std::memory_order_relaxed); break;
            case Command::Kind::seek: start_seek(c.to); return;
        }
    }
}

// Each swap is taken only when its envelope can go back to be freed.
void Engine::apply_envelope_swaps(uint64_t pos) noexcept {
    const uint64_t clock = pos + clock_offset_.load(std::memory_order_relaxed);
    for (EnvelopeSwap e; retired_envelopes_.writable() > 0 && envelope_swaps_.pop(e);) {
        report_applied(e.serial, pos);
        if (Voice* v = voice_by_id(e.voice)) {
            // The frame the voice's coming block starts at, as render_block() gives it.
            const bool scene_voice = e.voice < voices_.size();
            const auto extra = std::find_if(extra_.begin(), extra_.end(), [&](const Extra& x) { return x.voice == v; });
            const uint64_t now = scene_voice || (extra != extra_.end() && extra->seek) ? pos : clock;
            v->replace_envelope(e.which, *e.held, e.frames, now);
        }
        retired_envelopes_.push(e.held);
    }
}

// A seek fades the output out (unless a pause already has), then lands.
void Engine::start_seek(uint64_t to) noexcept {
    seeking_ = true;
    seek_to_ = end_ ? std::min(to, *end_) : to;
    if (!(pause_target_ && !pause_fade_.ramping())) seek_fade_.set_target(0.0f);
}

// The jump, between two blocks while nothing is heard: the scene's sounds
// of the last seek (or the constructor's) stop, those of this one start, the
// voice clock runs on, and effects forget the sound from before.
void Engine::land_seek() noexcept {
    const uint64_t pos = position_.load(std::memory_order_relaxed);
    clock_offset_.store(clock_offset_.load(std::memory_order_relaxed) + pos - seek_to_, std::memory_order_relaxed);
    position_.store(seek_to_, std::memory_order_relaxed);
    const uint64_t seek = seeks_.load(std::memory_order_relaxed) + 1;
    for (Voice& v : voices_) v.stop_now();
    for (const Extra& e : extra_)
        if (e.seek != 0 && e.seek < seek) e.voice->stop_now();
    seeks_.store(seek, std::memory_order_release);
    for (RenderPlan* p : {plan_, fading_})
        if (p)
            for (auto& bus : p->buses)
                for (auto& e : bus.effects) e.processor->reset();
    if (lfe_) lfe_->reset();
    // Paused, the resume fades in; otherwise this fade does.
    if (pause_target_) seek_fade_.reset(1.0f);
    else seek_fade_.set_target(1.0f);
    seeking_ = false;
    if (end_ && seek_to_ >= *end_) finished_.store(true, std::memory_order_release);
    seek_in_flight_.store(false, std::memory_order_release);
}

bool Engine::wait_for_sources(size_t frames, double timeout_s) {
    // An output limiter's first render() also renders its lookahead (engine_limit.cpp);
    // only an offline render has one, which calls this on the render's own thread.
    frames += lead_left_;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    const uint64_t pos = position();
    // Voices count in scene time or in the voice clock (added while playing);
    // the later of the two fills no voice too late.
    const uint64_t now = clock(), ahead = now > pos ? now - pos : 0;
    auto needed = [&](const Voice& v, uint64_t until) {
        return v.state() != Voice::State::stopped && v.setup().start_frame < until + ahead;
    };
    // The scene's voices that may need filling: started by the farther of
    // the two horizons below, not stopped. The stopped ones go, with their
    // sources' errors.
    filling_.admit(pos + 2 * frames + ahead);
    filling_.drop_if([&](uint32_t i) {
        const Voice& v = voices_[i];
        if (v.state() != Voice::State::stopped) return false;
        if (auto e = v.setup().source->error(); !e.empty()) finished_errors_.push_back(std::move(e));
        return true;
    });
    auto fillable = [&](uint64_t until) {
        to_fill_.clear();
        for (const uint32_t i : filling_.voices())
            if (needed(voices_[i], until) && voices_[i].setup().source->fillable())
                to_fill_.push_back(voices_[i].setup().source.get());
        for (const auto& v : owned_extra_)
            if (needed(*v, until) && v->setup().source->fillable()) to_fill_.push_back(v->setup().source.get());
        return std::span<VoiceSource* const>(to_fill_);
    };
    // Sources that decode on this thread first, on both cores (taking over what was decoded ahead)...
    filler_.fill(fillable(pos + frames), frames);
    // ... then those with threads of their own.
    auto wait = [&](const Voice& v) {
        if (!needed(v, pos + frames)) return true;
        while (!v.setup().source->ready(frames)) {
            // A stop (Ctrl-C) must not wait for a live producer that may never write again.
            if (std::chrono::steady_clock::now() > deadline || stop_requested_.load(std::memory_order_relaxed)) return false;
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        return true;
    };
    for (const uint32_t i : filling_.voices())
        if (!wait(voices_[i])) return false;
    for (const auto& v : owned_extra_)
        if (!wait(*v)) return false;
    // The next `frames` decode on the other core while the caller renders these.
    filler_.start_prefetch(fillable(pos + 2 * frames), frames);
    return true;
}

std::vector<std::string> Engine::source_errors() const {
    std::vector<std::string> errors = finished_errors_;
    auto check = [&](const Voice& v) {
        if (auto e = v.setup().source->error(); !e.empty()) errors.push_back(std::move(e));
    };
    for (const uint32_t i : filling_.voices()) check(voices_[i]);
    // Voices that have started since wait_for_sources() last looked (a live
    // mix calls it before it starts only).
    filling_.for_each_unadmitted_before(reached_.load(std::memory_order_relaxed), [&](uint32_t i) { check(voices_[i]); });
    for (const auto& v : owned_extra_) check(*v);
    errors.insert(errors.end(), freed_errors_.begin(), freed_errors_.end());
    return errors;
}

uint64_t Engine::underruns() const noexcept {
    uint64_t n = 0;
    for (const Voice& v : voices_) n += v.setup().source->underruns();
    for (const auto& v : owned_extra_) n += v->setup().source->underruns();
    return n + freed_underruns_.load(std::memory_order_relaxed);
}

size_t Engine::render(std::span<float> out) noexcept {
    return limiter_ ? render_limited(out) : render_scene(out);
}

size_t Engine::render_scene(std::span<float> out) noexcept {
    DenormalGuard guard;
    const uint32_t ch = config_.output.channels;
    const size_t want = out.size() / ch;
    size_t done = 0;
    while (done < want && !finished_.load(std::memory_order_relaxed)) {
        adopt_pending_plan();
        apply_commands();  // (held until a seek under way lands)
        const uint64_t pos = position_.load(std::memory_order_relaxed);
        if (!stopping_ && stop_requested_.load(std::memory_order_relaxed)) {
            stopping_ = true;
            stop_fade_.set_target(0.0f);
            const uint64_t fade_end = pos + static_cast<uint64_t>(config_.stop_fade_seconds * config_.output.rate) + 1;
            end_ = end_ ? std::min(*end_, fade_end) : fade_end;
            tail_mode_ = false;
        }
        if (const bool p = pause_requested_.load(std::memory_order_relaxed); p != pause_target_) {
            pause_target_ = p;
            pause_fade_.set_target(p ? 0.0f : 1.0f);
        }
        const bool silent = pause_target_ && !pause_fade_.ramping();
        if (seeking_ && silent) land_seek();  // nothing is heard: no fade needed
        if (silent != faded_out_.load(std::memory_order_relaxed)) faded_out_.store(silent, std::memory_order_release);
        if (silent && !stopping_) {
            // Paused and faded out: silence, and scene time stands still
            // (counted, so that a replay holds it as long).
            std::fill(out.begin() + static_cast<std::ptrdiff_t>(done * ch), out.begin() + static_cast<std::ptrdiff_t>(want * ch), 0.0f);
            held_.store(held_.load(std::memory_order_relaxed) + (want - done), std::memory_order_relaxed);
            done = want;
            break;
        }
        // Blocks end on multiples of max_block in scene time, whatever the
        // sink asks for: what is evaluated per block (3D gains and doppler)
        // then falls on the same frames in a render from --start-at, in a
        // seek and in playback at any period size.
        size_t n = std::min<size_t>(want - done, config_.max_block - pos % config_.max_block);
        // A pause fade ends on a block boundary, so that scene time stops exactly where the sound did.
        if (pause_target_ && pause_fade_.ramping()) n = std::min<size_t>(n, pause_fade_.remaining());
        if (seeking_ && seek_fade_.ramping()) n = std::min<size_t>(n, seek_fade_.remaining());  // lands on a block boundary
        if (end_) n = static_cast<size_t>(std::min<uint64_t>(n, *end_ - pos));
        float* block = out.data() + done * ch;
        render_block(block, n);
        bool ended = end_ && pos + n >= *end_;
        if (open_ended_) on_streams_ended(pos, n, ended);
        if (tail_mode_ && pos + n > *length_) {
            const size_t from = pos < *length_ ? static_cast<size_t>(*length_ - pos) : 0;
            if (const auto k = tail_end(block, from, n)) {
                n = *k;  // the frames after the tail's end are not part of the output
                ended = true;
            }
        }
        deliver_block(block, n);  // the buses still hold this block
        done += n;
        position_.store(pos + n, std::memory_order_relaxed);
        if (pos + n > reached_.load(std::memory_order_relaxed)) reached_.store(pos + n, std::memory_order_relaxed);
        if (n) held_.store(0, std::memory_order_relaxed);
        if (ended) finished_.store(true, std::memory_order_release);
        else if (seeking_ && !seek_fade_.ramping()) land_seek();
    }
    return done;
}

// Once every live stream has ended, the length is known: the later of the
// streams' end and the other sounds'. The block just rendered may reach past
// it (a stream ended inside it): those frames are not part of the output.
void Engine::on_streams_ended(uint64_t block_start, size_t& frames, bool& ended) noexcept {
    for (const uint32_t i : stream_voices_)
        if (voices_[i].state() != Voice::State::stopped) return;
    open_ended_ = false;
    length_ = std::max(known_end_, streams_end_);
    published_length_.store(*length_, std::memory_order_release);
    tail_mode_ = plan_->has_tail && !stopping_;
    if (!tail_mode_) {
        end_ = end_ ? std::min(*end_, *length_) : *length_;
        if (block_start + frames >= *end_) {
            frames = static_cast<size_t>(std::max(*end_, block_start) - block_start);
            ended = true;
        }
    }
}

uint64_t Engine::tail_quiet_target() const noexcept {
    return static_cast<uint64_t>(config_.tail_silence_seconds * config_.output.rate);
}

// Tails end once the output has stayed below -90 dBFS for tail_silence_seconds
// and the longest tail the effects announce has passed (a delay's echoes have
// silent gaps longer than that window), or after tail_max_seconds. Scans frames [from, frames) of the block just
// rendered; when the tail ends there, returns how many frames of the block
// belong to the output.
std::optional<size_t> Engine::tail_end(const float* out, size_t from, size_t frames) noexcept {
    const uint32_t ch = config_.output.channels;
    const uint64_t start = position_.load(std::memory_order_relaxed);
    const auto max_tail = static_cast<uint64_t>(config_.tail_max_seconds * config_.output.rate);
    for (size_t i = from; i < frames; ++i) {
        bool quiet = true;
        for (uint32_t c = 0; c < ch; ++c) quiet = quiet && std::fabs(out[i * ch + c]) < kSilence;
        quiet_frames_ = quiet ? quiet_frames_ + 1 : 0;
        const uint64_t elapsed = start + i + 1 - *length_;
        if ((quiet_frames_ >= tail_quiet_target() && elapsed >= std::min(plan_->tail_hint, max_tail)) ||
            elapsed >= max_tail)
            return i + 1;
    }
    return std::nullopt;
}

// One voice into its bus (and its sends) of `plan`. A voice without sends
// that renders the bus format mixes straight into its bus; one with sends
// renders once and is added to each. A stereo voice on surround buses plays
// on the front pair.
void Engine::render_voice(RenderPlan& plan, Voice& v, uint64_t pos, size_t frames) noexcept {
    RenderPlan::Bus& bus = plan.buses[plan.slot_of[v.setup().bus]];
    const uint32_t channels = v.channels();
    const bool direct = channels == width_ && v.setup().sends.empty() && bus.input_open;
    const VoiceSpan span = direct ? v.render(bus.buffer.data(), pos, frames, scratch_.data(), true)
                                  : v.render(voice_out_.data(), pos, frames, scratch_.data());
    // How far live streams have got: the scene's length once they have all ended.
    if (v.setup().ends_with_source && span.count) streams_end_ = std::max(streams_end_, pos + span.offset + span.count);
    if (direct) return;
    if (!span.count || !bus.input_open) return;  // not heard: another bus is soloed
    const float* src = voice_out_.data() + span.offset * channels;
    if (channels != width_) {
        float* wide = voice_wide_.data() + span.offset * width_;
        onto_front_pair(wide, src, span.count, width_);
        src = wide;
    }
    const size_t at = span.offset * width_;
    add_frames(bus.buffer.data() + at, src, span.count, width_);
    for (size_t i = 0; i < v.setup().sends.size(); ++i)
        v.add_send(i, plan.buses[plan.slot_of[v.setup().sends[i].bus]].buffer.data() + at, src, pos + span.offset,
                   span.count, width_);
}

// An effect over the block. An automated gain effect (EffectType::volume_param)
// is its envelope's gain on every sample. Another automated one gets the
// block in steps that end on multiples of EffectAutomation::kStepFrames of
// scene time (the same frames whatever the block size or --start-at), each
// gliding to the envelopes' values at its end where they may have moved past
// their hold (EffectAutomation::due()); all the block's steps at once
// (Processor::process_steps).
void Engine::process_effect(BusSetup::Effect& e, uint64_t pos, float* audio, size_t frames, const float* key,
                            uint32_t width) noexcept {
    if (e.volume_db_envelope) {
        scale_by_envelope(audio, frames, width, *e.volume_db_envelope, pos, nullptr);
        return;
    }
    if (!e.automation) {
        e.processor->process(audio, frames, key);
        return;
    }
    constexpr uint32_t step = EffectAutomation::kStepFrames;
    const uint64_t end = pos + frames;
    size_t count = 0;
    for (size_t done = 0; done < frames;) {
        const uint64_t at = pos + done;
        // To the step's end (or the block's); steps before the first due one
        // take nothing new, and go as one piece (which changes no bit).
        uint64_t to = at + (step - at % step);
        const uint64_t due_at = e.automation->next_due();
        const uint64_t due_end = (due_at + step - 1) / step * step;  // the due step's end
        if (due_at > end) to = end;
        else if (due_end >= step) to = std::max(to, due_end - step);
        const auto n = static_cast<uint32_t>(std::min(to, end) - at);
        AutomationStep& s = steps_[count];
        s = {static_cast<uint32_t>(done), n, nullptr};
        if (e.automation->due(at + n)) {
            step_params_[count] = e.automation->at(at + n);
            s.params = &step_params_[count];
        }
        done += n;
        // (Offsets count from the block's start, so a block longer than max_block goes in parts.)
        if (++count == steps_.size() || done == frames) {
            e.processor->process_steps(audio, key, width, std::span<const AutomationStep>(steps_.data(), count));
            count = 0;
        }
    }
}

// Buses in render order: effects, volume, then into the parent and sends.
// `pos` is the block's first scene frame (bus automation's time).
void Engine::process_buses(RenderPlan& plan, uint64_t pos, size_t frames) noexcept {
    const uint32_t width = plan.channels;
    const size_t samples = frames * width;
    for (size_t slot = 0; slot < plan.buses.size(); ++slot) {
        RenderPlan::Bus& bus = plan.buses[slot];
        float* b = bus.buffer.data();
        if (!bus.bypass_effects)
            for (auto& e : bus.effects)
                if (e.enabled)
                    process_effect(e, pos, b, frames, e.key ? plan.buses[*e.key].key_buffer.data() : nullptr, width);
        if (!bus.key_buffer.empty()) std::copy_n(b, samples, bus.key_buffer.begin());  // before the fader
        if (bus.volume_db_envelope) {
            scale_by_envelope(b, frames, width, *bus.volume_db_envelope, pos, &bus.gain);
        } else if (bus.gain.ramping() || bus.gain.value() != 1.0f) {
            // Unity gain multiplies by nothing, which keeps the identity render bit-exact.
            scale_frames(b, frames, width, [&] { return bus.gain.next(); });
        }
        if (slot == plan.output || !bus.output_open) continue;
        if (bus.parent) add_frames(plan.buses[*bus.parent].buffer.data(), b, frames, width);
        for (auto& send : bus.sends) {
            auto& automation = send.volume_db_envelope;
            mix_send(plan.buses[send.bus].buffer.data(), b, frames, width, send.gain,
                     automation ? &*automation : nullptr, pos);
        }
    }
}

void Engine::render_block(float* out, size_t frames) noexcept {
    RenderPlan& plan = *plan_;
    const uint64_t pos = position_.load(std::memory_order_relaxed);
    const size_t samples = frames * width_;
    for (auto& bus : plan.buses) std::fill_n(bus.buffer.begin(), samples, 0.0f);
    playing_.admit(pos + frames);
    for (const uint32_t i : playing_.voices()) render_voice(plan, voices_[i], pos, frames);
    playing_.drop_if([&](uint32_t i) { return voices_[i].state() == Voice::State::stopped; });
    const uint64_t clock = pos + clock_offset_.load(std::memory_order_relaxed);
    for (const Extra& e : extra_)
        if (renders_now(e)) render_voice(plan, *e.voice, e.seek ? pos : clock, frames);

    // A plan being replaced with a crossfade hears the same bus inputs (matched
    // by bus index) and runs its own effects, so its tails and state carry on.
    if (fading_) {
        for (auto& bus : fading_->buses) {
            const float* in = bus.index < plan.slot_of.size() ? plan.buses[plan.slot_of[bus.index]].buffer.data() : nullptr;
            if (in) std::copy_n(in, samples, bus.buffer.begin());
            else std::fill_n(bus.buffer.begin(), samples, 0.0f);
        }
    }
    process_buses(plan, pos, frames);
    if (fading_) {
        process_buses(*fading_, pos, frames);
        float* m = plan.buses[plan.output].buffer.data();
        const float* old = fading_->buses[fading_->output].buffer.data();
        const float total = static_cast<float>(crossfade_total_);
        for (size_t i = 0; i < frames; ++i) {
            const float x = crossfade_done_ < crossfade_total_ ? static_cast<float>(crossfade_done_++) / total : 1.0f;
            for (uint32_t c = 0; c < width_; ++c) {
                const size_t k = i * width_ + c;
                m[k] = m[k] * x + old[k] * (1.0f - x);
            }
        }
        if (crossfade_done_ >= crossfade_total_ && retired_.push(fading_)) fading_ = nullptr;
    }

    // Master → output, through the LFE send, the stop and pause fades and the listener's volume.
    float* m = plan.buses[plan.output].buffer.data();
    if (lfe_) lfe_->process(m, frames);
    apply_output_gains(m, frames);
    if (config_.output.channels == width_) {
        std::copy_n(m, samples, out);
    } else {
        // A mono output averages the two sides (a centred mono sound stays unchanged).
        for (size_t i = 0; i < frames; ++i) out[i] = (m[2 * i] + m[2 * i + 1]) * 0.5f;
    }
    if (!limiter_) count_overs(out, frames * config_.output.channels);  // else counted after the limiter
}

void Engine::count_overs(const float* out, size_t samples) noexcept {
    uint64_t over = 0;
    for (size_t i = 0; i < samples; ++i) over += std::fabs(out[i]) > 1.0f;
    if (over) over_.fetch_add(over, std::memory_order_relaxed);
}

void Engine::start_paused() noexcept {
    pause_requested_.store(true, std::memory_order_relaxed);
    pause_target_ = true;
    pause_fade_.reset(0.0f);
}

void Engine::apply_output_gains(float* m, size_t frames) noexcept {
    if (const float g = listener_gain_request_.load(std::memory_order_relaxed); g != listener_gain_.target())
        listener_gain_.set_target(g);
    const bool ramping = stop_fade_.ramping() || pause_fade_.ramping() || seek_fade_.ramping() || listener_gain_.ramping();
    const float steady = stop_fade_.value() * pause_fade_.value() * seek_fade_.value() * listener_gain_.value();
    if (!ramping && steady == 1.0f) return;  // unity multiplies by nothing: the identity render stays bit-exact
    scale_frames(m, frames, width_, [&] {
        return ramping ? stop_fade_.next() * pause_fade_.next() * seek_fade_.next() * listener_gain_.next() : steady;
    });
}


}  // namespace simvx
