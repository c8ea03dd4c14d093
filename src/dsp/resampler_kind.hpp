// Which interpolator pitched voices use (`engine.resampler` in a scene).
#pragma once

namespace simvx {

// sinc: band-limited, every spurious component below -90 dB (the default);
// cubic and linear: cheaper, for very large voice counts, with audible
// aliasing on bright material.
enum class ResamplerKind { sinc, cubic, linear };

}  // namespace simvx
