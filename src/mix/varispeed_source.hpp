// A voice source played at a variable rate: wraps the source of a pitched
// (or doppler-shifted) sound, read at the file's own rate, and converts it to
// the engine rate and the pitch in one resampling step (dsp/varispeed.hpp).
// Loops stay seamless at any pitch: the inner source wraps sample-exactly and
// the resampler reads straight through the seam.
#pragma once
#include <memory>

#include "dsp/varispeed.hpp"
#include "mix/voice.hpp"
#include "mix/voice_source.hpp"

namespace simvx {

class VarispeedSource final : public VoiceSource {
public:
    // ratio: inner frames per output frame (pitch × file rate / engine rate).
    // max_ratio bounds later set_ratio() calls (the history is sized for it).
    VarispeedSource(std::unique_ptr<VoiceSource> inner, Interpolator kind, double ratio, double max_ratio);

    uint32_t channels() const noexcept override { return inner_->channels(); }
    size_t pull(float* out, size_t frames) noexcept SIMVX_REALTIME override;
    bool ready(size_t frames) const noexcept SIMVX_REALTIME override;
    uint64_t underruns() const noexcept override { return inner_->underruns(); }
    std::string error() const override { return inner_->error(); }

    // Render thread: the ratio to glide to over the next pull().
    void set_ratio(double ratio) noexcept { varispeed_.set_ratio(ratio); }
    // Before the first pull: start at this ratio, without a glide.
    void jump_to_ratio(double ratio) noexcept { varispeed_.jump_to_ratio(ratio); }
    double ratio() const noexcept { return varispeed_.ratio(); }

private:
    static size_t pull_inner(void* self, float* out, size_t frames) noexcept;

    std::unique_ptr<VoiceSource> inner_;
    Varispeed varispeed_;
};

// Puts a VarispeedSource in front of the voice's source and records it in
// `voice.varispeed` (for the doppler glide). Arguments as the constructor's.
void add_varispeed(VoiceSetup& voice, Interpolator kind, double ratio, double max_ratio);

}  // namespace simvx
