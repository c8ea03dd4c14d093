// --normalize's arithmetic: from the integrated loudness and true peak of a
// first pass, the one gain the second pass applies at the output, and what
// the output then measures (a linear gain moves both by exactly its dB).
// With --normalize-limit, a render the ceiling would hold back goes through
// a true-peak limiter instead (dsp/true_peak_limiter.hpp); limiting costs
// loudness, so the gain is found by measuring again (plan_limited_normalization).
#pragma once
#include <cmath>
#include <functional>
#include <optional>
#include <string>

namespace simvx {

// The loudness of a finished render, as a tag writer needs it
// (REPLAYGAIN_*, R128_*): integrated LUFS and true peak in dBTP.
struct OutputLoudness {
    double integrated_lufs = -INFINITY;
    double true_peak_db = -INFINITY;
};

struct Normalization {
    enum class Outcome {
        on_target,        // the gain puts the loudness on the target
        held_by_ceiling,  // the gain was lowered so the true peak stays at the ceiling
        silent,           // nothing above the absolute gate (-70 LUFS): left as it is
        limited,          // --normalize-limit: on the target, the peaks held by the limiter
        limited_short,    // --normalize-limit: limited, but no pass landed within kLimitedTolerance
    };
    double target_lufs = 0;
    double ceiling_dbtp = 0;
    OutputLoudness measured;  // the first pass
    double gain_db = 0;       // applied at the output in the second
    Outcome outcome = Outcome::on_target;
    // Limited: what the limiter was given (the ceiling, lowered by what its
    // 8x grid let through), its deepest gain reduction, the output as the
    // last measuring pass read it, and how many passes measured.
    std::optional<double> limiter_ceiling_db;
    double limiter_reduction_db = 0;
    std::optional<OutputLoudness> limited_output;
    int passes = 1;

    OutputLoudness output() const {
        if (limited_output) return *limited_output;
        return {measured.integrated_lufs + gain_db, measured.true_peak_db + gain_db};
    }
    // "gain +3.52 dB: -16.00 LUFS, true peak -4.10 dBTP (measured -19.52 LUFS, -7.62 dBTP)"
    std::string describe() const;
    // Why the loudness is not on the target (held_by_ceiling, silent); empty when it is.
    std::string shortfall() const;
};

Normalization plan_normalization(double target_lufs, double ceiling_dbtp, const OutputLoudness& measured);

// What a measuring pass with a gain and the limiter read: the output's
// loudness and the limiter's deepest reduction. None: interrupted.
struct LimitedPass {
    OutputLoudness output;
    double reduction_db = 0;
};
using MeasureLimited = std::function<std::optional<LimitedPass>(double gain_db, double limiter_ceiling_db)>;

// How close to the target a limited pass must land (our meter; ffmpeg's
// ebur128 reads the same within 0.01 LU).
constexpr double kLimitedTolerance = 0.02;
constexpr int kMaxLimitedPasses = 10;

// --normalize-limit: a plan held by the ceiling is measured again through
// the limiter, the gain raised by what limiting cost (secant steps) and the
// limiter's ceiling lowered by any true peak the exact meter reads over
// `ceiling_dbtp`, until a pass is on the target with its peaks under the
// ceiling. The last pass's gain and ceiling are what the render applies,
// and a render is deterministic: it is what was measured. Other plans are
// returned as they are. None: interrupted.
std::optional<Normalization> plan_limited_normalization(Normalization plan, const MeasureLimited& measure);

}  // namespace simvx
