// --normalize's arithmetic: from the integrated loudness and true peak of a
// first pass, the one gain the second pass applies at the output, and what
// the output then measures (a linear gain moves both by exactly its dB).
#pragma once
#include <cmath>
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
    };
    double target_lufs = 0;
    double ceiling_dbtp = 0;
    OutputLoudness measured;  // the first pass
    double gain_db = 0;       // applied at the output in the second
    Outcome outcome = Outcome::on_target;

    OutputLoudness output() const { return {measured.integrated_lufs + gain_db, measured.true_peak_db + gain_db}; }
    // "gain +3.52 dB: -16.00 LUFS, true peak -4.10 dBTP (measured -19.52 LUFS, -7.62 dBTP)"
    std::string describe() const;
    // Why the loudness is not on the target (held_by_ceiling, silent); empty when it is.
    std::string shortfall() const;
};

Normalization plan_normalization(double target_lufs, double ceiling_dbtp, const OutputLoudness& measured);

}  // namespace simvx
