#include "dsp/envelope.hpp"

#include "dsp/fast_math.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/cpu_features.hpp"
#include "core/number_format.hpp"

namespace simvx {

std::optional<EnvelopeProblem> Envelope::problem(std::span<const EnvelopePoint> points, bool loop) {
    if (points.empty()) return EnvelopeProblem{0, "an envelope needs at least one point"};
    double start = points[0].value;  // the value the segment ending at point i starts from
    for (size_t i = 0; i < points.size(); ++i) {
        const EnvelopePoint& p = points[i];
        auto at = [i](std::string message) { return EnvelopeProblem{i, std::move(message)}; };
        if (!std::isfinite(p.time) || p.time < 0) return at("its time must be 0 s or later");
        if (!std::isfinite(p.value)) return at("its value must be a finite number");
        if (i == 0) continue;
        if (p.time <= points[i - 1].time)
            return at("its time (" + format_number(p.time) + " s) must be later than the point before's (" +
                      format_number(points[i - 1].time) + " s)");
        if (p.curve == EnvelopeCurve::target && !(p.time_constant > 0 && std::isfinite(p.time_constant)))
            return at("a \"target\" curve needs a time constant greater than 0 s");
        if (p.curve == EnvelopeCurve::exponential && (start == 0 || p.value == 0 || (start < 0) != (p.value < 0)))
            return at("an exponential ramp from " + format_number(start) + " to " + format_number(p.value) +
                      " is impossible: both ends must be non-zero and of the same sign");
        start = p.curve == EnvelopeCurve::target
                    ? p.value + (start - p.value) * std::exp(-(p.time - points[i - 1].time) / p.time_constant)
                    : p.value;
    }
    if (loop && points.size() < 2)
        return EnvelopeProblem{0, "a looping envelope needs at least two points (its cycle runs from the first to the last)"};
    return std::nullopt;
}

Envelope::Envelope(std::vector<EnvelopePoint> points, bool loop) : points_(std::move(points)), loop_(loop) {
    if (auto why = problem(points_, loop_))
        throw std::invalid_argument("point " + std::to_string(why->point + 1) + ": " + why->message);
    starts_.resize(points_.size());
    starts_[0] = points_[0].value;
    for (size_t i = 1; i < points_.size(); ++i) starts_[i] = i == 1 ? points_[0].value : segment_end(i - 1);
    min_ = max_ = points_[0].value;
    for (const auto& p : points_) {
        min_ = std::min(min_, p.value);
        max_ = std::max(max_, p.value);
    }
}

double Envelope::segment_end(size_t i) const noexcept {
    const EnvelopePoint& p = points_[i];
    if (p.curve != EnvelopeCurve::target) return p.value;
    return segment_value(i, p.time);
}

bool Envelope::operator==(const Envelope& other) const noexcept {
    if (loop_ != other.loop_ || points_.size() != other.points_.size()) return false;
    for (size_t i = 0; i < points_.size(); ++i) {
        const EnvelopePoint &a = points_[i], &b = other.points_[i];
        if (a.time != b.time || a.value != b.value || a.curve != b.curve || a.time_constant != b.time_constant)
            return false;
    }
    return true;
}

double Envelope::segment_value(size_t i, double t) const noexcept {
    const EnvelopePoint& from = points_[i - 1];
    const EnvelopePoint& to = points_[i];
    const double v0 = starts_[i];
    switch (to.curve) {
        case EnvelopeCurve::step: return v0;
        case EnvelopeCurve::linear: return v0 + (to.value - v0) * (t - from.time) / (to.time - from.time);
        case EnvelopeCurve::exponential: return v0 * std::pow(to.value / v0, (t - from.time) / (to.time - from.time));
        case EnvelopeCurve::target: return to.value + (v0 - to.value) * std::exp(-(t - from.time) / to.time_constant);
    }
    return v0;
}

double Envelope::wrap(double t) const noexcept {
    const double first = points_.front().time;
    if (!loop_ || t < first) return t;
    return first + std::fmod(t - first, points_.back().time - first);
}

double Envelope::segment_slope(size_t i, double t) const noexcept {
    const EnvelopePoint& from = points_[i - 1];
    const EnvelopePoint& to = points_[i];
    const double v0 = starts_[i];
    switch (to.curve) {
        case EnvelopeCurve::step: return 0.0;
        case EnvelopeCurve::linear: return (to.value - v0) / (to.time - from.time);
        case EnvelopeCurve::exponential: return segment_value(i, t) * std::log(to.value / v0) / (to.time - from.time);
        case EnvelopeCurve::target: return (to.value - segment_value(i, t)) / to.time_constant;
    }
    return 0.0;
}

size_t Envelope::segment_of(double t) const noexcept {
    if (t < points_.front().time || t >= points_.back().time) return 0;
    // The first point later than t ends t's segment.
    const auto later = std::upper_bound(points_.begin(), points_.end(), t,
                                        [](double x, const EnvelopePoint& p) { return x < p.time; });
    return static_cast<size_t>(later - points_.begin());
}

double Envelope::value_at(double seconds) const noexcept {
    const double t = wrap(seconds);
    if (t < points_.front().time) return points_.front().value;
    if (t >= points_.back().time) {
        const size_t last = points_.size() - 1;
        return last > 0 && points_[last].curve == EnvelopeCurve::target ? segment_value(last, t) : points_[last].value;
    }
    return segment_value(segment_of(t), t);
}

double Envelope::slope_at(double seconds) const noexcept {
    const double t = wrap(seconds);
    if (t < points_.front().time) return 0.0;
    if (t >= points_.back().time) {
        const size_t last = points_.size() - 1;
        return last > 0 && points_[last].curve == EnvelopeCurve::target ? segment_slope(last, t) : 0.0;
    }
    return segment_slope(segment_of(t), t);
}

EnvelopeCursor::EnvelopeCursor(Envelope envelope, double sample_rate)
    : envelope_(std::move(envelope)), rate_(sample_rate) {}

// A frame the segment being followed does not reach (at() has the others).
double EnvelopeCursor::at_afresh(uint64_t frame) noexcept {
    line_left_ = 0;
    line_frame_ = kNoFrame;
    const auto& pts = envelope_.points_;
    const double t = envelope_.wrap(static_cast<double>(frame) / rate_);
    if (pts.size() < 2 || t < pts.front().time || t >= pts.back().time) {
        // Held: before the first point until it comes, after the last for
        // good (unless a final target is still approaching), a lone point
        // always. Followed as a flat line, so a volume held after its fade
        // costs the per-sample callers no search a frame.
        const double value = envelope_.value_at(t);
        const bool moving = pts.size() >= 2 && t >= pts.back().time && pts.back().curve == EnvelopeCurve::target;
        const double inside = pts.size() >= 2 && t < pts.front().time ? (pts.front().time - t) * rate_ - 1
                                                                      : static_cast<double>(kForever);
        if (!moving && inside >= 1) {
            line_left_ = static_cast<uint64_t>(inside);
            line_first_ = line_frame_ = frame;
            line_start_ = value;
            line_step_ = 0.0;
            line_exponential_ = false;
        }
        return value;
    }
    // Mostly the same segment as the frame before, or the next one.
    if (segment_ >= pts.size() || t < pts[segment_ - 1].time) segment_ = 1;
    while (t >= pts[segment_].time) ++segment_;
    const double value = envelope_.segment_value(segment_, t);
    // A step, a line or an exponential ramp: the frames surely before the
    // segment's end (one frame's margin; a loop wraps at its last point,
    // never sooner) follow from this one.
    const EnvelopePoint& from = pts[segment_ - 1];
    const EnvelopePoint& to = pts[segment_];
    const double inside = (to.time - t) * rate_ - 1;
    const double frames = (to.time - from.time) * rate_;
    const double start = envelope_.starts_[segment_];
    line_exponential_ = to.curve == EnvelopeCurve::exponential;
    if ((to.curve == EnvelopeCurve::linear || to.curve == EnvelopeCurve::step || line_exponential_) && inside >= 1) {
        line_left_ = static_cast<uint64_t>(inside);
        line_first_ = line_frame_ = frame;
        line_start_ = value;
        // Per frame: the line's increment, or the ramp's logarithmic one (its
        // ends have one sign and neither is zero: the envelope refuses others).
        line_step_ = to.curve == EnvelopeCurve::linear ? (to.value - start) / frames
                     : line_exponential_              ? std::log(to.value / start) / frames
                                                      : 0.0;
    }
    return value;
}

namespace {

// The values of `run` frames along a segment, frame k0 of it first: the
// loops a fill spends its time in, compiled twice (SIMVX_CPU_CLONES). Each
// value from its own frame's index, so how a segment is cut into runs
// changes no bit.
template <typename T>
[[gnu::always_inline]] inline void line_values(T* to, int32_t run, double start, double step, double k0, bool exponential) noexcept {
    if (exponential) {
        for (int32_t j = 0; j < run; ++j) to[j] = static_cast<T>(start * std::exp(step * (k0 + static_cast<double>(j))));
    } else {
        for (int32_t j = 0; j < run; ++j) to[j] = static_cast<T>(start + step * (k0 + static_cast<double>(j)));
    }
}
SIMVX_CPU_CLONES void line(float* to, int32_t run, double start, double step, double k0, bool exponential) noexcept SIMVX_REALTIME {
    line_values(to, run, start, step, k0, exponential);
}
SIMVX_CPU_CLONES void line(double* to, int32_t run, double start, double step, double k0, bool exponential) noexcept SIMVX_REALTIME {
    line_values(to, run, start, step, k0, exponential);
}

SIMVX_CPU_CLONES void db_to_gains(float* values, size_t count) noexcept SIMVX_REALTIME {
    for (size_t i = 0; i < count; ++i) values[i] = fast_db_to_gain(values[i]);
}

SIMVX_CPU_CLONES void scaled(float* __restrict out, const float* __restrict by, float base, size_t count) noexcept SIMVX_REALTIME {
    for (size_t i = 0; i < count; ++i) out[i] = base * by[i];
}

}  // namespace

// Where at() follows a segment (a step, a line or an exponential ramp), the
// frame it answered and those after it surely on the segment go as one run,
// each from its own frame's index on the line (exact in double), so how a
// segment is cut into runs changes no bit; a run that holds still (a step;
// before the first point or after the last) is one value, computed once by
// the same formula. Elsewhere (a target curve, a point's frame), frame by
// frame through at().
template <typename T, typename Fill>
void EnvelopeCursor::fill_values(T* out, uint64_t first, size_t count, Fill fill) noexcept {
    for (size_t i = 0; i < count;) {
        const uint64_t frame = first + i;
        const double value = at(frame);
        if (line_frame_ != frame) {
            out[i] = static_cast<T>(value);
            fill.value(out + i);
            ++i;
            continue;
        }
        // An int32 count, whose conversion vectorizes (a longer run continues in the next round).
        const auto more = std::min<uint64_t>({line_left_, count - i - 1, uint64_t{INT32_MAX} - 1});
        const auto run = static_cast<int32_t>(more + 1);
        fill.line(out + i, run, frame - line_first_);
        line_left_ -= more;
        line_frame_ += more;
        i += static_cast<size_t>(run);
    }
}

namespace {

// The values themselves (fill()).
template <typename T>
struct Values {
    const double &start, &step;
    const bool& exponential;
    void value(T*) const noexcept {}
    void line(T* out, int32_t run, uint64_t k0) const noexcept {
        if (step == 0) std::fill_n(out, run, static_cast<T>(start));
        else simvx::line(out, run, start, step, static_cast<double>(k0), exponential);
    }
};

}  // namespace

void EnvelopeCursor::fill(float* out, uint64_t first, size_t count) noexcept {
    fill_values(out, first, count, Values<float>{line_start_, line_step_, line_exponential_});
}
void EnvelopeCursor::fill(double* out, uint64_t first, size_t count) noexcept {
    fill_values(out, first, count, Values<double>{line_start_, line_step_, line_exponential_});
}

void EnvelopeCursor::line_gains(float* out, uint64_t k0, size_t run) noexcept {
    if (line_step_ != gain_steps_for_) {
        for (uint64_t j = 0; j < kGainGroup; ++j)
            gain_steps_[j] = fast_db_to_gain(static_cast<float>(line_step_ * static_cast<double>(j)));
        gain_steps_for_ = line_step_;
    }
    // Groups on the envelope's own frames (the line's first frame counts from its origin).
    uint64_t frame = line_first_ + k0;
    const uint64_t end = frame + run;
    while (frame < end) {
        const uint64_t group = frame / kGainGroup * kGainGroup;
        const uint64_t from = std::max(group, line_first_);
        const size_t n = static_cast<size_t>(std::min(end, group + kGainGroup) - frame);
        const double db = line_start_ + line_step_ * static_cast<double>(from - line_first_);
        scaled(out, gain_steps_ + (frame - from), fast_db_to_gain(static_cast<float>(db)), n);
        out += n;
        frame += n;
    }
}

// A held run's gain is converted once; a linear one's a group at a time
// (line_gains); an exponential one's (a curve no volume is likely to take)
// frame by frame.
void EnvelopeCursor::fill_gains(float* out, uint64_t first, size_t count) noexcept {
    struct Gains {
        EnvelopeCursor& c;
        void value(float* out) const noexcept { *out = fast_db_to_gain(*out); }
        void line(float* out, int32_t run, uint64_t k0) const noexcept {
            const auto n = static_cast<size_t>(run);
            if (c.line_step_ == 0) {
                std::fill_n(out, n, fast_db_to_gain(static_cast<float>(c.line_start_)));
            } else if (c.line_exponential_) {
                simvx::line(out, run, c.line_start_, c.line_step_, static_cast<double>(k0), true);
                db_to_gains(out, n);
            } else {
                c.line_gains(out, k0, n);
            }
        }
    };
    fill_values(out, first, count, Gains{*this});
}

}  // namespace simvx
