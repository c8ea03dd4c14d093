// One playing sound: its place on the scene timeline, gain, fades and pan.
// Pending → Playing → Stopped; the engine calls mix() on the render thread.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/realtime.hpp"
#include "core/speakers.hpp"
#include "dsp/binaural_fir.hpp"
#include "dsp/biquad.hpp"
#include "dsp/downmix.hpp"
#include "dsp/envelope.hpp"
#include "dsp/pan.hpp"
#include "dsp/ramp.hpp"
#include "mix/voice_source.hpp"
#include "spatial/spatializer.hpp"

namespace simvx {

class VarispeedSource;

struct VoiceSetup {
    std::string name;
    std::unique_ptr<VoiceSource> source;
    uint64_t start_frame = 0;               // scene frame of its first sample
    // Played "now" while the mix runs (--control): start_frame and end_frame
    // count from the block in which the engine takes the voice in.
    bool start_on_arrival = false;
    std::optional<uint64_t> end_frame;      // scene frame after its last sample; none = until stopped
    bool ends_with_source = false;          // a live stream: ends when its input does (end_frame is none)
    float gain = 1.0f;                      // volume_db as a linear gain (1 when it follows an envelope)
    StereoGain pan;                         // from the pan law
    // Automation, frames counted from the voice's start and evaluated per
    // sample: volume in dB (times `gain`), and pan by `pan_law` (instead of `pan`).
    std::optional<EnvelopeCursor> volume_db_envelope;
    std::optional<EnvelopeCursor> pan_envelope;
    PanLaw pan_law = PanLaw::balance;
    uint64_t fade_in_frames = 0;
    uint64_t fade_out_frames = 0;           // ends at end_frame
    size_t bus = 0;                         // index in the bus setups (0 = the first, Master for plain files)
    struct Send {
        size_t bus;
        float gain;
        std::optional<EnvelopeCursor> volume_db_envelope;  // automation from the sound's start, times `gain`
    };
    std::vector<Send> sends;                // extra post-fader sends
    // 3D sounds: the gains (instead of `pan`) and the doppler shift come from
    // here, updated every block. The doppler shift needs `varispeed`.
    std::unique_ptr<Spatializer> spatial;
    // The pitch stage at the front of `source`, when the sound has one
    // (pitch, doppler): add_varispeed() puts it there and sets this.
    VarispeedSource* varispeed = nullptr;
    // Pitch automation (frames from the voice's start): the pitch stage's
    // ratio is unit_ratio × the envelope, reached at each block's end by the
    // stage's glide (as doppler is).
    std::optional<EnvelopeCursor> pitch_envelope;
    double unit_ratio = 1.0;  // input frames per engine frame at pitch 1
    // The buses' channels (bus_channels()): a 2D sound whose source keeps
    // more than two channels (surround buses) is mapped onto them by speaker
    // (speaker_matrix), its pan left aside.
    uint32_t bus_channels = 2;
    // Virtual below this level (linear; 0: never): a block in which the
    // voice would be quieter than this is not mixed, only read on (its
    // source, pitch and 3D state advance), so that it comes back where it
    // would have been once it is loud enough again ([engine] virtual_below_db).
    float virtual_below = 0.0f;
};

// The frames of a block a voice wrote: [offset, offset + count).
struct VoiceSpan {
    size_t offset = 0, count = 0;
};

class Voice {
public:
    enum class State { pending, playing, stopped };

    explicit Voice(VoiceSetup setup);

    // Renders this voice's part of the block [block_start, block_start + frames)
    // into `out` (channels() interleaved, after gain, fades and pan), writing —
    // or with `add`, mixing into — only the frames it returns. `scratch`
    // holds at least the source's channels × frames floats.
    VoiceSpan render(float* out, uint64_t block_start, size_t frames, float* scratch, bool add = false) noexcept SIMVX_REALTIME;

    // Live edits (--watch), on the render thread: a new volume, ramped over
    // `frames`; or a fade to silence over `frames`, after which the voice stops.
    void ramp_gain(float gain, uint32_t frames) noexcept SIMVX_REALTIME;
    void release(uint32_t frames) noexcept SIMVX_REALTIME;
    // Stops at once, without a fade: only where nothing is heard (a seek lands in silence).
    void stop_now() noexcept SIMVX_REALTIME { state_ = State::stopped; }
    // Live control: pan gains ramped over `frames`; the pitch stage's ratio
    // (glides over the next block; without a pitch stage, nothing); a pause
    // that fades out over `frames` and then holds the voice where it is (its
    // timeline waits: it resumes, fading in, from the same frame of its sound).
    void ramp_pan(StereoGain pan, uint32_t frames) noexcept SIMVX_REALTIME;
    void set_ratio(double ratio) noexcept SIMVX_REALTIME;
    void set_paused(bool paused, uint32_t frames) noexcept SIMVX_REALTIME;
    // Live control of a 3D voice (nothing for a 2D one).
    void move_source(const Vec3& position, const Vec3& velocity) noexcept SIMVX_REALTIME;
    void move_listener(const Vec3& position, const Vec3& velocity, const Vec3& direction, const Vec3& up) noexcept SIMVX_REALTIME;
    // Live control: the voice's own envelope of `which` (frames from its
    // start) swapped with `incoming`, which then holds the old one (or
    // nothing) to be freed off the audio thread; no allocation here. The
    // level (volume_db: the envelope becomes the voice's volume, a live volume
    // before it gives way) or the pan crossfades to the new envelope over
    // `frames` from scene frame `now`; pitch glides as the pitch stage always
    // does. A pitch envelope needs the pitch stage (nothing without one).
    enum class Automated : uint8_t { volume_db, pan, pitch };
    void replace_envelope(Automated which, std::optional<EnvelopeCursor>& incoming, uint32_t frames,
                          uint64_t now) noexcept SIMVX_REALTIME;
    // Moves the voice's timeline `frames` later (start, end and fades together).
    void shift_timeline(uint64_t frames) noexcept SIMVX_REALTIME;

    State state() const noexcept { return state_; }
    // The channels render() writes: 2, or a surround layout's speakers for a
    // 3D voice that pans over them (Spatializer::channels()) and for a 2D one
    // whose source has more than two channels (VoiceSetup::bus_channels).
    uint32_t channels() const noexcept { return channels_; }
    const VoiceSetup& setup() const noexcept { return setup_; }
    // Adds the voice's rendered frames `out` (scene frames from `first`, in
    // the bus format: `channels` interleaved) into the bus buffer `dst`
    // through send `i`: its gain, or its automation.
    void add_send(size_t i, float* dst, const float* out, uint64_t first, size_t frames, uint32_t channels) noexcept SIMVX_REALTIME;

private:
    template <bool Add>
    VoiceSpan render_block(float* out, uint64_t block_start, size_t frames, float* scratch) noexcept SIMVX_REALTIME;
    float envelope(uint64_t t) const noexcept SIMVX_REALTIME;  // fades at frame t after the start
    // The automated volume (linear) and the automated pan's gains, or the live ones, at frame t after the start.
    float automated_gain(uint64_t t) noexcept SIMVX_REALTIME;
    // The same for frames [first, first + count) into `out` (1 without
    // volume automation), filled a run at a time (EnvelopeCursor::fill_gains).
    void automated_gains(float* out, uint64_t first, size_t count) noexcept SIMVX_REALTIME;
    // The loudest this voice can be over [t0, t0 + frames) of its timeline, by its gains now and at the block's end.
    float level_bound(uint64_t t0, size_t frames) noexcept SIMVX_REALTIME;
    StereoGain automated_pan(uint64_t t) noexcept SIMVX_REALTIME;
    void update_spatial(uint64_t first, size_t frames) noexcept SIMVX_REALTIME;
    void follow_pitch(uint64_t t0, size_t frames) noexcept SIMVX_REALTIME;
    template <bool Add>
    void render_spatial(const float* in, bool mono, float* out, size_t frames, uint64_t t0) noexcept SIMVX_REALTIME;
    // A run of a 2D voice that follows a volume or pan envelope.
    template <bool Add>
    void render_automated_run(const float* in, bool mono, float* out, size_t n, uint64_t t, bool fading) noexcept SIMVX_REALTIME;
    // A 2D voice of more than two source channels, through routes_.
    template <bool Add>
    void render_speakers(const float* in, float* out, size_t frames, uint64_t t0, bool fading) noexcept SIMVX_REALTIME;

    VoiceSetup setup_;
    State state_ = State::pending;
    GainRamp gain_;
    GainRamp pan_left_, pan_right_;  // from setup_.pan; ramped by live control
    // A pan envelope replaced live: from these gains to the new pan, as pan_xfade_ goes 1 → 0.
    StereoGain pan_from_;
    GainRamp pan_xfade_{0.0f};
    GainRamp pause_gain_{1.0f};      // 1 playing; ramps to 0 and holds while paused
    bool pausing_ = false;
    // 3D sounds: the channel gains ramp to each block's end values; the
    // doppler shift glides the resampler's ratio (base × shift).
    GainRamp spatial_left_, spatial_right_;
    // Surround: each channel's, instead (held apart, like routes_ and air_
    // below: a scene can schedule thousands of voices, and most need none).
    std::unique_ptr<std::array<GainRamp, speaker::kMaxChannels>> speaker_gains_;
    uint32_t channels_ = 2;
    // A source of more than two channels: a 3D voice hears its stereo
    // downmix; a 2D one maps them onto the speakers, each output channel
    // the sum of its routes (source channel, gain).
    uint32_t source_channels_ = 2;
    std::optional<DownmixMatrix> downmix_;
    struct Route {
        uint32_t from;
        float gain;
    };
    struct SpeakerRoutes {
        std::array<std::array<Route, speaker::kMaxChannels>, speaker::kMaxChannels> routes{};
        std::array<uint32_t, speaker::kMaxChannels> count{};
    };
    std::unique_ptr<SpeakerRoutes> routes_;  // null: not mapped by speaker
    bool spatial_started_ = false;
    // Air absorption: a low-pass whose cutoff glides to each block's end value.
    std::unique_ptr<SmoothedBiquad> air_;
    // Binaural rendering (an HRTF set): the source, made mono, through the
    // ears' filters for its direction at the block's start (hrir_from_) and
    // end (hrir_to_), crossfaded across the block; both taps() left then right.
    std::optional<BinauralFir> hrir_;
    std::vector<float> hrir_from_, hrir_to_;
    Vec3 hrir_direction_{0, 0, 0};  // where hrir_to_ points
    bool hrir_moved_ = false;       // this block's filters differ
    void aim_hrir(const Vec3& direction) noexcept SIMVX_REALTIME;
    void feed_hrir(const float* in, size_t frames, bool mono) noexcept SIMVX_REALTIME;  // a virtual block's input
    VarispeedSource* varispeed_ = nullptr;
    double base_ratio_ = 1.0;
    bool pitch_started_ = false;
    bool releasing_ = false;
};

}  // namespace simvx
