// --expect FILE: compares a render, sample by sample as it was written, with
// a reference file (any format the decoders read). Fed from the render's own
// pull thread while rendering, so `--render -` compares what went to stdout
// and nothing is kept in memory.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/audio_spec.hpp"
#include "decode/decoder.hpp"
#include "sink/dither.hpp"
#include "sink/wav_writer.hpp"

namespace simvx {

struct ExpectResult {
    // What differs in form (empty when rate, channels and length agree).
    std::vector<std::string> format_differences;
    uint64_t frames_compared = 0;
    double peak_residual = 0;        // largest |render - reference| (full scale 1.0)
    uint64_t peak_frame = 0;         // where, and in which channel (0-based)
    uint32_t peak_channel = 0;
    double rms_residual = 0;
    bool passed = false;
};

class ExpectCheck {
public:
    // Opens the reference (throws InputError when it cannot be decoded).
    // `spec`, `format` and `dither`: the render's, so samples are compared as
    // written (the dither is seeded, so the same noise is added here).
    ExpectCheck(const std::string& reference, const AudioSpec& spec, SampleFormat format, bool dither, double tolerance_db);

    // Rendered frames (interleaved, before quantization), in order.
    void add(std::span<const float> rendered);
    // Also hands each compared block's residual (render − reference as
    // written, interleaved) to `listener`, in order (the diff plot).
    void on_residual(std::function<void(const float* residual, size_t frames)> listener) { residual_listener_ = std::move(listener); }
    // Or, for a lossy render, instead of add(): the finished file decoded
    // back, so the comparison sees what the encoder made of the mix.
    void add_file(const std::string& rendered);
    // Reads what is left of the reference and judges.
    ExpectResult finish();

    // The one-line report (pass) or the lines explaining a failure.
    std::string describe(const ExpectResult& r) const;

private:
    void compare(const float* rendered, const float* reference, size_t frames);

    std::string path_;
    std::unique_ptr<Decoder> reference_;
    AudioSpec spec_;
    SampleFormat format_;
    std::optional<TpdfDither> dither_;
    double tolerance_db_;
    bool same_shape_;
    uint64_t rendered_frames_ = 0;
    uint64_t reference_frames_ = 0;
    bool reference_ended_ = false;
    double peak_ = 0, sum_sq_ = 0;
    uint64_t peak_frame_ = 0, compared_ = 0;
    uint32_t peak_channel_ = 0;
    std::vector<float> written_, ref_, dithered_, residual_;
    std::function<void(const float*, size_t)> residual_listener_;
    std::vector<uint8_t> bytes_;
    std::vector<int32_t> ints_;
};

// 20·log10(x), with silence as -inf.
double to_db(double amplitude);
// "-93.2 dBFS" style, "-inf" for silence.
std::string format_db(double db, const char* unit);

}  // namespace simvx
