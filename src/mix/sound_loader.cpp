#include "mix/sound_loader.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/speakers.hpp"
#include "decode/registry.hpp"
#include "mix/decode_pipeline.hpp"

namespace simvx {
namespace {
constexpr size_t kChunkFrames = 8192;
}  // namespace

SharedBuffer load_sound(const std::string& path, uint32_t engine_rate) {
    return load_sound(open_decoder_file(path), path, engine_rate);
}

SharedBuffer load_sound(std::unique_ptr<Decoder> dec, const std::string& path, uint32_t engine_rate, bool keep_channels) {
    const DecoderInfo& info = dec->info();
    check_playable(path, info);

    auto buf = std::make_shared<SampleBuffer>();
    buf->rate = engine_rate;
    buf->path = path;
    buf->format = info.format;
    buf->source_rate = info.spec.rate;
    buf->source_channels = info.spec.channels;
    const uint32_t in_ch = info.spec.channels;
    if (decoded_channels(in_ch, keep_channels) > 2) buf->channel_mask = info.channel_mask;
    auto& s = buf->samples;
    uint64_t bad = 0;

    if (decoded_channels(in_ch, keep_channels) == in_ch && info.spec.rate == engine_rate && info.frames && *info.frames < (uint64_t{1} << 31)) {
        // The common case: decode straight into the buffer, no copies.
        buf->channels = in_ch;
        const bool may_be_non_finite = info.bits == 0;
        s.resize(*info.frames * in_ch);
        size_t filled = 0;
        SampleVector extra;  // only if the file holds more than its header said
        for (;;) {
            const bool full = filled == s.size();
            if (full) extra.resize(kChunkFrames * in_ch);
            float* dst = full ? extra.data() : s.data() + filled;
            const size_t n = dec->read(std::span<float>(dst, full ? extra.size() : s.size() - filled));
            if (n == 0) break;
            if (may_be_non_finite) bad += replace_non_finite(std::span<float>(dst, n * in_ch));
            if (full) s.insert(s.end(), extra.begin(), extra.begin() + static_cast<std::ptrdiff_t>(n * in_ch));
            filled += n * in_ch;
        }
        s.resize(filled);
    } else {
        DecodePipeline pipe(*dec, engine_rate, keep_channels);
        buf->channels = pipe.channels();
        while (pipe.step(s, kChunkFrames)) {
        }
        pipe.finish(s);
        bad = pipe.non_finite();
    }
    if (bad) log::warn(path + ": " + std::to_string(bad) + " NaN or infinite samples replaced by silence");
    s.shrink_to_fit();
    return buf;
}

void check_playable(const std::string& path, const DecoderInfo& info) {
    if (info.spec.channels < 1 || info.spec.channels > speaker::kMaxChannels)
        throw InputError(path + ": " + std::to_string(info.spec.channels) + " channels; simvxplay plays 1 to " +
                         std::to_string(speaker::kMaxChannels));
    if (info.spec.rate < 1000 || info.spec.rate > 768000)
        throw InputError(path + ": sample rate " + std::to_string(info.spec.rate) + " Hz is out of range");
}

}  // namespace simvx
