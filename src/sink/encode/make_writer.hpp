// The writer for an encoding: the WAV writer, or the codec's encoder.
#pragma once
#include <memory>

#include "sink/audio_writer.hpp"
#include "sink/encoding.hpp"

namespace simvx {

// Writes the stream's header at once; throws OutputError when the encoder
// refuses the format (a rate or channel count the codec cannot take).
std::unique_ptr<AudioWriter> make_writer(const WriterTarget& target, const Encoding& encoding);

}  // namespace simvx
