// Opens the right decoder for an input by looking at its bytes.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "decode/decoder.hpp"

namespace simvx {

// Throws InputError naming the source and what its bytes look like when no
// decoder takes it ("an Ogg stream of Speex audio", "an AU/SND file", ...).
std::unique_ptr<Decoder> open_decoder(std::unique_ptr<ByteSource> src);
std::unique_ptr<Decoder> open_decoder_file(const std::string& path);

// The names of the formats, for --help and --version.
std::string supported_formats();
// The decoders, one name each, in the order they are tried (for --list formats).
std::vector<std::string> decoder_names();

}  // namespace simvx
