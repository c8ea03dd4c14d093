// Every bus effect's type descriptor, one .cpp each in this folder; the
// registry table (dsp/effect_types.cpp) lists them.
#pragma once
#include "dsp/effect_types.hpp"

namespace simvx::effects {

const EffectType& gain();
const EffectType& lowpass();
const EffectType& highpass();
const EffectType& bandpass();
const EffectType& notch();
const EffectType& eq();
const EffectType& delay();
const EffectType& reverb();
const EffectType& compressor();
const EffectType& limiter();
const EffectType& softclip();

}  // namespace simvx::effects
