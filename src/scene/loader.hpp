// TOML → validated Scene. Every problem is reported with file:line:col, the
// key, what is allowed and a "did you mean" where a near name exists; all the
// problems of a file are collected, not just the first.
#pragma once
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

#include "core/error.hpp"
#include "scene/diagnostic.hpp"
#include "scene/scene.hpp"

namespace simvx {

// Thrown with every diagnostic of the file; what() joins them one per line.
class SceneError : public InputError {
public:
    explicit SceneError(std::vector<SceneDiagnostic> diags);
    const std::vector<SceneDiagnostic>& diagnostics() const { return diags_; }

private:
    std::vector<SceneDiagnostic> diags_;
};

// Reads and validates a scene file. Relative `file` paths are resolved against
// the scene's folder; missing files are reported at their `file` key.
Scene load_scene_file(const std::string& path);

// The same from text already in memory; `path` names it in messages and sets
// the folder that relative sound paths are resolved against.
Scene load_scene_text(std::string_view text, const std::string& path);

// The envelope that [[sound]] key `key` (volume_db, pan or pitch) holds in
// `holder`, read by the sound table's own row (its range and checks), for a
// value given outside a scene (live control). Throws SceneError with what is
// wrong, or when the value is not an envelope.
Envelope read_sound_key_envelope(const toml::table& holder, std::string_view key);

// The keys of each table of the format, from the loader's own tables (for
// --list keys and the completions): "[engine]" → sample_rate, channels, ...
struct SceneTableKeys {
    std::string table;
    std::vector<std::string> keys;
};
std::vector<SceneTableKeys> scene_keys();

// True when the file is meant as a scene: text named .toml or shaped like TOML
// (headers and key = value lines): lets `simvxplay thing` tell scenes from audio
// files, and sends a broken scene to the loader, which says where it is wrong.
bool looks_like_scene(const std::string& path);

}  // namespace simvx
