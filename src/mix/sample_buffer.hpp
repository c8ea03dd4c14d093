// A sound decoded into memory at the engine rate, ready for voices to play.
// Immutable once built, so any number of voices can share it across threads.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/sample_vector.hpp"

namespace simvx {

struct SampleBuffer {
    uint32_t rate = 48000;
    uint32_t channels = 2;       // decoded_channels(): 1 or 2, or the file's own for surround buses
    uint32_t channel_mask = 0;   // their speakers (core/speakers.hpp) when more than 2; 0 = the usual layout
    SampleVector samples;        // interleaved, finite
    // Where it came from, for messages and --check.
    std::string path;
    std::string format;          // the decoder's description
    uint32_t source_rate = 0;
    uint32_t source_channels = 0;

    uint64_t frames() const { return samples.size() / channels; }
    double seconds() const { return static_cast<double>(frames()) / rate; }
};

using SharedBuffer = std::shared_ptr<const SampleBuffer>;

}  // namespace simvx
