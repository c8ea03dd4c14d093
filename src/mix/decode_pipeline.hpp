// Decoded frames → the engine's format: NaN/inf replaced by silence, more than
// two channels downmixed (BS.775) unless kept for surround buses, the rate
// converted (libsoxr HQ). Shared by whole-file loading and streaming, so both
// sound the same.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "core/sample_vector.hpp"
#include "decode/decoder.hpp"
#include "dsp/downmix.hpp"
#include "dsp/resampler.hpp"

namespace simvx {

// The channels a file of `file_channels` is played with: 1 or 2, or with
// `keep_channels` (surround buses: mix/voice.hpp maps them onto the
// speakers) its own, up to 8.
constexpr uint32_t decoded_channels(uint32_t file_channels, bool keep_channels) {
    return file_channels > 2 && keep_channels ? file_channels : file_channels == 1 ? 1 : 2;
}

class DecodePipeline {
public:
    DecodePipeline(Decoder& decoder, uint32_t engine_rate, bool keep_channels = false);
    // For frames that come from elsewhere (a live pipe): only convert() then.
    DecodePipeline(const DecoderInfo& info, uint32_t engine_rate, bool keep_channels = false);

    uint32_t channels() const { return out_channels_; }  // decoded_channels()
    // Whether a step costs about a copy: uncompressed samples at the engine's rate.
    bool cheap() const { return decoder_ && decoder_->info().uncompressed && !resampler_; }
    // Decodes up to max_frames native frames and appends the converted frames
    // to `out`. Returns the native frames decoded; 0 = end of the input.
    size_t step(SampleVector& out, size_t max_frames);
    // Converts native frames (modified in place) and appends them to `out`.
    void convert(std::span<float> frames, SampleVector& out);
    // At the very end: flushes the rate converter into `out` (the same vector
    // the output went to, since its last frames may be trimmed).
    void finish(SampleVector& out);
    // How many NaN/inf samples were replaced so far.
    uint64_t non_finite() const { return non_finite_; }

private:
    Decoder* decoder_ = nullptr;
    uint32_t in_channels_, out_channels_;
    bool may_be_non_finite_;
    std::optional<DownmixMatrix> downmix_;
    std::optional<Resampler> resampler_;
    SampleVector chunk_, stereo_;
    uint64_t non_finite_ = 0;
};

// Replaces NaN and infinity by 0; returns how many. (They must never reach
// the mixer: a filter or a sum would carry them on forever.)
size_t replace_non_finite(std::span<float> samples);

}  // namespace simvx
