// Voices and buses the engine tests build again and again: constant-level
// mono sources (so every output sample says what gain reached it) and buses.
#pragma once
#include <memory>
#include <optional>

#include "mix/engine.hpp"

namespace simvx::fixtures {

inline constexpr uint32_t kRate = 48000;

// `frames` mono frames of value `v`.
inline SharedBuffer constant(float v, size_t frames) {
    auto b = std::make_shared<SampleBuffer>();
    b->rate = kRate;
    b->channels = 1;
    b->samples.assign(frames, v);
    return b;
}

// A constant-level sound on bus `bus`, from scene frame `start` for `frames` frames.
inline VoiceSetup voice_on(size_t bus, float level, size_t frames = 4800, uint64_t start = 0) {
    VoiceSetup v;
    v.bus = bus;
    v.start_frame = start;
    v.end_frame = start + frames;
    v.source = std::make_unique<BufferSource>(constant(level, frames), 0, false, 0, 0);
    return v;
}

inline BusSetup bus(const char* name, std::optional<size_t> parent, float gain = 1.0f) {
    BusSetup b;
    b.name = name;
    b.parent = parent;
    b.gain = gain;
    return b;
}

}  // namespace simvx::fixtures
