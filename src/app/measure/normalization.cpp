#include "app/measure/normalization.hpp"

#include <cstdio>

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

std::string Normalization::describe() const {
    const OutputLoudness out = output();
    return "gain " + fixed("%+.2f", gain_db) + " dB: " + fixed("%.2f", out.integrated_lufs) + " LUFS, true peak " +
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
                   " dBTP, above --true-peak-max " + fixed("%g", ceiling_dbtp) + " dBTP";
    }
    return {};
}

}  // namespace simvx
