// The format of a stream of interleaved float frames.
#pragma once
#include <cstdint>

namespace simvx {

struct AudioSpec {
    uint32_t rate = 48000;   // frames per second
    uint32_t channels = 2;   // interleaved channels per frame
    friend bool operator==(const AudioSpec&, const AudioSpec&) = default;
};

}  // namespace simvx
