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

#include "core/audio_spec.hpp"
#include "core/spsc_ring.hpp"
#include "dsp/effect_types.hpp"
#include "mix/bus_tap.hpp"
#include "dsp/ramp.hpp"
#include "mix/render_plan.hpp"
#include "mix/source_filler.hpp"
#include "mix/voice.hpp"

namespace simvx {

struct EngineConfig {
    AudioSpec output;                          // channels 1 or 2
    uint32_t max_block = 1024;                 // internal block size (frames)
    std::optional<uint64_t> duration_frames;   // overrides the length rule
    uint64_t start_frame = 0;                  // scene time of the first rendered frame (--start-at)
    float master_gain = 1.0f;                  // used when no plan is given
    bool master_mute = false;
    double stop_fade_seconds = 0.015;          // request_stop(): fade to silence, then end
    double tail_silence_seconds = 0.1;         // tails end after this long below -90 dBFS
    double tail_max_seconds = 60.0;
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
    size_t render(std::span<float> out) noexcept;

    // Streamed sources. Not for the render thread: an offline render calls
    // this before each render() so that streams never leave a gap (sources
    // decoded on this thread decode the next `frames` here), and live
    // playback calls it once before starting, to pre-fill. Returns false on
    // timeout, or at once when a stop has been requested.
    bool wait_for_sources(size_t frames, double timeout_s = 1e9);
    // Decode errors that ended streamed sources early, and the gaps live playback filled with silence.
    std::vector<std::string> source_errors() const;
    uint64_t underruns() const noexcept;

    // Control thread: a new plan (same buses, in the same setup order) takes
    // over at the next block; the old one is freed by collect_retired(). With
    // `crossfade_frames`, the old plan keeps running beside the new one while
    // the output crossfades from it (effect state and tails do not cut off).
    void replace_plan(std::unique_ptr<RenderPlan> plan, uint32_t crossfade_frames = 0);
    void collect_retired();

    // Live edits (--watch), from the control thread, applied at the next
    // block through a lock-free queue. Each returns false when the queue is
    // full (try again after the next block). Buses are named by their setup
    // index, voices by their id: 0.. for the constructor's, then add_voice()'s.
    bool ramp_bus_gain(size_t bus, float gain, uint32_t frames);
    // The processor of `effect` on `bus` gets Processor::update(config).
    bool update_effect(size_t bus, size_t effect, const EffectConfig& config);
    bool ramp_voice_gain(size_t voice, float gain, uint32_t frames);
    bool release_voice(size_t voice, uint32_t frames);  // fades out, then stops
    // A new voice, set up off the audio thread; returns its id, or none when full.
    std::optional<size_t> add_voice(VoiceSetup setup);

    // Before rendering starts: who sees each block's buses and output (not owned; may be null).
    void set_tap(BusTap* tap) noexcept { tap_ = tap; }

    // From any thread: fade out over stop_fade_seconds, then end.
    void request_stop() noexcept { stop_requested_.store(true, std::memory_order_relaxed); }

    // Live playback controls, from the control thread. Pausing fades out over
    // stop_fade_seconds, then renders silence while scene time stands still;
    // resuming fades back in.
    void set_paused(bool paused) noexcept { pause_requested_.store(paused, std::memory_order_relaxed); }
    bool paused() const noexcept { return pause_requested_.load(std::memory_order_relaxed); }
    // Paused and faded all the way out.
    bool faded_out() const noexcept { return faded_out_.load(std::memory_order_acquire); }
    // Before rendering starts: begin paused and silent (set_paused(false) fades in).
    void start_paused() noexcept;
    // The listener's volume over everything (the up/down keys), ramped.
    void set_listener_gain(float gain) noexcept { listener_gain_request_.store(gain, std::memory_order_relaxed); }

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

private:
    struct Command {
        enum class Kind : uint8_t { bus_gain, effect, voice_gain, voice_release } kind;
        uint32_t target = 0, index = 0, frames = 0;
        float gain = 0;
        EffectConfig* config = nullptr;  // Kind::effect; handed back through retired_configs_
    };
    bool send(const Command& c);
    void apply_commands() noexcept;
    Voice* voice_by_id(size_t id) noexcept;
    void render_voices(RenderPlan& plan, Voice& v, uint64_t pos, size_t frames) noexcept;
    void process_buses(RenderPlan& plan, size_t frames) noexcept;
    void adopt_pending_plan() noexcept;
    void render_block(float* out, size_t frames) noexcept;
    void on_streams_ended(uint64_t block_start, size_t& frames, bool& ended) noexcept;
    void apply_output_gains(float* m, size_t frames) noexcept;
    std::optional<size_t> tail_end(const float* out, size_t from, size_t frames) noexcept;
    uint64_t tail_quiet_target() const noexcept;

    EngineConfig config_;
    std::vector<Voice> voices_;
    RenderPlan* plan_;                          // owned; the render thread's current plan
    BusTap* tap_ = nullptr;
    std::atomic<RenderPlan*> pending_{nullptr}; // published by replace_plan
    std::atomic<uint32_t> pending_crossfade_{0};
    RenderPlan* fading_ = nullptr;              // the plan being crossfaded out (render thread)
    uint32_t crossfade_total_ = 0, crossfade_done_ = 0;
    // Live edits: commands in; configs and voices added while playing.
    SpscRing<Command> commands_{256};
    SpscRing<EffectConfig*> retired_configs_{256};
    struct Extra {
        size_t id;
        Voice* voice;
    };
    static constexpr size_t kMaxAddedVoices = 1024;
    SpscRing<Extra> added_{64};                 // control → render thread
    std::vector<Extra> extra_;                  // render thread: voices added while playing (capacity reserved)
    std::vector<std::unique_ptr<Voice>> owned_extra_;  // the control thread owns them until the engine goes
    SpscRing<RenderPlan*> retired_{16};         // render thread → control thread, to free
    std::vector<VoiceSource*> to_fill_;         // wait_for_sources(): the sources it fills
    SourceFiller filler_;                       // ... on two cores (declared after the voices: it goes first)
    std::vector<float> voice_out_;              // one voice's block, stereo
    std::vector<float> scratch_;                // one voice's source frames
    GainRamp stop_fade_;
    GainRamp pause_fade_;
    GainRamp listener_gain_;
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
};

}  // namespace simvx
