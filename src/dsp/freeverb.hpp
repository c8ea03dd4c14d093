// The reverb core after Jezar's Freeverb design: per channel, 8 combs with a
// one-pole lowpass in their feedback, in parallel, into 4 allpasses in series;
// the right channel's lines are 23 samples longer (stereo spread). Tunings are
// in samples at 44.1 kHz, scaled to the rate. The input is the sum of both
// channels. This class produces the wet signal only: wet/dry/width mixing is
// the effect wrapper's job (effects/reverb.cpp). A surround bus runs several
// tanks, each with its lines lengthened by its own tuning offset so their
// tails do not correlate.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/ramp.hpp"

namespace simvx {

class Freeverb {
public:
    struct Params {
        float room_size = 0.5f;  // 0..1: comb feedback 0.7..0.98
        float damping = 0.5f;    // 0..1: high frequencies decay faster
        bool freeze = false;     // lossless combs, input muted: the tail holds
    };

    // Sizes the lines for this rate (allocates) and clears them. Every line
    // is `tuning_offset` samples (at 44.1 kHz) longer than Jezar's tuning.
    void prepare(uint32_t sample_rate, int tuning_offset = 0);
    void reset() noexcept;
    // New parameters, reached over ~20 ms (`ramp`) or at once.
    void set(const Params& p, bool ramp) noexcept;
    // Interleaved stereo in, interleaved stereo wet signal out (`out` may
    // equal `in`). Real-time safe. Non-finite input is ignored; a state that
    // went non-finite anyway is cleared.
    void process(const float* in, float* out, size_t frames) noexcept;
    // Frames until the impulse response has decayed by 90 dB (capped at 60 s;
    // 60 s when frozen).
    uint64_t tail_frames() const noexcept;
    // True if every stored sample is zero or a finite normal number (tests:
    // no denormals, no NaN).
    bool state_is_clean() const noexcept;

private:
    // Frames handled per pass: process() works through longer calls in
    // chunks of this size, each filter running over a whole chunk at a time.
    static constexpr size_t kChunk = 256;

    // A circular line of samples, walked in stretches that do not wrap.
    struct Line {
        std::vector<float> buf_;
        size_t pos_ = 0;
        void resize(size_t n) {
            buf_.assign(n, 0.0f);
            pos_ = 0;
        }
        void clear() noexcept;
        size_t size() const noexcept { return buf_.size(); }
        bool clean() const noexcept;
    };
    // A comb's line, and the memory of the lowpass in its feedback.
    struct Comb : Line {
        float store_ = 0.0f;
        void resize(size_t n) {
            Line::resize(n);
            store_ = 0.0f;
        }
        void clear() noexcept {
            Line::clear();
            store_ = 0.0f;
        }
        bool clean() const noexcept;
    };
    using Allpass = Line;

    template <bool kRamping>
    void process_chunk(const float* in, float* out, size_t frames) noexcept;
    template <bool kRamping>
    void run_combs(size_t frames) noexcept;
    static void run_allpasses(std::array<Allpass, 4>& allpasses, float* io, size_t frames) noexcept;

    std::array<std::array<Comb, 8>, 2> combs_;
    std::array<std::array<Allpass, 4>, 2> allpasses_;
    GainRamp feedback_{0.84f}, damp_{0.2f}, gain_{0.015f};
    uint32_t rate_ = 0;
    bool frozen_ = false;
    // Per-chunk scratch (no allocation in process()): the comb input, the
    // two channels' sums, and the parameters per frame while they ramp.
    alignas(64) std::array<float, kChunk> x_{}, left_{}, right_{}, fb_{}, damp_a_{}, undamp_{};
};

}  // namespace simvx
