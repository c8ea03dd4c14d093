// Which interpolator the varispeed (pitch, doppler) uses: the scene's
// `engine.resampler` key. Not the Resampler (libsoxr, resampler.hpp), which
// converts whole files to the engine rate before they play.
#pragma once
#include <array>

#include "core/named.hpp"

namespace simvx {

// sinc: band-limited, every spurious component below -90 dB (the default);
// cubic and linear: cheaper, for very large voice counts, with audible
// aliasing on bright material.
enum class Interpolator { sinc, cubic, linear };
inline constexpr std::array<Named<Interpolator>, 3> kInterpolatorNames{
    {{"sinc", Interpolator::sinc}, {"cubic", Interpolator::cubic}, {"linear", Interpolator::linear}}};

}  // namespace simvx
