#include "mix/varispeed_source.hpp"

#include <cmath>

namespace simvx {

VarispeedSource::VarispeedSource(std::unique_ptr<VoiceSource> inner, Interpolator kind, double ratio, double max_ratio)
    : inner_(std::move(inner)), varispeed_(kind, inner_->channels(), ratio, max_ratio) {}

size_t VarispeedSource::pull_inner(void* self, float* out, size_t frames) noexcept {
    return static_cast<VarispeedSource*>(self)->inner_->pull(out, frames);
}

size_t VarispeedSource::pull(float* out, size_t frames) noexcept {
    return varispeed_.process(out, frames, &VarispeedSource::pull_inner, this);
}

// The inner frames the next `frames` output frames read, plus the kernel's reach.
bool VarispeedSource::ready(size_t frames) const noexcept {
    const double ratio = std::max(varispeed_.ratio(), 1.0);
    return inner_->ready(static_cast<size_t>(std::ceil(static_cast<double>(frames) * ratio)) + Varispeed::kSincTaps * 2);
}

void add_varispeed(VoiceSetup& voice, Interpolator kind, double ratio, double max_ratio) {
    auto source = std::make_unique<VarispeedSource>(std::move(voice.source), kind, ratio, max_ratio);
    voice.varispeed = source.get();
    voice.source = std::move(source);
}

}  // namespace simvx
