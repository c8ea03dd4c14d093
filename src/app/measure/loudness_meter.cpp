#include "app/measure/loudness_meter.hpp"

#include <algorithm>
#include <cmath>

namespace simvx {
namespace {

double db(double amplitude) { return amplitude > 0 ? 20.0 * std::log10(amplitude) : -INFINITY; }

// The histograms: 0.01 LU steps from the absolute gate up; louder values
// (beyond +30 LUFS, far past full scale) share the top step.
constexpr double kGateLufs = -70.0;
constexpr double kStepsPerLu = 100.0;
constexpr size_t kSteps = 100 * 100;  // -70 .. +30 LUFS
// BS.1770: loudness is 10 log10 of the K-weighted mean square, less 0.691 dB
// (K-weighting's gain at 1 kHz, so a 1 kHz tone reads its RMS level).
constexpr double kLoudnessOffsetDb = -0.691;

size_t step_of(double lufs) {
    const double k = std::floor((lufs - kGateLufs) * kStepsPerLu);
    return static_cast<size_t>(std::clamp(k, 0.0, static_cast<double>(kSteps - 1)));
}
double lufs_of(size_t step) { return kGateLufs + (static_cast<double>(step) + 0.5) / kStepsPerLu; }

}  // namespace

LoudnessMeter::GatedHistogram::GatedHistogram() : counts(kSteps, 0), power(kSteps, 0.0) {}

void LoudnessMeter::GatedHistogram::add(double lufs) {
    if (!(lufs > kGateLufs)) return;
    const size_t i = step_of(lufs);
    const double p = std::pow(10.0, lufs / 10);
    ++counts[i];
    power[i] += p;
    ++n;
    total_power += p;
}

size_t LoudnessMeter::GatedHistogram::relative_gate_step(double lu_below) const {
    return step_of(10 * std::log10(total_power / static_cast<double>(n)) - lu_below);
}

// BS.1770-4: the power mean of the gating blocks above -70 LUFS and at or
// above 10 LU under their own power mean.
double LoudnessMeter::GatedHistogram::gated_mean() const {
    if (n == 0) return -INFINITY;
    double sum = 0;
    uint64_t count = 0;
    for (size_t i = relative_gate_step(10.0); i < kSteps; ++i) {
        sum += power[i];
        count += counts[i];
    }
    return count ? 10 * std::log10(sum / static_cast<double>(count)) : -INFINITY;
}

// EBU Tech 3342: short-term values above -70 LUFS, then at or above 20 LU
// under their power mean; the spread between the 10th and 95th percentiles,
// by nearest rank as ffmpeg counts it (the k-th smallest, k = round(n·p), at
// least the first), to within the histogram's 0.01 LU step.
double LoudnessMeter::GatedHistogram::range() const {
    if (n == 0) return 0;
    const size_t first = relative_gate_step(20.0);
    uint64_t kept = 0;
    for (size_t i = first; i < kSteps; ++i) kept += counts[i];
    if (kept == 0) return 0;
    const auto at = [&](double p) {
        const uint64_t k = std::max<uint64_t>(static_cast<uint64_t>(static_cast<double>(kept) * p + 0.5), 1);
        uint64_t seen = 0;
        for (size_t i = first; i < kSteps; ++i)
            if ((seen += counts[i]) >= k) return lufs_of(i);
        return lufs_of(kSteps - 1);
    };
    return at(0.95) - at(0.10);
}

LoudnessMeter::LoudnessMeter(uint32_t channels, uint32_t rate)
    : k_weighted_(channels, rate), true_peak_(channels), channels_(channels), hop_(rate / 10), shortterm_max_(-INFINITY) {}

SampleLevels LoudnessMeter::add_levels(const float* x, size_t frames, bool energy) {
    const SampleLevels levels = energy ? sample_levels(x, frames * channels_) : sample_peak_and_clips(x, frames * channels_);
    peak_ = std::max(peak_, levels.peak);
    clipped_ += levels.clipped;
    frames_ += frames;
    true_peak_.add(x, frames);
    return levels;
}

// In pieces that end on the 100 ms grid: each hop's K-weighted mean square;
// the 400 ms gating block and the 3 s short-term window are means of the
// last 4 and 30 hops', never a re-sum of their samples.
SampleLevels LoudnessMeter::add(const float* x, size_t frames, bool energy) {
    const SampleLevels levels = add_levels(x, frames, energy);
    while (frames) {
        const size_t n = std::min(frames, hop_ - since_hop_);
        k_weighted_.feed(x, n);
        advance(n);
        x += n * channels_;
        frames -= n;
    }
    return levels;
}

// The pieces end where either meter's hop does.
std::pair<SampleLevels, SampleLevels> LoudnessMeter::add_pair(LoudnessMeter& a, const float* xa, LoudnessMeter& b,
                                                              const float* xb, size_t frames, bool energy) {
    const std::pair<SampleLevels, SampleLevels> levels{a.add_levels(xa, frames, energy), b.add_levels(xb, frames, energy)};
    while (frames) {
        const size_t n = std::min({frames, a.hop_ - a.since_hop_, b.hop_ - b.since_hop_});
        KWeightedEnergy::feed_pair(a.k_weighted_, xa, b.k_weighted_, xb, n);
        a.advance(n);
        b.advance(n);
        xa += n * a.channels_;
        xb += n * b.channels_;
        frames -= n;
    }
    return levels;
}

void LoudnessMeter::advance(size_t frames) {
    since_hop_ += frames;
    if (since_hop_ < hop_) return;
    since_hop_ = 0;
    // Taken on the 100 ms grid only, so the blocks' sizes change no bit.
    hop_power_[hops_ % kHopRing] = k_weighted_.take() / static_cast<double>(hop_);
    ++hops_;
    // The first full window of each is its first value (as meters show it).
    if (hops_ >= 4) blocks_.add(mean_loudness(4));
    if (hops_ >= 30) {
        const double st = mean_loudness(30);
        shortterm_max_ = std::max(shortterm_max_, st);
        shortterm_.add(st);
    }
}

// The loudness of the last `hops` hops together: of their mean power.
double LoudnessMeter::mean_loudness(size_t hops) const {
    double sum = 0;
    for (size_t i = 0; i < hops; ++i) sum += hop_power_[(hops_ - 1 - i) % kHopRing];
    return sum > 0 ? 10 * std::log10(sum / static_cast<double>(hops)) + kLoudnessOffsetDb : -INFINITY;
}

LoudnessStats LoudnessMeter::stats() const {
    LoudnessStats s;
    s.sample_peak_db = db(peak_);
    s.true_peak_db = db(true_peak_.peak());
    s.integrated_lufs = blocks_.gated_mean();
    s.range_lu = shortterm_.range();
    s.shortterm_max_lufs = shortterm_max_;
    s.clipped = clipped_;
    s.frames = frames_;
    return s;
}

}  // namespace simvx
