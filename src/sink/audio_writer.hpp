// What the file sink writes through: the WAV writer or one encoder per codec.
// A writer turns float frames into its format's bytes on a FILE it does not
// own; the sink owns the file, its temporary name and its renaming.
#pragma once
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>

#include "core/audio_spec.hpp"
#include "core/tags.hpp"

namespace simvx {

// Where and what a writer writes.
struct WriterTarget {
    std::FILE* file;
    std::string name;                        // for messages: the path, or "standard output"
    bool seekable;                           // a regular file: headers can be rewritten at the end
    AudioSpec spec;
    std::optional<uint64_t> expected_frames;  // the render's length when known in advance
    // Tags will follow the audio (add_late_tags): the writer keeps room for
    // them. Only for the file sink's own temporary file, which can be read
    // back and rewritten in place.
    bool late_tags = false;
};

class AudioWriter {
public:
    virtual ~AudioWriter() = default;
    // Interleaved frames, in order. Throws OutputError (ClosedOutputError for a closed pipe).
    virtual void write(std::span<const float> samples) = 0;
    // Flushes the encoder and completes the stream (headers, lengths). Throws as write().
    virtual void finalize() = 0;
    // Tags known only once the audio is written (--stats' loudness), put in
    // the room kept for them (WriterTarget::late_tags) in place: after
    // finalize(), before the file is closed. Throws OutputError.
    virtual void add_late_tags(const Tags& tags) { (void)tags; }
    // Samples clamped to full scale when quantized (integer formats).
    virtual uint64_t clipped() const { return 0; }
};

}  // namespace simvx
