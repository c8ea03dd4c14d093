#include "app/measure/normalization.hpp"

#include <algorithm>
#include <cstdio>

#include "core/log.hpp"

namespace simvx {
namespace {

std::string fixed(const char* format, double v) {
    char b[32];
    std::snprintf(b, sizeof b, format, v);
    return b;
}

}  // namespace

Normalization plan_normalization(double target_lufs, double ceiling_dbtp, const OutputLoudness& measured) {
    Normalization n{.target_lufs = target_lufs, .ceiling_dbtp = ceiling_dbtp, .measured = measured};
    if (!std::isfinite(measured.integrated_lufs)) {
        n.outcome = Normalization::Outcome::silent;
        return n;
    }
    n.gain_db = target_lufs - measured.integrated_lufs;
    // One gain for the whole render: a peak that would pass the ceiling
    // lowers it (the loudness then falls short, and the user is told).
    if (measured.true_peak_db + n.gain_db > ceiling_dbtp) {
        n.gain_db = ceiling_dbtp - measured.true_peak_db;
        n.outcome = Normalization::Outcome::held_by_ceiling;
    }
    return n;
}

// What the limiter's ceiling goes below the true peak that passed it.
constexpr double kCeilingMargin = 0.03;

std::optional<Normalization> plan_limited_normalization(Normalization n, const MeasureLimited& measure) {
    if (n.outcome != Normalization::Outcome::held_by_ceiling) return n;
    double gain = n.target_lufs - n.measured.integrated_lufs;  // the gain without a ceiling
    double ceiling = n.ceiling_dbtp;
    // The gain and loudness of the pass before, when at the same limiter ceiling.
    bool have_previous = false;
    double previous_gain = 0, previous_loudness = 0;
    n.outcome = Normalization::Outcome::limited_short;
    for (int pass = 1; pass <= kMaxLimitedPasses; ++pass) {
        const auto got = measure(gain, ceiling);
        if (!got) return std::nullopt;
        n.gain_db = gain;
        n.limiter_ceiling_db = ceiling;
        n.limiter_reduction_db = got->reduction_db;
        n.limited_output = got->output;
        n.passes = pass + 1;
        const double loudness = got->output.integrated_lufs, peak = got->output.true_peak_db;
        log::info("--normalize-limit pass " + std::to_string(pass + 1) + ": gain " + fixed("%+.3f", gain) +
                  " dB, limiter at " + fixed("%.3f", ceiling) + " dBTP: " + fixed("%.3f", loudness) + " LUFS, true peak " +
                  fixed("%.3f", peak) + " dBTP, reduction up to " + fixed("%.2f", got->reduction_db) + " dB");
        const bool on_target = std::fabs(loudness - n.target_lufs) <= kLimitedTolerance;
        if (on_target && peak <= n.ceiling_dbtp) {
            n.outcome = Normalization::Outcome::limited;
            return n;
        }
        // Limiting takes back part of each dB of gain: step by the slope the
        // last two passes show (at the same limiter ceiling; 1 at first).
        double slope = 1.0;
        if (have_previous && gain != previous_gain) slope = (loudness - previous_loudness) / (gain - previous_gain);
        slope = std::clamp(std::isfinite(slope) ? slope : 1.0, 0.1, 1.0);
        have_previous = true;
        previous_gain = gain;
        previous_loudness = loudness;
        // A peak between the limiter's 8x points passed: aim that much lower
        // (and a little more); the loudness then moves too, so no slope across it.
        if (peak > n.ceiling_dbtp) {
            ceiling -= peak - n.ceiling_dbtp + kCeilingMargin;
            have_previous = false;
        }
        if (!on_target) gain += (n.target_lufs - loudness) / slope;
    }
    return n;
}

std::string Normalization::describe() const {
    const OutputLoudness out = output();
    const std::string limiting = limiter_ceiling_db ? ", limited by up to " + fixed("%.2f", limiter_reduction_db) + " dB" : "";
    return "gain " + fixed("%+.2f", gain_db) + " dB" + limiting + ": " + fixed("%.2f", out.integrated_lufs) + " LUFS, true peak " +
           fixed("%.2f", out.true_peak_db) + " dBTP (measured " + fixed("%.2f", measured.integrated_lufs) + " LUFS, " +
           fixed("%.2f", measured.true_peak_db) + " dBTP)";
}

std::string Normalization::shortfall() const {
    switch (outcome) {
        case Outcome::on_target: return {};
        case Outcome::silent:
            return "--normalize: the render is silent (nothing above -70 LUFS), so it is written as it is";
        case Outcome::held_by_ceiling:
            return "--normalize " + fixed("%g", target_lufs) + ": the render reaches " +
                   fixed("%.2f", output().integrated_lufs) + " LUFS, not the target: at " + fixed("%g", target_lufs) +
                   " LUFS its true peak would be " + fixed("%+.2f", measured.true_peak_db + target_lufs - measured.integrated_lufs) +
                   " dBTP, above --true-peak-max " + fixed("%g", ceiling_dbtp) + " dBTP (--normalize-limit limits the peaks instead)";
        case Outcome::limited: return {};
        case Outcome::limited_short:
            return "--normalize-limit " + fixed("%g", target_lufs) + ": after " + std::to_string(passes) +
                   " measuring passes the limited render reaches " + fixed("%.2f", output().integrated_lufs) +
                   " LUFS, true peak " + fixed("%.2f", output().true_peak_db) + " dBTP (ceiling " +
                   fixed("%g", ceiling_dbtp) + " dBTP): no pass landed within " + fixed("%g", kLimitedTolerance) + " LU of the target under the ceiling";
    }
    return {};
}

}  // namespace simvx
