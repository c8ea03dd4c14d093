// Decodes a whole file into a SampleBuffer at the engine rate: any format the
// registry knows, NaN/inf replaced by silence, more than two channels
// downmixed to stereo (BS.775), then converted to the engine rate (libsoxr HQ).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "decode/decoder.hpp"
#include "mix/sample_buffer.hpp"

namespace simvx {

// Throws InputError (naming the file) when it cannot be decoded.
SharedBuffer load_sound(const std::string& path, uint32_t engine_rate);
// The same from a decoder already opened on `path`; with `keep_channels`
// (surround buses) a file of more than two channels keeps them (decoded_channels()).
SharedBuffer load_sound(std::unique_ptr<Decoder> decoder, const std::string& path, uint32_t engine_rate,
                        bool keep_channels = false);

// Throws InputError when a decoder's format is outside what the engine plays.
void check_playable(const std::string& path, const DecoderInfo& info);

}  // namespace simvx
