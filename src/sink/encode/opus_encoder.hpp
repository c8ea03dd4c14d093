// Ogg Opus through libopusenc: any input rate (resampled to 48 kHz inside,
// the input rate kept in the header), the pre-skip and the end trim set so
// that decoders return exactly the render's length. More than two channels
// use mapping family 1, whose input is in Vorbis's order: the WAV-order
// frames are reordered first (sink/encode/vorbis_channel_order.hpp).
#pragma once
#include <opus/opusenc.h>

#include <vector>

#include "sink/audio_writer.hpp"
#include "sink/encode/byte_out.hpp"
#include "sink/encode/vorbis_channel_order.hpp"
#include "sink/encoding.hpp"

namespace simvx {

class OpusEncoder final : public AudioWriter {
public:
    OpusEncoder(const WriterTarget& target, const Encoding& encoding);  // throws OutputError
    ~OpusEncoder() override;

    void write(std::span<const float> samples) override;
    void finalize() override;
    void add_late_tags(const Tags& tags) override;  // sink/encode/ogg_comments_patch.hpp

private:
    [[noreturn]] void fail(const char* doing, int error);

    ByteOut out_;
    uint32_t channels_;
    VorbisOrder order_;
    OggOpusEnc* encoder_ = nullptr;
    std::vector<float> reordered_;  // one block in Vorbis order
};

}  // namespace simvx
