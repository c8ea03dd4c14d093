#include "app/check_files.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <toml++/toml.h>

#include "decode/registry.hpp"
#include "mix/sound_loader.hpp"

namespace simvx {
namespace {

// Empty when the whole file decodes; otherwise what stopped it.
std::string decode_problem(const std::string& path) {
    try {
        auto d = open_decoder_file(path);
        check_playable(path, d->info());
        std::vector<float> buf(16384 * static_cast<size_t>(d->info().spec.channels));
        while (d->read(buf) > 0) {
        }
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
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
    std::set<std::string> seen;
    if (const toml::array* sounds = root["sound"].as_array()) {
        for (const toml::node& n : *sounds) {
            const toml::table* t = n.as_table();
            const toml::node* file = t ? t->get("file") : nullptr;
            const auto given = file ? file->value<std::string>() : std::nullopt;
            if (!given) continue;
            std::filesystem::path p(*given);
            if (p.is_relative()) p = dir / p;
            // Missing or unreadable files are already the loader's diagnostics.
            if (!regular_file(p.string()) || !seen.insert(p.string()).second) continue;
            if (auto why = decode_problem(p.string()); !why.empty()) {
                const auto& at = file->source().begin;
                diags.push_back({SourceLocation{scene_path, at.line, at.column}, why});  // worded as prepare_scene words it
            }
        }
    }
    std::stable_sort(diags.begin(), diags.end(), [](const SceneDiagnostic& a, const SceneDiagnostic& b) {
        return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    return SceneError(std::move(diags));
}

}  // namespace simvx
