// One interface for every bus effect. Life cycle (SoX's effect handlers,
// JUCE's ProcessSpec): prepare() off the audio thread may allocate; process()
// runs on the audio thread and never allocates, locks, logs or does I/O.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "core/realtime.hpp"
#include "core/speakers.hpp"
#include "dsp/automation_step.hpp"
#include "dsp/effect_params.hpp"

namespace simvx {

struct ProcessSpec {
    uint32_t sample_rate = 48000;
    uint32_t max_block = 1024;  // process() is never called with more frames
    // Interleaved channels per frame of process()'s audio and key: the bus
    // format, 2 unless the output is surround (4, 6 or 8, WAV order:
    // core/speakers.hpp).
    uint32_t channels = 2;
};

// spec.channels, checked (prepare() is off the audio thread and may throw):
// every effect supports 1 to speaker::kMaxChannels.
inline uint32_t checked_channels(const ProcessSpec& spec) {
    if (spec.channels < 1 || spec.channels > speaker::kMaxChannels)
        throw std::invalid_argument("a bus effect takes 1 to 8 channels, not " + std::to_string(spec.channels));
    return spec.channels;
}

class Processor {
public:
    virtual ~Processor() = default;

    // Sizes buffers and computes coefficients for this rate. Called before the
    // first process() and again whenever the rate changes.
    virtual void prepare(const ProcessSpec& spec) = 0;

    // Clears the state (delay lines, filter memories, envelopes): the next
    // block starts from silence.
    virtual void reset() noexcept = 0;

    // Processes `frames` frames of spec.channels interleaved channels in
    // place. `key` is the sidechain signal for effects that take one (the same
    // channels and length), else nullptr. Real-time safe; NaN never latches: an effect
    // whose state went non-finite resets itself.
    virtual void process(float* audio, size_t frames, const float* key) noexcept SIMVX_REALTIME = 0;

    // New parameter values while playing (live control, scene reload), called
    // on the audio thread with the effect's own typed struct, converted off it
    // (EffectType::to_params); params of another type are ignored. Values are
    // approached with a ramp (tens of milliseconds), never a jump.
    virtual void update(const EffectParams& params) noexcept SIMVX_REALTIME = 0;

    // Automation (dsp/effect_automation.hpp): the values to reach `frames`
    // frames from now, called every few frames on the audio thread. An effect
    // that glides (the filters) reaches them in exactly that time; the others
    // take them as an update().
    virtual void automate(const EffectParams& params, uint32_t frames) noexcept SIMVX_REALTIME {
        (void)frames;
        update(params);
    }

    // A block of `channels` interleaved channels (and its key) under
    // automation, cut into contiguous steps: each step's values taken as
    // automate() takes them, then its frames processed. An effect made of
    // parts in series (an eq's bands) may instead run each part through the
    // whole block, with the same arithmetic (the same bits), in longer runs.
    virtual void process_steps(float* audio, const float* key, uint32_t channels,
                               std::span<const AutomationStep> steps) noexcept SIMVX_REALTIME {
        for (const AutomationStep& s : steps) {
            if (s.params) automate(*s.params, s.frames);
            const size_t at = size_t{channels} * s.offset;
            process(audio + at, s.frames, key ? key + at : nullptr);
        }
    }

    // How many frames of output can follow the end of the input (delay and
    // reverb tails), so a render lets them ring out. 0 for memoryless effects.
    virtual uint64_t tail_frames() const noexcept { return 0; }
};

}  // namespace simvx
