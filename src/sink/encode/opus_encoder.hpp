// Ogg Opus through libopusenc: any input rate (resampled to 48 kHz inside,
// the input rate kept in the header), the pre-skip and the end trim set so
// that decoders return exactly the render's length.
#pragma once
#include <opus/opusenc.h>

#include "sink/audio_writer.hpp"
#include "sink/encode/byte_out.hpp"
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
    OggOpusEnc* encoder_ = nullptr;
};

}  // namespace simvx
