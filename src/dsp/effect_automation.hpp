// An effect's parameters following envelopes (docs/scene-format.md,
// "Automation"): which parameters, and on the audio thread the typed
// parameters (EffectParams) at a frame, for Processor::automate(). The engine
// asks every kStepFrames frames of scene time, and the effect glides from one
// step's values to the next (a filter's coefficients interpolated per sample),
// so a sweep has no zipper noise (tests/unit/dsp/effect_automation_test.cpp
// measures it against per-sample coefficients). A filter's or an eq's
// frequencies, Qs and gains hold while their envelopes stay within
// SmoothedBiquad's hold of the value last given, and are read again only
// when their segment's rate says they may have moved past it (due()): a slow
// sweep costs a step now and then, not every 32 frames.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsp/biquad.hpp"
#include "dsp/effect_types.hpp"
#include "dsp/envelope.hpp"

namespace simvx {

// Where an automated value lives in an EffectConfig: a parameter of the
// effect type's ParamSpecs (`index` into them), or a field of an eq band
// (`index` is the band's).
struct ParamSlot {
    enum class Band : uint8_t { none, freq, q, gain_db };
    size_t index = 0;
    Band band = Band::none;

    bool operator==(const ParamSlot&) const = default;
};

// The value `slot` names in `config`.
double& slot_value(EffectConfig& config, const ParamSlot& slot) noexcept SIMVX_REALTIME;
// Its key as a user writes it ("cutoff_hz", "bands[2].gain_db") and its unit.
std::string slot_key(const EffectType& type, const ParamSlot& slot);
std::string_view slot_unit(const EffectType& type, const ParamSlot& slot);

// One automated parameter.
struct ParamEnvelope {
    ParamSlot slot;
    Envelope envelope;

    bool operator==(const ParamEnvelope&) const = default;
};

class EffectAutomation {
public:
    static constexpr uint32_t kStepFrames = 32;

    // `config` holds the constant parameters; times count from frame 0 at `sample_rate`.
    EffectAutomation(const EffectType& type, EffectConfig config, const std::vector<ParamEnvelope>& envelopes,
                     double sample_rate);

    // The parameters at scene frame `frame`, each held or its envelope's
    // value. Allocates nothing: the values are written into the config's own
    // slots and converted by the type's to_params.
    EffectParams at(uint64_t frame) noexcept SIMVX_REALTIME;
    // Whether at(frame) may answer anything new: some envelope may have moved
    // past its hold by then (always, for a parameter without one).
    bool due(uint64_t frame) const noexcept { return frame >= next_due_; }
    // The first frame due() is true at (UINT64_MAX: none while the envelopes hold).
    uint64_t next_due() const noexcept { return next_due_; }

private:
    struct Cursor {
        ParamSlot slot;
        EnvelopeCursor envelope;
        // What its biquad holds it as (SmoothedBiquad::hold_room); none: read at every step.
        std::optional<SmoothedBiquad::Held> hold;
        double given;      // the value last written into the config (NaN: none yet)
        uint64_t given_at = UINT64_MAX;  // the frame `given` was taken at
        uint64_t due = 0;  // the first frame its envelope must be read at again
    };
    // Reads the envelope at `frame`, gives its value where it passed the hold
    // (or always, `fresh`), and sets when to read it again. Whether it gave one.
    bool read(Cursor& c, uint64_t frame, bool fresh) noexcept SIMVX_REALTIME;

    // The cursors of one biquad (an eq band's, or the filter's: the
    // effect's own parameters), side by side in cursors_: when one of them
    // gives a new value, the others go along, fresh (one glide, not one
    // each). `due`: the earliest of theirs, so a step visits only the groups
    // that have something due.
    struct Group {
        size_t begin, end;
        uint64_t due = 0;
    };

    EffectParams (*to_params_)(const EffectConfig&);
    EffectConfig config_;
    std::vector<Cursor> cursors_;  // group by group
    std::vector<Group> groups_;
    uint64_t next_due_ = 0;
};

// `config` with every automated parameter at its value at `seconds` (an effect built to start there).
EffectConfig config_at(EffectConfig config, const std::vector<ParamEnvelope>& envelopes, double seconds);

}  // namespace simvx
