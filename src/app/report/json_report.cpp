#include "app/report/json_report.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>

#include "app/measure/expect.hpp"
#include "core/error.hpp"

namespace simvx {

void json_line(const JsonObject& object, std::FILE* out) {
    const std::string line = object.str() + "\n";
    const int error_number = std::fwrite(line.data(), 1, line.size(), out) != line.size() || std::fflush(out) != 0 ? errno : 0;
    if (error_number) {
        std::clearerr(out);
        throw_write_error("standard output", error_number);
    }
}

JsonObject json_error(const std::string& message, int exit_code, const std::vector<SceneDiagnostic>& problems) {
    JsonObject o;
    o.add("type", "error").add("message", message).add("exit_code", exit_code);
    if (!problems.empty()) {
        std::vector<JsonObject> list;
        for (const SceneDiagnostic& d : problems) {
            JsonObject p;
            if (d.where.line) {
                p.add("file", d.where.file).add("line", uint64_t{d.where.line}).add("column", uint64_t{d.where.column});
            }
            list.push_back(p.add("message", d.message));
        }
        o.add("problems", list);
    }
    return o;
}

JsonObject json_check(const Scene& scene, const PreparedScene& p) {
    const double rate = scene.engine.sample_rate;
    std::vector<JsonObject> buses, sounds, files;
    for (const auto& b : scene.buses) {
        std::vector<std::string> effects;
        for (const auto& e : b.effects) effects.push_back(e.config.type);
        buses.push_back(JsonObject()
                            .add("name", b.name)
                            .add("volume_db", b.volume_db)
                            .raw("send_to", b.send_to.empty() ? "null" : json_string(b.send_to))
                            .add("effects", effects));
    }
    for (const auto& v : p.voices) {
        std::optional<double> end;
        if (v.end_frame) end = static_cast<double>(*v.end_frame) / rate;
        sounds.push_back(JsonObject().add("name", v.name).add("start", static_cast<double>(v.start_frame) / rate).add("end", end));
    }
    for (const auto& [path, f] : p.files)
        files.push_back(JsonObject()
                            .add("path", path)
                            .add("format", f.format)
                            .add("rate", static_cast<uint64_t>(f.rate))
                            .add("channels", static_cast<uint64_t>(f.channels))
                            .add("seconds", f.seconds)
                            .add("streamed", f.streamed));
    std::optional<double> length;
    if (auto l = scene_length(p.config, p.voices)) length = static_cast<double>(*l) / rate;
    return JsonObject()
        .add("type", "check")
        .add("ok", true)
        .add("scene", scene.path)
        .add("rate", rate)
        .add("channels", static_cast<uint64_t>(scene.engine.channels))
        .add("length", length)
        .add("buses", buses)
        .add("sounds", sounds)
        .add("files", files);
}

JsonObject json_stats(const std::vector<BusStats>& rows) {
    std::vector<JsonObject> buses;
    for (const auto& r : rows) {
        const LoudnessStats& s = r.stats;
        buses.push_back(JsonObject()
                            .add("name", r.name)
                            .add("sample_peak_db", s.sample_peak_db)
                            .add("true_peak_db", s.true_peak_db)
                            .add("integrated_lufs", s.integrated_lufs)
                            .add("range_lu", s.range_lu)
                            .add("shortterm_max_lufs", s.shortterm_max_lufs)
                            .add("clipped", s.clipped)
                            .add("frames", s.frames));
    }
    return JsonObject().add("type", "stats").add("buses", buses);
}

JsonObject json_expect(const ExpectResult& r, uint32_t rate) {
    JsonObject o;
    o.add("type", "expect").add("passed", r.passed).add("differences", r.format_differences);
    o.add("frames_compared", r.frames_compared).add("peak_residual_db", to_db(r.peak_residual));
    if (r.peak_residual > 0)
        o.add("peak_time", static_cast<double>(r.peak_frame) / rate)
            .add("peak_channel", static_cast<int>(r.peak_channel) + 1);
    return o.add("rms_residual_db", to_db(r.rms_residual));
}

JsonObject json_normalize(const Normalization& n) {
    const auto finite = [](double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; };
    const char* outcome = "silent";
    switch (n.outcome) {
        case Normalization::Outcome::on_target: outcome = "on_target"; break;
        case Normalization::Outcome::held_by_ceiling: outcome = "held_by_ceiling"; break;
        case Normalization::Outcome::silent: outcome = "silent"; break;
        case Normalization::Outcome::limited: outcome = "limited"; break;
        case Normalization::Outcome::limited_short: outcome = "limited_short"; break;
    }
    const OutputLoudness out = n.output();
    JsonObject o;
    o.add("type", "normalize")
        .add("target_lufs", n.target_lufs)
        .add("true_peak_max_db", n.ceiling_dbtp)
        .add("gain_db", n.gain_db)
        .add("outcome", outcome)
        .add("measured_lufs", finite(n.measured.integrated_lufs))
        .add("measured_true_peak_db", finite(n.measured.true_peak_db))
        .add("integrated_lufs", finite(out.integrated_lufs))
        .add("true_peak_db", finite(out.true_peak_db))
        .add("limited", n.limiter_ceiling_db.has_value());
    // --normalize-limit: what the limiter aimed at, how deep it cut, and how many passes measured.
    if (n.limiter_ceiling_db)
        o.add("limiter_ceiling_db", *n.limiter_ceiling_db)
            .add("limiter_reduction_db", n.limiter_reduction_db)
            .add("passes", n.passes);
    return o;
}

JsonProgress::JsonProgress(std::vector<Sound> sounds, uint32_t rate, std::optional<uint64_t> length, BusMeters* meters,
                           std::chrono::milliseconds interval)
    : rate_(rate), meters_(meters), interval_(interval) {
    set_sounds(std::move(sounds), length);
}

std::vector<JsonProgress::Sound> JsonProgress::sounds_of(const std::vector<VoiceSetup>& voices) {
    std::vector<Sound> s;
    for (const auto& v : voices) s.push_back({v.name, v.start_frame, v.end_frame});
    return s;
}

void JsonProgress::set_sounds(std::vector<Sound> sounds, std::optional<uint64_t> length) {
    sounds_ = std::move(sounds);
    state_.assign(sounds_.size(), 0);
    length_ = length;
}

void JsonProgress::poll(const Now& now_state, bool force) {
    const uint64_t position = now_state.position, underruns = now_state.underruns;
    for (size_t i = 0; i < sounds_.size(); ++i) {
        const Sound& s = sounds_[i];
        auto event = [&](const char* what, uint64_t frame) {
            json_line(JsonObject().add("type", "sound").add("event", what).add("name", s.name).add(
                "time", static_cast<double>(frame) / rate_));
        };
        if (state_[i] == 0 && position > s.start_frame) {
            event("started", s.start_frame);
            state_[i] = 1;
        }
        if (state_[i] == 1 && s.end_frame && position >= *s.end_frame) {
            event("ended", *s.end_frame);
            state_[i] = 2;
        }
    }
    if (underruns > underruns_) {
        json_line(JsonObject()
                      .add("type", "underrun")
                      .add("time", static_cast<double>(position) / rate_)
                      .add("count", underruns - underruns_)
                      .add("total", underruns));
        underruns_ = underruns;
    }
    if (now_state.reconnects > reconnects_) {
        json_line(JsonObject()
                      .add("type", "reconnect")
                      .add("time", static_cast<double>(position) / rate_)
                      .add("total", now_state.reconnects));
        reconnects_ = now_state.reconnects;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < interval_) return;
    last_ = now;
    JsonObject status;
    status.add("type", "status").add("position", static_cast<double>(position) / rate_);
    status.add("length", length_ ? std::optional<double>(static_cast<double>(*length_) / rate_) : std::nullopt);
    status.add("underruns", underruns).add("reconnecting", now_state.reconnecting);
    std::vector<JsonObject> buses;
    if (meters_) {
        const auto names = meters_->names();
        const auto peaks = meters_->take_recent_peaks();
        for (size_t i = 0; i < names.size(); ++i)
            buses.push_back(JsonObject().add("name", names[i]).add("peak_db", to_db(peaks[i])));
    }
    json_line(status.add("buses", buses));
}

}  // namespace simvx
