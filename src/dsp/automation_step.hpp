// One stretch of an audio block under effect automation: the engine cuts a
// block into steps on EffectAutomation's grid and hands them to an effect all
// at once (Processor::process_steps), so an effect made of parts in series
// (an eq's bands) can run each part through the whole block.
#pragma once
#include <cstdint>

#include "dsp/effect_params.hpp"

namespace simvx {

struct AutomationStep {
    uint32_t offset = 0;  // the step's first frame in the block
    uint32_t frames = 0;
    // The values to reach by the step's end (Processor::automate); none: nothing new.
    const EffectParams* params = nullptr;
};

}  // namespace simvx
