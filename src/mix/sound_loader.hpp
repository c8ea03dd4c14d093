// Decodes a whole file into a SampleBuffer at the engine rate: any format the
// registry knows, NaN/inf replaced by silence, more than two channels
// downmixed to stereo (BS.775), then converted to the engine rate (libsoxr HQ).
#pragma once
#include <cstdint>
#include <string>

#include "mix/sample_buffer.hpp"

namespace simvx {

// Throws InputError (naming the file) when it cannot be decoded.
SharedBuffer load_sound(const std::string& path, uint32_t engine_rate);

}  // namespace simvx
