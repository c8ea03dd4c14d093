#include "app/report/summary.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/number_format.hpp"
#include "core/speakers.hpp"
#include "core/time_format.hpp"
#include "dsp/lfe_send.hpp"
#include "spatial/model.hpp"

namespace simvx {
namespace {

// "envelope -60..0 dB over 0..12 s (4 points: linear, exponential), looping": the range --check promises.
std::string describe_envelope(const Envelope& e, std::string_view unit) {
    std::ostringstream o;
    const auto points = e.points();
    o << "envelope " << e.min() << ".." << e.max() << unit << " over " << points.front().time << ".."
      << points.back().time << " s (" << points.size() << " point" << (points.size() == 1 ? "" : "s");
    std::string curves;
    for (const auto& named : kEnvelopeCurveNames) {
        const bool used = std::any_of(points.begin() + 1, points.end(),
                                      [&](const EnvelopePoint& p) { return p.curve == named.value; });
        if (used) curves += (curves.empty() ? ": " : ", ") + std::string(named.name);
    }
    o << curves << ")" << (e.loop() ? ", looping" : "");
    return o.str();
}

// Pitch and 3D placement, when the sound has them; `air` is the engine's air
// absorption factor, which the sound's own overrides.
std::string describe_motion(const SoundDesc& s, double air) {
    std::ostringstream o;
    if (s.pitch != 1.0 && !s.pitch_envelope) o << ", pitch " << s.pitch;
    if (!s.spatial) return o.str();
    const SpatialDesc& sp = *s.spatial;
    if (sp.path.empty())
        o << ", 3D at (" << sp.position[0] << ", " << sp.position[1] << ", " << sp.position[2] << ")";
    else
        o << ", 3D along a path of " << sp.path.keyframes.size() << " keyframes" << (sp.path.loop ? ", looping" : "");
    o << ", " << name_of(std::span<const Named<Attenuation>>(kAttenuationNames), sp.attenuation) << " attenuation " << sp.min_distance << ".." << sp.max_distance << " m";
    if (const double factor = sp.air_absorption.value_or(air); factor > 0)
        o << ", air absorption " << factor << " (low-pass at "
          << std::lround(air_absorption_cutoff(factor, sp.max_distance, sp.min_distance, sp.max_distance))
          << " Hz at " << sp.max_distance << " m)";
    return o.str();
}

}  // namespace

std::string describe_scene(const Scene& scene, const PreparedScene& p) {
    std::ostringstream o;
    const double rate = scene.engine.sample_rate;
    o << (scene.path.empty() ? std::string("command line") : scene.path) << ": OK\n";
    const uint32_t channels = scene.engine.channels;
    o << "engine: " << scene.engine.sample_rate << " Hz, " << channels << " channel" << (channels == 1 ? "" : "s");
    if (channels > 2) o << " (" << speaker::layout_name(channels) << ", 3D sounds panned over the speakers)";
    if (scene.engine.lfe_db && LfeSend::has_lfe(channels))
        o << ", LFE send " << format_number(*scene.engine.lfe_db) << " dB, low-passed at " << format_number(scene.engine.lfe_cutoff_hz)
          << " Hz";
    o << ", pan law " << name_of(std::span<const Named<PanLaw>>(kPanLawNames), scene.engine.pan_law) << ", resampler "
      << name_of(std::span<const Named<Interpolator>>(kInterpolatorNames), scene.engine.interpolator);
    if (std::any_of(scene.sounds.begin(), scene.sounds.end(), [](const SoundDesc& s) { return s.drawn; }))
        o << ", seed " << scene.engine.seed;
    if (scene.engine.spatial == SpatialRendering::hrtf)
        o << ", 3D binaural through " << hrtf_file_of(scene.engine);
    o << "\n";
    for (const auto& b : scene.buses) {
        o << "bus " << b.name << ": ";
        if (b.volume_db_envelope) o << "volume_db " << describe_envelope(*b.volume_db_envelope, " dB");
        else o << b.volume_db << " dB";
        if (!b.send_to.empty()) o << " -> " << b.send_to;
        for (const auto& send : b.sends) {
            if (send.volume_db_envelope) o << ", send volume_db " << describe_envelope(*send.volume_db_envelope, " dB") << " -> " << send.bus;
            else o << ", send " << send.volume_db << " dB -> " << send.bus;
        }
        if (b.mute) o << ", muted";
        if (b.solo) o << ", solo";
        if (!b.effects.empty()) {
            o << "; effects" << (b.bypass_effects ? " (bypassed)" : "") << ":";
            for (const auto& e : b.effects) {
                o << " " << e.config.type;
                if (const EffectType* type = find_effect_type(e.config.type))
                    for (const ParamEnvelope& pe : e.envelopes) {
                        const std::string_view unit = slot_unit(*type, pe.slot);
                        o << " (" << slot_key(*type, pe.slot) << " "
                          << describe_envelope(pe.envelope, unit.empty() ? "" : " " + std::string(unit)) << ")";
                    }
                if (!e.config.sidechain.empty()) o << " (keyed by " << e.config.sidechain << ")";
                if (!e.config.enabled) o << " (off)";
            }
        }
        o << "\n";
    }
    std::map<std::string, const SoundDesc*> sound_named;
    for (const auto& s : scene.sounds) sound_named.emplace(s.name, &s);
    for (const auto& v : p.voices) {
        o << "sound " << v.name << ": starts " << format_time(v.start_frame / rate) << ", ";
        if (v.end_frame) o << "ends " << format_time(static_cast<double>(*v.end_frame) / rate);
        else if (v.ends_with_source) o << "ends with its input";
        else o << "loops until stopped";
        if (const auto it = sound_named.find(v.name); it != sound_named.end()) {
            const SoundDesc& s = *it->second;
            if (s.drawn) {
                // What was drawn for it (the pitch follows with the motion).
                o << ", " << std::filesystem::path(s.file).filename().string() << ", volume_db " << s.volume_db << " dB";
                if (!s.spatial) o << ", pan " << s.pan;
                if (s.from_position > 0) o << ", from " << s.from_position << " s";
            }
            if (s.volume_db_envelope) o << ", volume_db " << describe_envelope(*s.volume_db_envelope, " dB");
            if (s.pan_envelope) o << ", pan " << describe_envelope(*s.pan_envelope, "");
            if (s.pitch_envelope) o << ", pitch " << describe_envelope(*s.pitch_envelope, "");
            o << describe_motion(s, scene.engine.air_absorption);
        }
        o << "\n";
    }
    for (const auto& st : scene.streams) {
        o << "stream " << st.source << ": " << pcm_format_name(st.format);
        if (st.format != PcmFormat::wav) o << ", " << st.rate << " Hz, " << st.channels << " ch";
        o << " -> " << st.bus << ", " << st.buffer_ms << " ms buffer, plays until its input ends\n";
    }
    for (const auto& [path, f] : p.files) {
        o << "file " << path << ": " << f.format << ", " << f.rate << " Hz, " << f.channels << " ch";
        if (f.seconds) o << ", " << format_time(*f.seconds);
        o << (f.streamed ? ", streamed from disk" : ", decoded into memory") << "\n";
    }
    const auto length = scene_length(p.config, p.voices);
    bool endless = false;
    for (const auto& v : p.voices) endless = endless || (!v.end_frame && !v.ends_with_source);
    o << "length: "
      << (length                 ? format_time(static_cast<double>(*length) / rate)
          : endless              ? std::string("until interrupted")
                                 : std::string("until the live streams end"))
      << "\n";
    return o.str();
}

}  // namespace simvx
