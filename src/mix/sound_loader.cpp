#include "mix/sound_loader.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "decode/registry.hpp"
#include "dsp/downmix.hpp"
#include "dsp/resampler.hpp"

namespace simvx {
namespace {

constexpr size_t kChunkFrames = 8192;

// NaN and infinity must never reach the mixer: a filter or a sum would carry
// them on forever. Returns how many samples were replaced.
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

}  // namespace

SharedBuffer load_sound(const std::string& path, uint32_t engine_rate) {
    auto dec = open_decoder_file(path);
    const DecoderInfo& info = dec->info();
    const uint32_t in_ch = info.spec.channels;
    if (in_ch < 1 || in_ch > 8)
        throw InputError(path + ": " + std::to_string(in_ch) + " channels; simvxplay plays 1 to 8");
    if (info.spec.rate < 1000 || info.spec.rate > 768000)
        throw InputError(path + ": sample rate " + std::to_string(info.spec.rate) + " Hz is out of range");

    auto buf = std::make_shared<SampleBuffer>();
    buf->rate = engine_rate;
    buf->channels = in_ch == 1 ? 1 : 2;
    buf->path = path;
    buf->format = info.format;
    buf->source_rate = info.spec.rate;
    buf->source_channels = in_ch;

    std::optional<DownmixMatrix> downmix;
    if (in_ch > 2) downmix = stereo_downmix(in_ch, info.channel_mask);
    std::optional<Resampler> resampler;
    if (info.spec.rate != engine_rate) resampler.emplace(info.spec.rate, engine_rate, buf->channels);

    if (info.frames && !resampler && *info.frames < (uint64_t{1} << 32))
        buf->samples.reserve(*info.frames * buf->channels);

    std::vector<float> chunk(kChunkFrames * in_ch);
    std::vector<float> stereo(downmix ? kChunkFrames * 2 : 0);
    size_t bad = 0;
    while (size_t n = dec->read(chunk)) {
        std::span<float> got(chunk.data(), n * in_ch);
        bad += replace_non_finite(got);
        if (downmix) {
            apply_downmix(*downmix, got, stereo);
            got = std::span<float>(stereo.data(), n * 2);
        }
        if (resampler) resampler->process(got, buf->samples);
        else buf->samples.insert(buf->samples.end(), got.begin(), got.end());
    }
    if (resampler) resampler->finish(buf->samples);
    if (bad)
        log::warn(path + ": " + std::to_string(bad) + " NaN or infinite samples replaced by silence");
    buf->samples.shrink_to_fit();
    return buf;
}

}  // namespace simvx
