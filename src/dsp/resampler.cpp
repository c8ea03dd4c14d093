#include "dsp/resampler.hpp"

#include <soxr.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace simvx {

Resampler::Resampler(uint32_t in_rate, uint32_t out_rate, uint32_t channels)
    : in_rate_(in_rate), out_rate_(out_rate), channels_(channels) {
    soxr_error_t err = nullptr;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_runtime_spec_t rt = soxr_runtime_spec(1);
    soxr_ = soxr_create(in_rate, out_rate, channels, &err, &io, &q, &rt);
    if (err) throw std::runtime_error(std::string("libsoxr: ") + err);
}

Resampler::~Resampler() { soxr_delete(soxr_); }

void Resampler::run(const float* in, size_t in_frames, SampleVector& out) {
    // soxr may hold input back; call until it has taken all of it and has
    // nothing more to give.
    size_t offset = 0;
    for (;;) {
        const size_t room = static_cast<size_t>(
            std::ceil(static_cast<double>(in_frames - offset) * out_rate_ / in_rate_)) + 1024;
        const size_t base = out.size();
        out.resize(base + room * channels_);
        size_t used = 0, made = 0;
        const float* src = in ? in + offset * channels_ : nullptr;
        soxr_error_t err = soxr_process(soxr_, src, in ? in_frames - offset : 0, &used, out.data() + base, room, &made);
        if (err) throw std::runtime_error(std::string("libsoxr: ") + err);
        out.resize(base + made * channels_);
        frames_out_ += made;
        offset += used;
        if ((in && offset >= in_frames && made < room) || (!in && made == 0)) break;
    }
}

void Resampler::process(std::span<const float> in, SampleVector& out) {
    const size_t frames = in.size() / channels_;
    frames_in_ += frames;
    if (frames) run(in.data(), frames, out);
}

void Resampler::finish(SampleVector& out) {
    const uint64_t want = static_cast<uint64_t>(
        std::llround(static_cast<double>(frames_in_) * out_rate_ / in_rate_));
    run(nullptr, 0, out);
    // Trim or pad the last frames so the length is the exact rational one.
    if (frames_out_ > want) {
        out.resize(out.size() - (frames_out_ - want) * channels_);
    } else if (frames_out_ < want) {
        out.resize(out.size() + (want - frames_out_) * channels_, 0.0f);
    }
    frames_out_ = want;
}

}  // namespace simvx
