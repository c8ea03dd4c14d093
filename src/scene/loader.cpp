// TOML → validated Scene: reads the file (or text), parses the TOML, and
// runs the scene's tables (scene_tables.hpp) and then its rules across
// tables (scene_rules.hpp) against it, collecting every problem; all of them
// are thrown at the end, sorted by position in the file. Also tells scene
// files from audio files (looks_like_scene) and lists the format's keys.
#include "scene/loader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <toml++/toml.h>

#include "scene/scene_rules.hpp"
#include "scene/scene_tables.hpp"
#include "scene/toml_schema.hpp"

namespace fs = std::filesystem;

namespace simvx {
namespace {

std::string join_diagnostics(const std::vector<SceneDiagnostic>& diags) {
    std::string s;
    for (const auto& d : diags) {
        if (!s.empty()) s += '\n';
        s += d.str();
    }
    return s;
}

Scene validate(const toml::table& root, const std::string& path) {
    schema::Checker c(path);
    scene_format::Draft d;
    scene_format::read_scene(c, root, d);
    check_scene(c, d);
    auto diags = c.take();
    if (!diags.empty()) throw SceneError(std::move(diags));
    for (auto& s : d.sounds) d.scene.sounds.push_back(std::move(s.desc));
    return std::move(d.scene);
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

// Reads at most `limit` bytes (nullopt when the file is longer, or on a read error).
std::optional<std::string> read_all(std::FILE* f, size_t limit) {
    std::string text;
    char buf[65536];
    while (true) {
        const size_t got = std::fread(buf, 1, sizeof buf, f);
        text.append(buf, got);
        if (text.size() > limit) return std::nullopt;
        if (got < sizeof buf) break;
    }
    if (std::ferror(f)) return std::nullopt;
    return text;
}

}  // namespace

SceneError::SceneError(std::vector<SceneDiagnostic> diags)
    : InputError(join_diagnostics(diags)), diags_(std::move(diags)) {}

Envelope read_sound_key_envelope(const toml::table& holder, std::string_view key) {
    schema::Checker c("request");
    scene_format::SoundEntry entry;
    const std::string in = "in [[sound]]";
    const toml::node* node = holder.get(key);
    const auto fields = scene_format::sound_fields();
    const auto row = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.key == key; });
    if (node && row != fields.end() && row->read) row->read(c, schema::Item{key, *node, in}, entry);
    if (auto diags = c.take(); !diags.empty()) throw SceneError(std::move(diags));
    const SoundDesc& s = entry.desc;
    const std::optional<Envelope>& e = key == "volume_db" ? s.volume_db_envelope
                                       : key == "pan"     ? s.pan_envelope
                                       : key == "pitch"   ? s.pitch_envelope
                                                          : std::nullopt;
    if (!e) throw SceneError({SceneDiagnostic{.message = "'" + std::string(key) + "' " + in + " is not an envelope"}});
    return *e;
}

Scene load_scene_text(std::string_view text, const std::string& path) {
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        throw SceneError({SceneDiagnostic{SourceLocation{path, begin.line, begin.column},
                                          "TOML syntax error: " + std::string(e.description())}});
    }
    return validate(root, path);
}

Scene load_scene_file(const std::string& path) {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f) throw InputError(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fileno(f.get()), &st) == 0 && S_ISDIR(st.st_mode))
        throw InputError(path + ": cannot open: " + std::strerror(EISDIR));
    std::string text;
    char buf[65536];
    size_t got = 0;
    while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, got);
    if (std::ferror(f.get())) throw InputError(path + ": read error: " + std::strerror(errno));
    return load_scene_text(text, path);
}

namespace {

template <class T>
SceneTableKeys keys_of(std::string_view table, std::span<const schema::Field<T>> fields) {
    return {std::string(table), schema::supported_keys(fields)};
}

}  // namespace

std::vector<SceneTableKeys> scene_keys() {
    using namespace scene_format;
    // Read from the same tables the loader validates with; effects' keys
    // depend on their type (see effect_types()).
    std::vector<SceneTableKeys> all = {
        keys_of("(top level)", root_fields()),
        keys_of(kEngine.header, engine_fields()),
        keys_of(kListener.header, listener_fields()),
        keys_of(kBus.header, bus_fields()),
        keys_of("[[bus]] sends", send_fields()),
        keys_of(kSound.header, sound_fields()),
        keys_of("[[sound]] sends", send_fields()),
        keys_of(kSpatial.header, spatial_fields()),
        keys_of("[sound.spatial] cone", cone_fields()),
        keys_of(kStream.header, stream_fields()),
        keys_of("[[bus.effect]] bands (eq)", band_fields()),
    };
    all.push_back({"[[bus.effect]]", {"type", "enabled"}});
    return all;
}

namespace {

// The shape of TOML: every line that says something is a [table] or
// [[array]] header or a `key = value`, and at least one is a key. Prose,
// code and other text formats fail on their first few lines.
bool has_toml_shape(std::string_view text) {
    size_t keys = 0, lines = 0, other = 0;
    bool in_multiline = false;  // inside a multi-line string or array: no shape to check
    auto opens_multiline = [](std::string_view v) {
        return v.find("'''") != std::string_view::npos || v.find("\"\"\"") != std::string_view::npos;
    };
    while (!text.empty() && lines < 200) {
        const size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        ++lines;
        if (in_multiline) {
            if (opens_multiline(line) || line.front() == ']') in_multiline = false;
            continue;
        }
        if (line.front() == '[') {
            if (line.find(']') == std::string_view::npos) ++other;
            continue;
        }
        const size_t eq = line.find('=');
        const std::string_view key = line.substr(0, eq);
        constexpr std::string_view kKeyChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.\"' ";
        if (eq == std::string_view::npos || eq == 0 || key.find_first_not_of(kKeyChars) != std::string_view::npos) {
            ++other;
            continue;
        }
        ++keys;
        const std::string_view value = line.substr(eq + 1);
        if (opens_multiline(value) || (value.find('[') != std::string_view::npos && value.find(']') == std::string_view::npos))
            in_multiline = true;
    }
    return keys > 0 && other * 10 <= lines;  // a stray line in ten: a syntax error the loader will point at
}

bool has_toml_suffix(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return ext == ".toml";
}

}  // namespace

// A text file is a scene when it is named .toml or has the shape of TOML:
// then the loader, not the audio sniffer, says what is wrong with it (a
// trailing comma, a missing or unsupported version) with file:line:col,
// instead of "not a supported audio file".
bool looks_like_scene(const std::string& path) {
    constexpr size_t limit = 1 << 20;
    try {
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) return false;
        std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
        if (!f) return false;
        // Binary files show a NUL byte almost at once; check the start before reading on.
        char head[4096];
        const size_t got = std::fread(head, 1, sizeof head, f.get());
        if (std::memchr(head, '\0', got)) return false;
        std::string text(head, got);
        if (got == sizeof head) {
            auto rest = read_all(f.get(), limit - text.size());
            if (!rest || rest->find('\0') != std::string::npos) return false;
            text += *rest;
        }
        if (has_toml_suffix(path) || has_toml_shape(text)) return true;
        // Any valid TOML document with a version key is meant as a scene too.
        const toml::table root = toml::parse(text, std::string_view(path));
        return root.contains("version");
    } catch (...) {
        return false;
    }
}

}  // namespace simvx
