// The bus graph compiled for the render thread: every bus with its effect
// chain, volume and routing, in an order where each bus comes after all that
// feed it (children, sends, sidechain keys). Built and prepared off the audio
// thread; the engine swaps a new plan in atomically between blocks.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsp/effect_automation.hpp"
#include "dsp/envelope.hpp"
#include "dsp/processor.hpp"
#include "dsp/ramp.hpp"

namespace simvx {

// One bus as described (indices refer to the list given to compile_plan).
struct BusSetup {
    std::string name;
    float gain = 1.0f;
    // volume_db automation, frames from the scene's start, per sample (times `gain`).
    std::optional<EnvelopeCursor> volume_db_envelope;
    bool mute = false;
    bool solo = false;
    bool bypass_effects = false;
    std::optional<size_t> parent;  // none: this is the output (Master)
    struct Send {
        size_t bus;
        float gain;
        std::optional<EnvelopeCursor> volume_db_envelope;  // automation from the scene's start, times `gain`
    };
    std::vector<Send> sends;
    struct Effect {
        std::unique_ptr<Processor> processor;
        bool enabled = true;
        std::optional<size_t> key;  // sidechain: the bus whose signal (after its effects, before its fader) drives the detector
        std::optional<EffectAutomation> automation;  // automated parameters, from the scene's start
        // Its type's volume_param automated (the `gain` effect): applied on
        // every sample in place of the processor, from the scene's start.
        std::optional<EnvelopeCursor> volume_db_envelope;
    };
    std::vector<Effect> effects;
};

class RenderPlan {
public:
    struct Bus {
        std::string name;
        size_t index = 0;        // its place in the list given to compile_plan
        GainRamp gain;           // volume × mute, ramped
        std::optional<EnvelopeCursor> volume_db_envelope;  // automation, times `gain`
        bool bypass_effects = false;
        bool input_open = true;   // solo: sounds on this bus are heard
        bool output_open = true;  // solo: what this bus outputs is heard
        std::optional<size_t> parent;  // plan slots, not setup indices
        std::vector<BusSetup::Send> sends;
        std::vector<BusSetup::Effect> effects;
        std::vector<float> buffer;  // `channels` interleaved, max_block frames
        // A sidechain key's signal: after the bus's effects, before its fader
        // and mute (a pre-fader key, as consoles tap it), so muting or
        // lowering the key bus, or soloing another, never takes the ducking
        // away. Allocated only for buses that key an effect.
        std::vector<float> key_buffer;
    };

    std::vector<Bus> buses;          // in render order; the output bus is last
    std::vector<size_t> slot_of;     // setup index → position in `buses`
    size_t output = 0;               // slot of Master
    bool has_tail = false;           // an enabled effect rings after its input stops
    uint64_t tail_hint = 0;          // the longest tail the effects announce (frames)
    uint32_t max_block = 1024;
    uint32_t channels = 2;           // of every bus (ProcessSpec::channels): bus_channels(output)
    // Set by Engine::replace_plan: the frames over which this plan takes over
    // from the playing one (0: at once). Inside the plan, so a plan is never
    // adopted with another's crossfade.
    uint32_t crossfade_in = 0;
};

// The channels every bus carries for an output of `output_channels`: stereo
// for a mono or stereo output (a mono output is the buses' two sides
// averaged, so a pan still means what it says), else the output's own
// speakers (4, 6, 8: quad, 5.1, 7.1 in WAV order, core/speakers.hpp).
constexpr uint32_t bus_channels(uint32_t output_channels) { return output_channels <= 2 ? 2 : output_channels; }

// Sorts, checks and prepares. Throws InputError naming the buses of a cycle
// ("bus cycle: A → B → A") or when there is not exactly one output bus.
std::unique_ptr<RenderPlan> compile_plan(std::vector<BusSetup> buses, const ProcessSpec& spec);

// A plan with only Master (for plain files and tests).
std::unique_ptr<RenderPlan> master_only_plan(float gain, bool mute, const ProcessSpec& spec);

}  // namespace simvx
