// --json: one JSON object per line on standard output, for programs that
// watch simvxplay. The schema is documented in man/simvxplay.1 (JSON OUTPUT);
// every object has a "type": start, status, sound, underrun, reconnect,
// stats, expect, normalize, check, reload, end, error.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "app/measure/bus_meters.hpp"
#include "app/measure/expect.hpp"
#include "app/measure/normalization.hpp"
#include "app/report/json.hpp"
#include "assemble/prepare.hpp"
#include "mix/voice.hpp"
#include "scene/loader.hpp"

namespace simvx {

// Writes each object as one line and flushes it (readers see it at once).
void json_line(const JsonObject& object, std::FILE* out = stdout);

// The "error" object main() prints before exiting with `exit_code`.
// {"type":"error", ...}; with the scene's problems, each as {"file", "line",
// "column", "message"} (the location only where there is one).
JsonObject json_error(const std::string& message, int exit_code, const std::vector<SceneDiagnostic>& problems = {});
// --check --json: what a validated scene will do.
JsonObject json_check(const Scene& scene, const PreparedScene& prepared);
JsonObject json_stats(const std::vector<BusStats>& rows);
JsonObject json_expect(const ExpectResult& result, uint32_t rate);
// --normalize: the gain applied and the loudness before and after it.
JsonObject json_normalize(const Normalization& n);

// Status lines and timeline events while the engine runs (control thread).
class JsonProgress {
public:
    struct Sound {
        std::string name;
        uint64_t start_frame;
        std::optional<uint64_t> end_frame;
    };
    // `meters` (may be null) gives the per-bus peaks of each status line.
    JsonProgress(std::vector<Sound> sounds, uint32_t rate, std::optional<uint64_t> length, BusMeters* meters,
                 std::chrono::milliseconds interval = std::chrono::milliseconds(100));
    static std::vector<Sound> sounds_of(const std::vector<VoiceSetup>& voices);

    struct Now {
        uint64_t position = 0;    // frames
        uint64_t underruns = 0;   // streams and device, total
        uint64_t reconnects = 0;  // the device came back after the server went away
        bool reconnecting = false;
    };
    // Emits the sound, underrun and reconnect events up to `now`, and a
    // status line when the interval has passed or `force`.
    void poll(const Now& now, bool force = false);
    // A reloaded scene (--watch): its sounds replace the timeline.
    void set_sounds(std::vector<Sound> sounds, std::optional<uint64_t> length);

private:
    std::vector<Sound> sounds_;
    std::vector<uint8_t> state_;  // 0 pending, 1 started, 2 ended
    double rate_;
    std::optional<uint64_t> length_;
    BusMeters* meters_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point last_{};
    uint64_t underruns_ = 0, reconnects_ = 0;
};

}  // namespace simvx
