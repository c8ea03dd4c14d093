#include "app/check_files.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <toml++/toml.h>

#include "assemble/prepare.hpp"
#include "decode/registry.hpp"
#include "mix/sound_loader.hpp"

namespace simvx {
namespace {

// What decoding the whole file found: its length, or what stopped it.
struct Decoded {
    std::string error;  // empty when the whole file decodes
    uint64_t frames = 0;
    uint32_t rate = 0;
};

Decoded decode(const std::string& path) {
    Decoded r;
    try {
        auto d = open_decoder_file(path);
        check_playable(path, d->info());
        r.rate = d->info().spec.rate;
        const size_t channels = d->info().spec.channels;
        std::vector<float> buf(16384 * channels);
        while (const size_t n = d->read(buf)) r.frames += n;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

// The sound's timing keys that hold numbers of the right type (the loader
// has reported the others), for the same checks the render makes.
SoundDesc timing_of(const toml::table& t, const std::string& file) {
    SoundDesc s;
    s.file = file;
    if (auto name = t["name"].value<std::string>()) s.name = *name;
    else s.name = std::filesystem::path(file).filename().string();
    auto number = [&](const char* key, double& into) {
        if (auto v = t[key].value<double>(); v && std::isfinite(*v) && *v >= 0) into = *v;
    };
    number("from_position", s.from_position);
    number("loop_start", s.loop_start);
    number("loop_end", s.loop_end);
    if (auto loop = t["loop"].value<bool>()) s.loop = *loop;
    return s;
}

bool regular_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

SceneError with_file_problems(const SceneError& error, const std::string& scene_path) {
    std::vector<SceneDiagnostic> diags = error.diagnostics();
    toml::table root;
    try {
        root = toml::parse_file(scene_path);
    } catch (const toml::parse_error&) {
        return error;  // a syntax error: there is nothing to read the sounds from
    }
    const std::filesystem::path dir = std::filesystem::path(scene_path).parent_path();
    std::map<std::string, Decoded> decoded;  // each file decoded once, its error reported once
    if (const toml::array* sounds = root["sound"].as_array()) {
        for (const toml::node& n : *sounds) {
            const toml::table* t = n.as_table();
            const toml::node* file = t ? t->get("file") : nullptr;
            const auto given = file ? file->value<std::string>() : std::nullopt;
            if (!given) continue;
            std::filesystem::path p(*given);
            if (p.is_relative()) p = dir / p;
            // Missing or unreadable files are already the loader's diagnostics.
            if (!regular_file(p.string())) continue;
            const bool first = !decoded.contains(p.string());
            if (first) decoded.emplace(p.string(), decode(p.string()));
            const Decoded& d = decoded.at(p.string());
            if (!d.error.empty()) {
                if (!first) continue;
                const auto& at = file->source().begin;
                diags.push_back({SourceLocation{scene_path, at.line, at.column}, d.error});  // worded as prepare_scene words it
                continue;
            }
            // Timing against the file's length: reported with the key errors, not after they are fixed.
            const SoundDesc sound = timing_of(*t, *given);
            if (auto why = timing_problem(sound, d.frames, d.rate); !why.empty()) {
                const auto& at = t->source().begin;
                diags.push_back({SourceLocation{scene_path, at.line, at.column}, "sound '" + sound.name + "': " + why});
            }
        }
    }
    std::stable_sort(diags.begin(), diags.end(), [](const SceneDiagnostic& a, const SceneDiagnostic& b) {
        return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    return SceneError(std::move(diags));
}

}  // namespace simvx
