#include "mix/decode_pipeline.hpp"

#include <algorithm>
#include <cmath>

namespace simvx {

size_t replace_non_finite(std::span<float> s) {
    size_t n = 0;
    for (float& x : s) {
        if (!std::isfinite(x)) {
            x = 0.0f;
            ++n;
        }
    }
    return n;
}

DecodePipeline::DecodePipeline(Decoder& decoder, uint32_t engine_rate, bool keep_channels)
    : DecodePipeline(decoder.info(), engine_rate, keep_channels) {
    decoder_ = &decoder;
}

DecodePipeline::DecodePipeline(const DecoderInfo& info, uint32_t engine_rate, bool keep_channels)
    : in_channels_(info.spec.channels),
      out_channels_(decoded_channels(in_channels_, keep_channels)),
      // Integer PCM cannot hold NaN or infinity: only float and lossy formats need the scan.
      may_be_non_finite_(info.bits == 0) {
    if (out_channels_ != in_channels_) downmix_ = stereo_downmix(in_channels_, info.channel_mask);
    if (info.spec.rate != engine_rate) resampler_.emplace(info.spec.rate, engine_rate, out_channels_);
}

size_t DecodePipeline::step(SampleVector& out, size_t max_frames) {
    if (!downmix_ && !resampler_) {
        // Nothing to convert: decode straight into `out` (one copy less on the streaming path).
        const size_t at = out.size();
        out.resize(at + max_frames * in_channels_);
        const size_t n = decoder_->read(std::span<float>(out.data() + at, max_frames * in_channels_));
        out.resize(at + n * in_channels_);
        if (may_be_non_finite_) non_finite_ += replace_non_finite(std::span<float>(out.data() + at, n * in_channels_));
        return n;
    }
    chunk_.resize(max_frames * in_channels_);
    const size_t n = decoder_->read(chunk_);
    if (n == 0) return 0;
    convert(std::span<float>(chunk_.data(), n * in_channels_), out);
    return n;
}

void DecodePipeline::convert(std::span<float> got, SampleVector& out) {
    const size_t n = got.size() / in_channels_;
    if (may_be_non_finite_) non_finite_ += replace_non_finite(got);
    if (downmix_) {
        stereo_.resize(n * 2);
        apply_downmix(*downmix_, got, stereo_);
        got = std::span<float>(stereo_.data(), n * 2);
    }
    if (resampler_) resampler_->process(got, out);
    else out.insert(out.end(), got.begin(), got.end());
}

void DecodePipeline::finish(SampleVector& out) {
    if (resampler_) resampler_->finish(out);
}

}  // namespace simvx
