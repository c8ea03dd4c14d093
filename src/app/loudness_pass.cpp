#include "app/loudness_pass.hpp"

#include <unistd.h>

#include <chrono>
#include <vector>

#include "app/measure/loudness_meter.hpp"
#include "app/signals.hpp"
#include "app/ui/progress.hpp"
#include "assemble/prepare.hpp"
#include "core/error.hpp"
#include "core/gain.hpp"
#include "mix/engine.hpp"

namespace simvx {

std::optional<LimitedPass> measure_render(const Scene& scene, const Options& o, DecodedSounds* decoded, double gain_db,
                                          std::optional<double> limiter_ceiling_db) {
    if (!scene.streams.empty())
        throw UsageError("--normalize renders twice (to measure, then to write) and a live stream can be read only "
                         "once: render the stream to a file first, then normalize a scene that plays that file");
    if (!o.control_script.empty())
        throw UsageError("--normalize with --control-script: render with the script first (f32), then normalize "
                         "that file");
    PreparedScene prepared = prepare_scene(scene, StreamDecoding::render_thread, decoded);
    prepared.config.output_gain = db_to_gain(gain_db);
    if (limiter_ceiling_db) prepared.config.output_limiter = TruePeakLimiter::Settings{.ceiling_db = *limiter_ceiling_db};
    Engine engine(prepared.config, std::move(prepared.voices), std::move(prepared.plan));
    const uint32_t channels = engine.spec().channels;
    LoudnessMeter meter(channels, engine.spec().rate);
    const size_t chunk = prepared.offline_chunk_frames;
    std::vector<float> block(chunk * channels);
    ProgressLine progress(isatty(STDERR_FILENO) && o.verbosity != log::Level::quiet, limiter_ceiling_db ? "limiting" : "measuring");
    std::optional<double> length_s;
    if (engine.length()) length_s = static_cast<double>(*engine.length()) / engine.spec().rate;
    auto shown = std::chrono::steady_clock::now();
    for (size_t got = chunk; got == chunk;) {
        if (signals::received()) return std::nullopt;  // nothing has been written yet
        engine.wait_for_sources(chunk);
        if (auto errors = engine.source_errors(); !errors.empty()) throw InputError(errors.front());
        got = engine.render(block);
        meter.add(block.data(), got);
        if (const auto now = std::chrono::steady_clock::now(); now - shown > std::chrono::milliseconds(50)) {
            shown = now;
            progress.update(static_cast<double>(engine.position()) / engine.spec().rate, length_s);
        }
    }
    const LoudnessStats stats = meter.stats();
    return LimitedPass{{stats.integrated_lufs, stats.true_peak_db}, engine.limiter_reduction_db()};
}

}  // namespace simvx
