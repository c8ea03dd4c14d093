// The keys of a `play` or `load` request that describe a sound (file, bus,
// volume_db, pitch, pan, loop, fade_in, from_position, spatial...) are the
// scene format's [[sound]] keys, so the scene loader reads them: the same
// types, ranges, rules and "did you mean" as in a scene file, with no second
// copy of the format to drift apart.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "scene/scene.hpp"

namespace simvx {

// `keys` (a JSON object of [[sound]] keys) as a validated sound of `scene`
// (its buses are the ones a `bus` key may name). Relative files are found
// from `folder`. Throws RequestError with the loader's first problem.
SoundDesc read_sound_request(const nlohmann::json& keys, const Scene& scene, const std::string& folder);

// `base` (a sound of the scene, by its table as written) with `keys` laid
// over it: a key given replaces the scene's, a table given (spatial) is
// merged key by key. The scene's timing keys (start, stop, enabled) are
// dropped: a sound played live starts when the request says.
SoundDesc read_sound_request(const nlohmann::json& keys, const SoundDesc& base, const Scene& scene,
                             const std::string& folder);

// A bus's volume envelope given in a request ({"points": [[t, dB], ...],
// "curve": ...}, as in a scene): read by the scene loader, with its checks.
// Throws RequestError with the loader's first problem.
Envelope read_bus_envelope_request(const nlohmann::json& table);
// The same for a sound's `key` (volume_db, pan or pitch), with its range.
Envelope read_sound_envelope_request(const nlohmann::json& table, const std::string& key);
// The same for parameter `key` of an effect of type `type` (its range and checks).
Envelope read_effect_envelope_request(const nlohmann::json& table, const std::string& type, const std::string& key);

}  // namespace simvx
