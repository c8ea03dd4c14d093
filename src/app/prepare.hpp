// Scene → everything the engine needs: sounds decoded (in parallel, each file
// once), timing checked against the real lengths, voices set up in frames.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "mix/engine.hpp"
#include "mix/sample_buffer.hpp"
#include "scene/scene.hpp"

namespace simvx {

struct PreparedScene {
    EngineConfig config;
    std::vector<VoiceSetup> voices;
    std::map<std::string, SharedBuffer> buffers;  // by path, for summaries
};

// Throws InputError listing every sound that cannot be used (file:line:col first).
PreparedScene prepare_scene(const Scene& scene);

}  // namespace simvx
