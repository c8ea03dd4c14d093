// Automation: a parameter's value over time, as points joined by curves with
// the formulas of WebAudio's AudioParam (setValueAtTime,
// linearRampToValueAtTime, exponentialRampToValueAtTime, setTargetAtTime),
// optionally repeating (an LFO-like cycle). Built and checked off the audio
// thread; evaluated on it without allocating (EnvelopeCursor).
#pragma once
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/named.hpp"
#include "core/realtime.hpp"

namespace simvx {

// How the value gets to a point from the point before it.
enum class EnvelopeCurve : uint8_t {
    step,         // holds the value before, jumps at the point's time (setValueAtTime)
    linear,       // straight line (linearRampToValueAtTime)
    exponential,  // v0·(v1/v0)^x: equal ratios in equal times (exponentialRampToValueAtTime)
    target,       // from the segment's start, approaches the point's value with a time
                  // constant, v1 + (v0 − v1)·e^(−(t − t0)/τ) (setTargetAtTime); the next
                  // segment starts from the value reached
};
inline constexpr std::array<Named<EnvelopeCurve>, 4> kEnvelopeCurveNames{{{"step", EnvelopeCurve::step},
                                                                          {"linear", EnvelopeCurve::linear},
                                                                          {"exponential", EnvelopeCurve::exponential},
                                                                          {"target", EnvelopeCurve::target}}};

struct EnvelopePoint {
    double time = 0.0;  // seconds
    double value = 0.0;
    EnvelopeCurve curve = EnvelopeCurve::linear;  // the segment that ends here (ignored on the first point)
    double time_constant = 0.0;                   // seconds; target only
};

// What is wrong with an envelope's points: the point (0-based) and why.
struct EnvelopeProblem {
    size_t point = 0;
    std::string message;
};

class Envelope {
public:
    // What is wrong with these points, or nothing: at least one point; finite
    // times from 0, each later than the one before; a target's time constant
    // above 0; an exponential segment between two values of the same sign,
    // neither zero (as WebAudio refuses); a loop has two points or more.
    static std::optional<EnvelopeProblem> problem(std::span<const EnvelopePoint> points, bool loop);

    // Throws std::invalid_argument with problem()'s message ("point 2: ...").
    Envelope(std::vector<EnvelopePoint> points, bool loop);

    // The value at `seconds` (from the envelope's origin): the first point's value
    // before it; the last one's after it (a final target keeps approaching); a loop
    // repeats [first time, last time) for ever.
    double value_at(double seconds) const noexcept SIMVX_REALTIME;

    // Its rate of change (value per second) at `seconds`: 0 before the first
    // point, after the last (but for a final target's approach) and along a
    // step; at a point's time, that of the segment which starts there.
    double slope_at(double seconds) const noexcept SIMVX_REALTIME;

    std::span<const EnvelopePoint> points() const noexcept { return points_; }
    bool loop() const noexcept { return loop_; }
    // The lowest and highest values it takes (the points': every curve stays between its ends).
    double min() const noexcept { return min_; }
    double max() const noexcept { return max_; }

    bool operator==(const Envelope& other) const noexcept;

private:
    friend class EnvelopeCursor;
    // Segment i (1 ≤ i < size) runs from point i−1 to point i.
    double segment_value(size_t i, double seconds) const noexcept SIMVX_REALTIME;
    double segment_slope(size_t i, double seconds) const noexcept SIMVX_REALTIME;
    // The segment that holds t (1 ≤ i < size) within [first time, last time); 0 outside.
    size_t segment_of(double t) const noexcept SIMVX_REALTIME;
    double segment_end(size_t i) const noexcept;                // the value segment i reaches at its point
    double wrap(double seconds) const noexcept SIMVX_REALTIME;  // a loop's time in its first cycle

    std::vector<EnvelopePoint> points_;
    std::vector<double> starts_;  // the value at the start of each segment (after a target: the value it reached)
    bool loop_ = false;
    double min_ = 0.0, max_ = 0.0;
};

// An envelope read frame by frame at a sample rate, for the audio thread: it
// remembers the segment it is in, so consecutive frames cost no search, and
// any frame (a seek, a start offset) can be asked for. Along a step, a
// linear or an exponential segment, later frames (the next one, or the next
// automation step's) cost one multiply-add, or one exponential (no division,
// no pow, no fmod for a loop): their values differ from value_at's by
// rounding in double.
class EnvelopeCursor {
public:
    EnvelopeCursor(Envelope envelope, double sample_rate);

    // The value at frame `frame` after the envelope's origin. Inline where a
    // frame further along the segment being followed is asked for: the
    // per-sample callers (gains, pans, sends) then cost a multiply-add a frame.
    double at(uint64_t frame) noexcept SIMVX_REALTIME {
        if (line_left_ && frame > line_frame_ && frame - line_frame_ <= line_left_) {
            line_left_ -= frame - line_frame_;
            line_frame_ = frame;
            const double k = static_cast<double>(frame - line_first_);
            return line_exponential_ ? line_start_ * std::exp(line_step_ * k) : line_start_ + line_step_ * k;
        }
        return at_afresh(frame);
    }
    // Values of frames [first, first + count) into `out`: at()'s, to the bit,
    // with a run of frames along the followed segment computed in one loop
    // (which vectorizes) instead of a call each.
    void fill(float* out, uint64_t first, size_t count) noexcept SIMVX_REALTIME;
    void fill(double* out, uint64_t first, size_t count) noexcept SIMVX_REALTIME;
    // A volume_db envelope's gains, fast_db_to_gain of each value: what the
    // per-sample volumes and sends multiply by, a block at a time.
    void fill_gains(float* out, uint64_t first, size_t count) noexcept SIMVX_REALTIME;
    // How many frames the per-sample callers fill at a time (their stack arrays).
    static constexpr size_t kFillRun = 256;

    // After at(frame): how many frames after `frame` surely keep the value
    // within `delta` of at()'s answer, from the followed segment's rate (to
    // its end at most); 0 where no segment is followed (a target curve, a
    // point's frame). Effect automation's holds read an envelope only then.
    uint64_t frames_within(double value, double delta) const noexcept SIMVX_REALTIME {
        if (!line_left_) return 0;
        const double rate = std::fabs(line_step_);  // per frame: of the value, or of its logarithm
        if (rate == 0) return line_left_;
        // |v·e^(s·k) − v| ≤ delta for k ≤ log1p(delta/|v|)/|s|, whichever the sign of s.
        const double k = line_exponential_ ? std::log1p(delta / std::fabs(value)) / rate : delta / rate;
        return k >= static_cast<double>(line_left_) ? line_left_ : static_cast<uint64_t>(k);
    }
    // After at(frame): the value holds still there (a step, or before the
    // first point or after the last), for frames_within() frames.
    bool holding() const noexcept { return line_left_ && line_step_ == 0; }

    const Envelope& envelope() const noexcept { return envelope_; }

private:
    // The value at `frame` from the envelope itself, and the segment it starts following.
    double at_afresh(uint64_t frame) noexcept SIMVX_REALTIME;
    // Frame by frame where no segment is followed, else a run at a time
    // (Fill: value(out) converts a value in place, line(out, run, k0) fills
    // a run from the line's frame k0).
    template <typename T, typename Fill>
    void fill_values(T* out, uint64_t first, size_t count, Fill fill) noexcept SIMVX_REALTIME;
    // fill_gains() along a linear segment (a volume's line in dB): the gain
    // of each frame is that of its group's first frame (kGainGroup frames of
    // the envelope's time, or the line's first) times the line's gain step to
    // it, made once a segment: a multiply a frame, not an exponential, and
    // the same bits however the frames are cut into runs.
    static constexpr uint64_t kGainGroup = 32;
    void line_gains(float* out, uint64_t k0, size_t run) noexcept SIMVX_REALTIME;

    static constexpr uint64_t kForever = uint64_t{1} << 62;  // frames a held value surely lasts: for good
    Envelope envelope_;
    double rate_;
    size_t segment_ = 1;  // the segment of the last frame asked for
    // The segment being followed: its first frame and value, the increment
    // per frame (of the logarithm, on an exponential ramp), the last frame
    // given, and how many more are surely on it.
    // line_frame_ is kNoFrame where the last frame asked for is on no segment.
    static constexpr uint64_t kNoFrame = UINT64_MAX;
    uint64_t line_first_ = 0, line_frame_ = kNoFrame, line_left_ = 0;
    double line_start_ = 0.0, line_step_ = 0.0;
    bool line_exponential_ = false;
    // line_gains(): 10^(step·j/20) for j < kGainGroup, of the step they were made for (NaN: none yet).
    float gain_steps_[kGainGroup] = {};
    double gain_steps_for_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace simvx
