// The scene format's tables: each TOML table's keys as a field list (a row
// per key: its reader, its range; a new key is a new row) and the readers of
// the tables that need more than rows (sound files that must exist, required
// keys, Master). The 3D tables are in spatial_tables.cpp, [[bus.effect]] in
// effect_table.cpp; the generic reading and reporting is toml_schema's, the
// rules across tables are scene_rules'.
#include "scene/scene_tables.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "core/speakers.hpp"
#include "scene/envelope_table.hpp"

namespace fs = std::filesystem;

namespace simvx::scene_format {

using namespace schema;

namespace {

constexpr Range kVolumeDb{-120, 24, false, "dB"};
constexpr Range kPan{-1, 1, false, ""};
constexpr Range kPitch{0.01, 16, false, ""};
constexpr TableKind kSend{"sends", "a send"};

void read_sends(Checker& c, const Item& it, std::vector<SendDesc>& sends) {
    read_table_list(c, it, kSend, send_fields(), "bus", sends,
                    [](SendDesc& send, const SourceLocation& at) { send.where = at; });
}

// Problems with a sound file, or nothing when it can be opened for reading.
std::optional<std::string> unreadable(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::strerror(errno);
    if (S_ISDIR(st.st_mode)) return "it is a directory, not a file";
    if (!S_ISREG(st.st_mode)) return "it is not a regular file";
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return std::strerror(errno);
    std::fclose(f);
    return std::nullopt;
}

// A sound file's (or the HRTF set's) path, resolved against the scene's
// folder; a file that cannot be opened is reported at `it`.
std::optional<std::string> read_sound_file(Checker& c, const Item& it) {
    auto given = read_string(c, it);
    if (!given) return std::nullopt;
    fs::path p(*given);
    if (p.is_relative()) p = c.dir() / p;
    std::string file = p.string();
    if (auto why = unreadable(file)) {
        const std::string resolved = file == *given ? "" : " (resolved to " + quote(file) + ")";
        c.error(it.node.source(), it.subject() + ": cannot open " + quote(*given) + resolved + ": " + *why);
    }
    return file;
}

void read_file_key(Checker& c, const Item& it, SoundEntry& s) {
    if (auto file = read_sound_file(c, it)) {
        s.desc.file = std::move(*file);
        s.desc.file_where = c.at(it.node.source());
    }
}

// files = ["a.wav", "b.wav", ...]: the files a varied sound picks among.
void read_files_key(Checker& c, const Item& it, SoundEntry& s) {
    const toml::array* a = it.node.as_array();
    if (!a || a->empty()) {
        type_error(c, it, "a list of one or more file names");
        return;
    }
    SoundVariation& v = s.desc.variation;
    for (const toml::node& n : *a) {
        if (auto file = read_sound_file(c, Item{it.key, n, it.in})) {
            v.files.push_back(std::move(*file));
            v.files_where.push_back(c.at(n.source()));
        }
    }
    if (v.files.empty()) return;
    s.desc.file = v.files.front();  // its default name, and what --check names first
    s.desc.file_where = v.files_where.front();
}

void read_stream_mode(Checker& c, const Item& it, SoundEntry& s) {
    if (auto* b = it.node.as_boolean()) {
        s.desc.stream = b->get() ? StreamMode::always : StreamMode::never;
        return;
    }
    if (auto* str = it.node.as_string(); str && str->get() == "auto") {
        s.desc.stream = StreamMode::automatic;
        return;
    }
    c.error(it.node.source(), it.subject() + " must be \"auto\", true or false, found " + describe(it.node));
}

// max_voices and steal, of a sound or a bus.
template <class T>
Reader<T> voice_limit_field(VoiceLimit T::*limit) {
    return [limit](Checker& c, const Item& it, T& out) {
        if (auto v = read_integer(c, it, 1, 1024, "")) (out.*limit).max = static_cast<uint32_t>(*v);
    };
}
template <class T>
Reader<T> steal_field(VoiceLimit T::*limit) {
    return [limit](Checker& c, const Item& it, T& out) {
        if (auto v = read_choice(c, it, std::span<const Choice<StealPolicy>>(kStealPolicyNames))) (out.*limit).steal = *v;
    };
}

// 'steal' says what max_voices does when full: without a limit it means nothing.
void check_steal(Checker& c, const Seen& seen, std::string_view table) {
    if (const toml::node* steal = seen.find("steal"); steal && !seen.find("max_voices"))
        c.error(steal->source(), "'steal' in " + std::string(table) + " says which voice gives way when 'max_voices' are "
                                 "playing: give max_voices");
}

// Adapts a SoundDesc reader to the SoundEntry the sound fields fill.
Reader<SoundEntry> on_desc(Reader<SoundDesc> read) {
    return [read = std::move(read)](Checker& c, const Item& it, SoundEntry& s) { read(c, it, s.desc); };
}

void read_bus(Checker& c, const toml::table& table, Draft& d) {
    BusDesc bus;
    bus.where = c.at(table.source());
    const Seen seen = read_table(c, table, kBus, bus_fields(), bus);
    check_steal(c, seen, "[[bus]]");
    const toml::node* name = seen.find("name");
    if (!name) {
        c.error(table.source(), "missing required key 'name' in [[bus]]");
        return;
    }
    if (bus.name.empty()) return;  // already reported
    const auto first = std::find_if(d.scene.buses.begin(), d.scene.buses.end(),
                                    [&](const BusDesc& b) { return b.name == bus.name && b.where.line; });
    if (first != d.scene.buses.end()) {
        c.error(name->source(), "bus " + quote(bus.name) + " is declared twice (first at " + first->where.str() + ")");
        return;
    }
    if (bus.name != kMaster) {
        d.scene.buses.push_back(std::move(bus));
        return;
    }
    // Master is the output: it feeds nothing.
    if (const toml::node* to = seen.find("send_to"))
        c.error(to->source(), "bus \"Master\" is the output and has no 'send_to'");
    if (const toml::node* sends = seen.find("sends"))
        c.error(sends->source(), "bus \"Master\" is the output and cannot have 'sends' (they would feed back into it)");
    bus.send_to.clear();
    d.scene.buses.front() = std::move(bus);
}

void read_sound(Checker& c, const toml::table& table, Draft& d) {
    SoundEntry s;
    s.desc.where = c.at(table.source());
    const Seen seen = read_table(c, table, kSound, sound_fields(), s);
    check_steal(c, seen, "[[sound]]");
    const toml::node* files = seen.find("files");
    if (!seen.find("file") && !files) c.error(table.source(), "missing required key 'file' in [[sound]] (or 'files')");
    if (seen.find("file") && files)
        c.error(files->source(), "'files' in [[sound]] picks among several files: give 'file' or 'files', not both");
    if (const toml::node* pick = seen.find("pick"); pick && !files)
        c.error(pick->source(), "'pick' in [[sound]] chooses among 'files': give the files");
    if (const toml::node* repeat = seen.find("repeat"); repeat && s.desc.loop)
        c.error(repeat->source(), "'repeat' in [[sound]] triggers the sound again and again; a looping sound never "
                                  "ends: give 'loop' or 'repeat'");
    if (!seen.find("name") && !s.desc.file.empty()) s.desc.name = fs::path(s.desc.file).filename().string();
    if (const toml::node* pan = seen.find("pan"); pan && seen.find("spatial"))
        c.error(pan->source(), "'pan' in [[sound]] is for 2D sounds; a sound with [sound.spatial] is panned by its "
                               "position");
    const auto& desc = s.desc;
    if (const toml::node* stop = seen.find("stop"); stop && desc.stop && *desc.stop <= desc.start)
        c.error(stop->source(), "'stop' in [[sound]] must be after its start (" + format_number(desc.start) +
                                    " s), found " + literal(*stop));
    if (const toml::node* end = seen.find("loop_end"); end && desc.loop_end != 0 && desc.loop_end <= desc.loop_start)
        c.error(end->source(), "'loop_end' in [[sound]] must be greater than loop_start (" +
                                   format_number(desc.loop_start) + " s), or 0 for the end of the file, found " +
                                   literal(*end));
    toml::table as_written = table;
    if (!s.desc.file.empty()) as_written.insert_or_assign("file", s.desc.file);
    std::ostringstream text;
    text << as_written;
    s.desc.table_toml = text.str();
    d.sounds.push_back(std::move(s));
}

// `source` of a [[stream]]: "-" or a path that exists (a FIFO, a file), resolved like `file`.
void read_stream_source(Checker& c, const Item& it, StreamDesc& st) {
    auto given = read_string(c, it);
    if (!given) return;
    st.source_where = c.at(it.node.source());
    if (*given == "-") {
        st.source = "-";
        return;
    }
    fs::path p(*given);
    if (p.is_relative()) p = c.dir() / p;
    st.source = p.string();
    struct stat info {};
    const char* why = ::stat(st.source.c_str(), &info) != 0 ? std::strerror(errno)
                      : S_ISDIR(info.st_mode)                ? "it is a directory"
                                                             : nullptr;
    if (why) {
        const std::string resolved = st.source == *given ? "" : " (resolved to " + quote(st.source) + ")";
        c.error(it.node.source(), it.subject() + ": cannot open " + quote(*given) + resolved + ": " + why +
                                      " (\"-\" reads standard input)");
    }
}

void read_stream(Checker& c, const toml::table& table, Draft& d) {
    StreamDesc st;
    st.where = c.at(table.source());
    const Seen seen = read_table(c, table, kStream, stream_fields(), st);
    if (!seen.find("source")) c.error(table.source(), "missing required key 'source' in [[stream]] (\"-\" for standard input)");
    st.format_given = seen.find("format") != nullptr;
    d.scene.streams.push_back(std::move(st));
}

// An [engine] tag key: its string under the Vorbis comment name `key`.
Reader<EngineSettings> tag_field(const char* key) {
    return [key](Checker& c, const Item& it, EngineSettings& e) {
        if (auto v = read_string(c, it)) set_tag(e.tags, key, std::move(*v));
    };
}

void read_version(Checker& c, const Item& it, Draft& d) {
    d.has_version = true;
    auto* v = it.node.as_integer();
    if (!v)
        type_error(c, it, "the integer 1");
    else if (v->get() != 1)
        c.error(it.node.source(), "unsupported scene format version " + std::to_string(v->get()) + "; " +
                                      product() + " reads version = 1");
}

}  // namespace

std::span<const Field<Draft>> root_fields() {
    static const Field<Draft> fields[] = {
        {"version", read_version},
        {"engine",
         [](Checker& c, const Item& it, Draft& d) {
             if (const toml::table* t = table_of(c, it, "a table ([engine])"))
                 read_table(c, *t, kEngine, engine_fields(), d.scene.engine);
         },
         Shape::table},
        {"listener", [](Checker& c, const Item& it, Draft& d) { read_listener(c, it, d.scene.listener); },
         Shape::table},
        {"bus",
         [](Checker& c, const Item& it, Draft& d) {
             for_each_table(c, it, kBus.header, [&](const toml::table& t) { read_bus(c, t, d); });
         },
         Shape::table_array},
        {"sound",
         [](Checker& c, const Item& it, Draft& d) {
             for_each_table(c, it, kSound.header, [&](const toml::table& t) { read_sound(c, t, d); });
         },
         Shape::table_array},
        {"stream",
         [](Checker& c, const Item& it, Draft& d) {
             for_each_table(c, it, kStream.header, [&](const toml::table& t) { read_stream(c, t, d); });
         },
         Shape::table_array},
    };
    return fields;
}

std::span<const Field<EngineSettings>> engine_fields() {
    static const Field<EngineSettings> fields[] = {
        {"sample_rate", integer_field(&EngineSettings::sample_rate, 8000, 192000, "Hz")},
        {"channels",
         [](Checker& c, const Item& it, EngineSettings& e) {
             const auto n = read_integer(c, it, INT64_MIN, INT64_MAX, "");  // the layouts say which
             if (n && (*n < 0 || !speaker::is_output_layout(static_cast<uint64_t>(*n))))
                 c.error(it.node.source(), it.subject() + " must be " + speaker::kOutputLayouts + ", found " +
                                               std::to_string(*n));
             else if (n) e.channels = static_cast<uint32_t>(*n);
         }},
        {"latency_ms", integer_field(&EngineSettings::latency_ms, 1, 2000, "ms")},
        {"duration", number_field(&EngineSettings::duration, Range{0, kMaxTimeSeconds, true, "s"})},
        {"pan_law", choice_field(&EngineSettings::pan_law, std::span<const Choice<PanLaw>>(kPanLawNames))},
        {"resampler",
         choice_field(&EngineSettings::interpolator, std::span<const Choice<Interpolator>>(kInterpolatorNames))},
        {"speed_of_sound", number_field(&EngineSettings::speed_of_sound, Range{0, 10000, true, "m/s"})},
        {"doppler_factor", number_field(&EngineSettings::doppler_factor, Range{0, 100, false, ""})},
        {"air_absorption", number_field(&EngineSettings::air_absorption, Range{0, 10, false, ""})},
        {"spatial",
         choice_field(&EngineSettings::spatial, std::span<const Choice<SpatialRendering>>(kSpatialRenderingNames))},
        {"hrtf_file",
         [](Checker& c, const Item& it, EngineSettings& e) {
             if (auto file = read_sound_file(c, it)) e.hrtf_file = std::move(*file);
         }},
        {"seed", integer_field(&EngineSettings::seed, 0, INT64_MAX)},
        {"virtual_below_db", number_field(&EngineSettings::virtual_below_db, Range{-200, 0, false, "dB"})},
        {"lfe_db", number_field(&EngineSettings::lfe_db, Range{-96, 12, false, "dB"})},
        {"lfe_cutoff_hz", number_field(&EngineSettings::lfe_cutoff_hz, Range{20, 500, false, "Hz"})},
        {"title", tag_field("TITLE")},
        {"artist", tag_field("ARTIST")},
        {"album", tag_field("ALBUM")},
        {"comment", tag_field("COMMENT")},
        {"date", tag_field("DATE")},
        {"genre", tag_field("GENRE")},
    };
    return fields;
}

std::span<const Field<BusDesc>> bus_fields() {
    static const Field<BusDesc> fields[] = {
        {"name", string_field(&BusDesc::name)},
        {"volume_db", automatable_field(&BusDesc::volume_db, &BusDesc::volume_db_envelope, kVolumeDb)},
        {"mute", bool_field(&BusDesc::mute)},
        {"solo", bool_field(&BusDesc::solo)},
        {"bypass_effects", bool_field(&BusDesc::bypass_effects)},
        {"send_to",
         [](Checker& c, const Item& it, BusDesc& b) {
             if (auto v = read_string(c, it)) {
                 b.send_to = std::move(*v);
                 b.send_to_where = c.at(it.node.source());
             }
         }},
        {"sends", [](Checker& c, const Item& it, BusDesc& b) { read_sends(c, it, b.sends); }},
        {"max_voices", voice_limit_field(&BusDesc::voices)},
        {"steal", steal_field(&BusDesc::voices)},
        {"effect",
         [](Checker& c, const Item& it, BusDesc& b) {
             for_each_table(c, it, "[[bus.effect]]", [&](const toml::table& t) { read_effect(c, t, b); });
         },
         Shape::table_array},
    };
    return fields;
}

std::span<const Field<SendDesc>> send_fields() {
    static const Field<SendDesc> fields[] = {
        {"bus", string_field(&SendDesc::bus)},
        {"volume_db", automatable_field(&SendDesc::volume_db, &SendDesc::volume_db_envelope, kVolumeDb)},
    };
    return fields;
}

std::span<const Field<SoundEntry>> sound_fields() {
    static const Field<SoundEntry> fields[] = {
        {"name",
         [](Checker& c, const Item& it, SoundEntry& s) {
             if (auto v = read_string(c, it)) {
                 s.desc.name = std::move(*v);
                 s.name = &it.node;
             }
         }},
        {"file", read_file_key},
        {"files", read_files_key},
        {"pick",
         [](Checker& c, const Item& it, SoundEntry& s) {
             if (auto v = read_choice(c, it, std::span<const Choice<FilePick>>(kFilePickNames))) s.desc.variation.pick = *v;
         }},
        {"bus",
         [](Checker& c, const Item& it, SoundEntry& s) {
             if (auto v = read_string(c, it)) {
                 s.desc.bus = std::move(*v);
                 s.desc.bus_where = c.at(it.node.source());
             }
         }},
        {"volume_db", randomizable(on_desc(automatable_field(&SoundDesc::volume_db, &SoundDesc::volume_db_envelope, kVolumeDb)),
                                   &SoundVariation::volume_db, kVolumeDb)},
        {"pitch", randomizable(on_desc(automatable_field(&SoundDesc::pitch, &SoundDesc::pitch_envelope, kPitch)),
                               &SoundVariation::pitch, kPitch)},
        {"loop", on_desc(bool_field(&SoundDesc::loop))},
        {"loop_start", on_desc(number_field(&SoundDesc::loop_start, seconds()))},
        {"loop_end", on_desc(number_field(&SoundDesc::loop_end, seconds()))},
        {"start", on_desc(number_field(&SoundDesc::start, seconds()))},
        {"from_position", randomizable(on_desc(number_field(&SoundDesc::from_position, seconds())),
                                       &SoundVariation::from_position, seconds())},
        {"fade_in", on_desc(number_field(&SoundDesc::fade_in, seconds()))},
        {"fade_out", on_desc(number_field(&SoundDesc::fade_out, seconds()))},
        {"pan", randomizable(on_desc(automatable_field(&SoundDesc::pan, &SoundDesc::pan_envelope, kPan)), &SoundVariation::pan,
                             kPan)},
        {"repeat",
         [](Checker& c, const Item& it, SoundEntry& s) { read_repeat(c, it, s.desc.variation.repeat.emplace()); },
         Shape::table},
        {"max_voices", on_desc(voice_limit_field(&SoundDesc::voices))},
        {"steal", on_desc(steal_field(&SoundDesc::voices))},
        {"stop", on_desc(number_field(&SoundDesc::stop, seconds()))},
        {"enabled", on_desc(bool_field(&SoundDesc::enabled))},
        {"stream", read_stream_mode},
        {"sends", [](Checker& c, const Item& it, SoundEntry& s) { read_sends(c, it, s.desc.sends); }},
        {"spatial",
         [](Checker& c, const Item& it, SoundEntry& s) { read_spatial(c, it, s.desc.spatial.emplace()); },
         Shape::table},
    };
    return fields;
}

std::span<const Field<StreamDesc>> stream_fields() {
    static const Field<StreamDesc> fields[] = {
        {"source", read_stream_source},
        {"format", choice_field(&StreamDesc::format, std::span<const Choice<PcmFormat>>(kPcmFormatNames))},
        {"rate", integer_field(&StreamDesc::rate, 8000, 192000, "Hz")},
        {"channels", integer_field(&StreamDesc::channels, 1, 8)},
        {"bus",
         [](Checker& c, const Item& it, StreamDesc& st) {
             if (auto v = read_string(c, it)) {
                 st.bus = std::move(*v);
                 st.bus_where = c.at(it.node.source());
             }
         }},
        {"volume_db", number_field(&StreamDesc::volume_db, kVolumeDb)},
        {"pan", number_field(&StreamDesc::pan, kPan)},
        {"buffer_ms", integer_field(&StreamDesc::buffer_ms, 5, 10000, "ms")},
    };
    return fields;
}

void read_scene(Checker& c, const toml::table& root, Draft& d) {
    d.scene.path = c.path();
    d.scene.buses.push_back(BusDesc{.name = kMaster, .send_to = "", .where = SourceLocation{c.path(), 0, 0}});
    read_table(c, root, kRoot, root_fields(), d);
    if (!d.has_version)
        c.error(SourceLocation{c.path(), 1, 1}, "missing required key 'version' at the top level; a scene starts "
                                                "with version = 1");
}

}  // namespace simvx::scene_format
