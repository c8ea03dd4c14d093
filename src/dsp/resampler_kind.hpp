// Which interpolator pitched voices use (`engine.resampler` in a scene).
#pragma once
#include <array>

#include "core/named.hpp"

namespace simvx {

// sinc: band-limited, every spurious component below -90 dB (the default);
// cubic and linear: cheaper, for very large voice counts, with audible
// aliasing on bright material.
enum class ResamplerKind { sinc, cubic, linear };
inline constexpr std::array<Named<ResamplerKind>, 3> kResamplerNames{
    {{"sinc", ResamplerKind::sinc}, {"cubic", ResamplerKind::cubic}, {"linear", ResamplerKind::linear}}};

}  // namespace simvx
