// The mixing engine: voices → buses (effects, volume, routing) → Master →
// output frames, pulled in any block size by whichever sink is running (file,
// null clock, PulseAudio). The same render() serves offline renders and live
// playback.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/realtime.hpp"
#include "core/audio_spec.hpp"
#include "core/spsc_ring.hpp"
#include "dsp/effect_params.hpp"
#include "dsp/lfe_send.hpp"
#include "mix/bus_tap.hpp"
#include "dsp/ramp.hpp"
#include "dsp/true_peak_limiter.hpp"
#include "mix/render_plan.hpp"
#include "mix/source_filler.hpp"
#include "mix/voice.hpp"
#include "mix/voice_window.hpp"

namespace simvx {

struct EngineConfig {
    AudioSpec output;                          // channels 1, 2, 4, 6 or 8 (buses: bus_channels())
    uint32_t max_block = 1024;                 // internal block size (frames)
    std::optional<uint64_t> duration_frames;   // overrides the length rule
    uint64_t start_frame = 0;                  // scene time of the first rendered frame (--start-at)
    float master_gain = 1.0f;                  // used when no plan is given
    bool master_mute = false;
    // The listener's volume from the first frame (set_listener_gain moves it
    // later): a gain after every bus and effect, as --normalize needs.
    float output_gain = 1.0f;
    // --normalize-limit: a true-peak limiter after the output gain. Its
    // lookahead is hidden: the first frames go in before any come out, and
    // the last come out after the scene's end, so the output keeps its length
    // and timing (mix/engine_limit.cpp).
    std::optional<TruePeakLimiter::Settings> output_limiter;
    // A 5.1 or 7.1 output's LFE send (dsp/lfe_send.hpp): the full-range
    // channels' sum, low-passed at lfe_cutoff_hz, into the LFE at this gain
    // (linear; none: the LFE carries only what the buses put there).
    std::optional<float> lfe_gain;
    double lfe_cutoff_hz = 120.0;
    double stop_fade_seconds = 0.015;          // request_stop(): fade to silence, then end
    double tail_silence_seconds = 0.1;         // tails end after this long below -90 dBFS
    double tail_max_seconds = 60.0;
    // Plays until stopped whatever its voices do: a mix that takes voices
    // while it runs (--control) does not end when the scene's sounds have.
    bool endless = false;
};

// The length rule of the scene format without tails: a duration wins;
// otherwise the end of the last sound; nothing (plays until stopped) if any
// sound never ends, or when a live stream's end is not known yet.
std::optional<uint64_t> scene_length(const EngineConfig& config, const std::vector<VoiceSetup>& voices);

class Engine {
public:
    // Without a plan, a Master-only one is built from config.master_gain/mute.
    Engine(EngineConfig config, std::vector<VoiceSetup> voices, std::unique_ptr<RenderPlan> plan = nullptr);
    ~Engine();

    // Renders up to out.size() / channels frames into `out` (interleaved).
    // Returns the frames written: fewer than asked only when the scene has
    // ended. Real-time safe: no allocation, lock, log or I/O.
    size_t render(std::span<float> out) noexcept SIMVX_REALTIME;

    // Streamed sources. Not for the render thread: an offline render calls
    // this before each render() so that streams never leave a gap (sources
    // decoded on this thread decode the next `frames` here), and live
    // playback calls it once before starting, to pre-fill. Returns false on
    // timeout, or at once when a stop has been requested.
    bool wait_for_sources(size_t frames, double timeout_s = 1e9);
    // Decode errors that ended streamed sources early, and the gaps live playback filled with silence.
    // On wait_for_sources()' thread, or once it is no longer called.
    std::vector<std::string> source_errors() const;
    uint64_t underruns() const noexcept;

    // Control thread: a new plan (same buses, in the same setup order, of the
    // same channels: std::invalid_argument otherwise) takes
    // over at the next block; the old one is freed by collect_retired(). With
    // `crossfade_frames`, the old plan keeps running beside the new one while
    // the output crossfades from it (effect state and tails do not cut off).
    // The length travels inside the plan: a second call before the first was
    // taken replaces both together.
    void replace_plan(std::unique_ptr<RenderPlan> plan, uint32_t crossfade_frames = 0);
    // Frees what the render thread has finished with: old plans, and voices
    // added while playing that have stopped (their slots come free).
    void collect_retired();

    // Live edits (--watch), from the control thread, applied at the next
    // block through a lock-free queue. Each returns false when the queue is
    // full (nothing was queued: try again after the next block). Buses are
    // named by their setup index, voices by their id: 0.. for the
    // constructor's, then add_voice()'s (never reused).
    bool ramp_bus_gain(size_t bus, float gain, uint32_t frames);
    // The processor of `effect` on `bus` gets Processor::update(params).
    bool update_effect(size_t bus, size_t effect, const EffectParams& params);
    bool ramp_voice_gain(size_t voice, float gain, uint32_t frames);
    bool release_voice(size_t voice, uint32_t frames);  // fades out, then stops
    bool ramp_voice_pan(size_t voice, StereoGain pan, uint32_t frames);
    // A 3D voice is now at `position`, moving at `velocity` (metres, m/s).
    bool move_voice(size_t voice, const Vec3& position, const Vec3& velocity);
    // The listener of every 3D voice (those playing now; later ones are set up with it).
    bool move_listener(const Vec3& position, const Vec3& velocity, const Vec3& direction, const Vec3& up);
    // A voice with a pitch stage (VoiceSetup::varispeed) glides to `ratio`
    // (input frames per output frame) over the next block; others ignore it.
    bool set_voice_ratio(size_t voice, double ratio);
    // Fades the voice out over `frames` and holds it where it is (its
    // timeline waits), or fades it back in from there.
    bool pause_voice(size_t voice, bool paused, uint32_t frames);
    // Live control: a voice's own envelope of `which` replaced by `envelope`
    // (frames from the voice's start), crossfaded over `frames`
    // (Voice::replace_envelope). The old one comes back to be freed here, off
    // the audio thread, by collect_retired().
    bool replace_voice_envelope(size_t voice, Voice::Automated which, EnvelopeCursor envelope, uint32_t frames);
    // A new voice, set up off the audio thread; returns its id, or none when
    // kMaxAddedVoices added ones are still playing (or the queue is full).
    // Voices that stopped give their slots back.
    std::optional<size_t> add_voice(VoiceSetup setup);
    // How many edits of each kind and added voices would be taken now (a
    // reload is applied whole, or waits), and at most.
    size_t command_room();
    size_t effect_update_room();
    size_t voice_room();
    size_t command_capacity() const noexcept { return commands_.capacity(); }
    size_t effect_update_capacity() const noexcept { return effect_updates_.capacity(); }
    // Voices added while playing that have not been handed back yet.
    size_t added_voices() const noexcept { return owned_extra_.size(); }
    static constexpr size_t kMaxAddedVoices = 1024;

    // Where each edit took effect, for a control session that records them
    // (--record-control): every edit queued above gets the next serial
    // (last_serial()), and once the render thread has applied it, an
    // AppliedEdit says at which scene frame (the start of the block it was
    // applied in: a render that queues the same edit just before that frame
    // applies it there too). Control thread.
    //
    // Besides the scene frame, each report carries the voice clock (what the
    // timelines of voices played while the mix runs count in: scene time
    // until a seek, then running on through it) and the output frames the
    // mix had stood still at that frame (a whole-mix pause), so that a replay
    // can apply the edit after as much silence as the live run held.
    struct AppliedEdit {
        uint64_t serial;
        uint64_t frame;
        uint64_t clock = 0;
        uint64_t held = 0;
    };
    uint64_t last_serial() const noexcept { return serial_; }
    // Moves the applied edits reported since the last call into `out`.
    void take_applied(std::vector<AppliedEdit>& out);
    // Edits whose report did not fit in its queue (the control thread fell far behind).
    uint64_t applied_reports_lost() const noexcept { return applied_lost_.load(std::memory_order_relaxed); }
    // Added voices that have ended and been freed since the last call (their ids).
    // Only kept after keep_ended_voices(): nothing else asks, and they would pile up.
    void keep_ended_voices() noexcept { keep_ended_ = true; }
    void take_ended_voices(std::vector<size_t>& out);

    // Before rendering starts: who sees each block's buses and output (not owned; may be null).
    void set_tap(BusTap* tap) noexcept { tap_ = tap; }

    // From any thread: fade out over stop_fade_seconds, then end.
    void request_stop() noexcept { stop_requested_.store(true, std::memory_order_relaxed); }
    // The same as a queued edit (control thread): it takes effect at a
    // reported frame, so that a replayed session ends where the live one did.
    bool queue_stop();

    // Live playback controls, from the control thread. Pausing fades out over
    // stop_fade_seconds, then renders silence while scene time stands still;
    // resuming fades back in. set_paused() takes effect at the next block;
    // queue_pause() is the same as a queued edit, reported where it took
    // effect (a recorded session replays it there).
    void set_paused(bool paused) noexcept { pause_requested_.store(paused, std::memory_order_relaxed); }
    bool queue_pause(bool paused);
    bool paused() const noexcept { return pause_requested_.load(std::memory_order_relaxed); }
    // Paused and faded all the way out.
    bool faded_out() const noexcept { return faded_out_.load(std::memory_order_acquire); }
    // Before rendering starts: begin paused and silent (set_paused(false) fades in).
    void start_paused() noexcept;
    // The listener's volume over everything (the up/down keys), ramped.
    void set_listener_gain(float gain) noexcept { listener_gain_request_.store(gain, std::memory_order_relaxed); }

    // Scene time jumps to `to` (a control session's seek): the output fades
    // out over stop_fade_seconds (at once when paused and silent), the
    // scene's own sounds are replaced by `voices` (set up for `to`, off the
    // audio thread), the buses' effects start clean, and the output fades
    // back in. Voices added while playing go on, in their own clock. Queued
    // like an edit; returns false when a seek is still under way or there is
    // no room (for the command, or for the voices: they count as added ones
    // until the next seek replaces them).
    bool queue_seek(uint64_t to, std::vector<VoiceSetup> voices);
    // Seeks taken so far, and whether one is queued or under way.
    uint64_t seeks() const noexcept { return seeks_.load(std::memory_order_acquire); }
    bool seek_in_flight() const noexcept { return seek_in_flight_.load(std::memory_order_acquire); }
    // The render thread (a render replaying a script): frames render() may
    // be asked for before a seek in flight has landed (0: none in flight).
    uint64_t frames_until_seek_lands() const noexcept;
    // The clock of voices added while playing: scene time plus what seeks skipped.
    uint64_t clock() const noexcept {
        return position_.load(std::memory_order_relaxed) + clock_offset_.load(std::memory_order_relaxed);
    }
    uint64_t clock_offset() const noexcept { return clock_offset_.load(std::memory_order_relaxed); }
    // Output frames rendered silent at the current scene frame (a whole-mix pause); 0 once it moves.
    uint64_t held_frames() const noexcept { return held_.load(std::memory_order_relaxed); }

    bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }
    // Frames rendered so far (scene time).
    uint64_t position() const noexcept { return position_.load(std::memory_order_relaxed); }
    // Where the sounds end by the length rule; none = plays until stopped
    // (or, with live streams, until they have ended: then it is set).
    std::optional<uint64_t> length() const noexcept {
        const uint64_t n = published_length_.load(std::memory_order_acquire);
        return n == kNoLength ? std::nullopt : std::optional<uint64_t>(n);
    }
    // The exact frame where rendering ends, when known before rendering (not
    // with effect tails, which end when the output falls silent).
    std::optional<uint64_t> exact_end() const noexcept { return tail_mode_ ? std::nullopt : end_; }
    const AudioSpec& spec() const noexcept { return config_.output; }
    // Output samples whose magnitude passed full scale.
    uint64_t over_full_scale() const noexcept { return over_.load(std::memory_order_relaxed); }
    // The output limiter's deepest gain reduction so far (dB); 0 without one.
    // Read it once the render is done.
    double limiter_reduction_db() const noexcept { return limiter_ ? limiter_->max_reduction_db() : 0.0; }

private:
    // Commands own no memory (parameters travel by value): one that does not
    // fit is simply not queued, and nothing leaks.
    struct Command {
        enum class Kind : uint8_t { bus_gain, voice_gain, voice_release, voice_pan, voice_ratio, voice_pause, stop, mix_pause, seek } kind;
        uint32_t target = 0, frames = 0;
        float gain = 0, gain2 = 0;  // voice_pan: left and right
        double value = 0;           // voice_ratio: the ratio; voice_pause, mix_pause: 1 = pause
        uint64_t to = 0;            // seek: the scene frame
        uint64_t serial = 0;
    };
    struct EffectUpdate {  // in a ring of its own: the parameters are large
        uint32_t bus = 0, effect = 0;
        EffectParams params;
        uint64_t serial = 0;
    };
    struct Move {  // 3D: a voice's source, or the listener of all
        static constexpr uint32_t kListener = ~uint32_t{0};
        uint32_t voice = kListener;
        Vec3 position, velocity, direction, up;
        uint64_t serial = 0;
    };
    // An envelope on its way to a voice; the render thread sends `held` back
    // through retired_envelopes_ (holding the voice's old one), so it is
    // always freed on the control thread.
    struct EnvelopeSwap {
        uint32_t voice = 0, frames = 0;
        Voice::Automated which{};
        std::optional<EnvelopeCursor>* held = nullptr;
        uint64_t serial = 0;
    };
    // Throws std::invalid_argument for a voice whose channels the buses cannot take.
    void check_fits(const Voice& v) const;
    void report_applied(uint64_t serial, uint64_t frame) noexcept SIMVX_REALTIME;
    void apply_envelope_swaps(uint64_t pos) noexcept SIMVX_REALTIME;
    template <typename Edit>
    bool queue(SpscRing<Edit>& ring, Edit edit);
    bool send(Command c);
    // The audio thread's side: what render() does each block.
    void apply_commands() noexcept SIMVX_REALTIME;
    void hand_back_stopped_voices() noexcept SIMVX_REALTIME;
    Voice* voice_by_id(size_t id) noexcept SIMVX_REALTIME;
    void render_voice(RenderPlan& plan, Voice& v, uint64_t pos, size_t frames) noexcept SIMVX_REALTIME;
    void process_buses(RenderPlan& plan, uint64_t pos, size_t frames) noexcept SIMVX_REALTIME;
    void process_effect(BusSetup::Effect& e, uint64_t pos, float* audio, size_t frames, const float* key,
                        uint32_t width) noexcept SIMVX_REALTIME;
    void adopt_pending_plan() noexcept SIMVX_REALTIME;
    void render_block(float* out, size_t frames) noexcept SIMVX_REALTIME;
    // The scene's frames; render() with an output limiter goes through render_limited (engine_limit.cpp).
    size_t render_scene(std::span<float> out) noexcept SIMVX_REALTIME;
    size_t render_limited(std::span<float> out) noexcept SIMVX_REALTIME;
    // A block the scene has rendered, to its listener (through the limiter when there is one).
    void deliver_block(float* block, size_t frames) noexcept SIMVX_REALTIME;
    void count_overs(const float* out, size_t samples) noexcept SIMVX_REALTIME;
    void on_streams_ended(uint64_t block_start, size_t& frames, bool& ended) noexcept SIMVX_REALTIME;
    void apply_output_gains(float* m, size_t frames) noexcept SIMVX_REALTIME;
    std::optional<size_t> tail_end(const float* out, size_t from, size_t frames) noexcept SIMVX_REALTIME;
    uint64_t tail_quiet_target() const noexcept SIMVX_REALTIME;

    EngineConfig config_;
    std::vector<Voice> voices_;
    RenderPlan* plan_;                          // owned; the render thread's current plan
    BusTap* tap_ = nullptr;
    std::atomic<RenderPlan*> pending_{nullptr}; // published by replace_plan, with its crossfade_in
    RenderPlan* fading_ = nullptr;              // the plan being crossfaded out (render thread)
    uint32_t crossfade_total_ = 0, crossfade_done_ = 0;
    // Live edits: commands in; voices added while playing in, and back out
    // once stopped. The control thread owns every added voice (owned_extra_)
    // until it takes it back from stopped_extra_: the render thread never
    // allocates or frees one.
    SpscRing<Command> commands_{1024};
    SpscRing<EffectUpdate> effect_updates_{64};
    SpscRing<Move> moves_{1024};
    SpscRing<EnvelopeSwap> envelope_swaps_{64};
    SpscRing<std::optional<EnvelopeCursor>*> retired_envelopes_{64};  // render → control thread, to free
    struct Extra {
        size_t id;
        Voice* voice;
        uint64_t serial = 0;
        // 0: played while the mix runs, timed by the voice clock. k > 0: one
        // of the scene's own sounds from seek k, timed in scene time; it
        // waits until seek k lands and is stopped by the next one.
        uint64_t seek = 0;
    };
    bool renders_now(const Extra& e) const noexcept SIMVX_REALTIME {
        return e.seek == 0 || e.seek == seeks_.load(std::memory_order_relaxed);
    }
    void start_seek(uint64_t to) noexcept SIMVX_REALTIME;
    void land_seek() noexcept SIMVX_REALTIME;
    SpscRing<Extra> added_{kMaxAddedVoices};    // control → render thread
    std::vector<Extra> extra_;                  // render thread: voices added while playing (capacity reserved)
    SpscRing<Extra> stopped_extra_{256};        // render → control thread: stopped, to free
    uint64_t serial_ = 0;                       // control thread: the last edit's serial
    SpscRing<AppliedEdit> applied_{4096};       // render → control thread: where edits took effect
    std::atomic<uint64_t> applied_lost_{0};
    bool keep_ended_ = false;                   // control thread
    std::vector<size_t> ended_ids_;             // control thread: freed added voices, until taken
    std::vector<std::unique_ptr<Voice>> owned_extra_;  // control thread
    size_t next_id_ = 0;                        // control thread: the next add_voice() id
    std::vector<std::string> freed_errors_;     // control thread: source errors of freed voices
    std::atomic<uint64_t> freed_underruns_{0};  // ... and their underruns
    SpscRing<RenderPlan*> retired_{16};         // render thread → control thread, to free
    // The scene's voices in play (mix/voice_window.hpp): the ones the render
    // thread's blocks visit, and the ones wait_for_sources() fills (its thread's).
    VoiceWindow playing_, filling_;
    std::vector<std::string> finished_errors_;  // wait_for_sources(): source errors of voices filling_ let go
    std::atomic<uint64_t> reached_{0};          // render thread: the farthest scene frame rendered
    std::vector<uint32_t> stream_voices_;       // the voices that end with their source
    std::vector<VoiceSource*> to_fill_;         // wait_for_sources(): the sources it fills
    SourceFiller filler_;                       // ... on two cores (declared after the voices: it goes first)
    std::vector<float> voice_out_;              // one voice's block (Voice::channels())
    // Surround buses: a voice's stereo block on the front pair, the other
    // speakers silent (the bus format, to add into a bus and its sends).
    std::vector<float> voice_wide_;
    uint32_t width_ = 2;                        // every bus's channels: bus_channels(output.channels)
    std::unique_ptr<LfeSend> lfe_;              // after Master, before the output's fades
    std::vector<float> scratch_;                // one voice's source frames
    // An automated effect's block: its steps, and the values each due one takes (process_effect).
    std::vector<AutomationStep> steps_;
    std::vector<EffectParams> step_params_;
    GainRamp stop_fade_;
    GainRamp pause_fade_;
    GainRamp listener_gain_;
    GainRamp seek_fade_;
    bool seeking_ = false;                      // render thread: a seek applied, not landed yet
    uint64_t seek_to_ = 0;
    std::atomic<bool> seek_in_flight_{false};   // from queue_seek() until it lands
    std::atomic<uint64_t> seeks_{0};            // landed (render thread writes)
    std::atomic<uint64_t> clock_offset_{0};     // voice clock − scene time (mod 2^64)
    std::atomic<uint64_t> held_{0};             // render thread writes: see held_frames()
    bool pause_target_ = false;                 // render thread's view of pause_requested_
    std::atomic<bool> pause_requested_{false};
    std::atomic<bool> faded_out_{false};
    std::atomic<float> listener_gain_request_{1.0f};
    std::optional<uint64_t> length_;           // the render thread's
    static constexpr uint64_t kNoLength = ~uint64_t{0};
    std::atomic<uint64_t> published_length_{kNoLength};  // length_ for other threads (live streams set it late)
    std::optional<uint64_t> end_;               // where rendering stops, when known
    bool tail_mode_ = false;                    // after length_, render until the output is silent
    // Live streams (ends_with_source) in a scene that otherwise ends: the
    // length is known once every stream has ended.
    bool open_ended_ = false;
    uint64_t known_end_ = 0;                    // where everything but the streams ends
    uint64_t streams_end_ = 0;                  // the last frame a stream has written, so far
    uint64_t quiet_frames_ = 0;
    bool stopping_ = false;
    std::atomic<bool> stop_requested_{false};
    std::atomic<bool> finished_{false};
    std::atomic<uint64_t> position_{0};
    std::atomic<uint64_t> over_{0};
    // The output limiter (engine_limit.cpp): the scene runs its latency ahead of the output.
    std::unique_ptr<TruePeakLimiter> limiter_;
    std::vector<float> limiter_scratch_;        // the dropped first outputs, and the zeros that push out the last
    size_t lead_left_ = 0;                      // scene frames still to go in before the first output
    size_t dropped_left_ = 0;                   // limiter outputs still to drop (from before the first frame)
    size_t flush_left_ = 0;                     // zeros still to go in after the scene's end
    bool leading_ = false;                      // rendering the lead: the listener hears the buses only
};

}  // namespace simvx
