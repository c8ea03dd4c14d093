// FLAC through libFLAC's stream encoder: s16 or s24 samples, quantized as the
// WAV writer does, so `flac -d` gives back the WAV render bit for bit. On a
// regular file the STREAMINFO (length, MD5) is rewritten at the end; on a
// pipe it says "length unknown". Surround (WAV order is FLAC's order for up
// to 8 channels) also gets the WAVEFORMATEXTENSIBLE_CHANNEL_MASK tag.
#pragma once
#include <FLAC/metadata.h>
#include <FLAC/stream_encoder.h>

#include <vector>

#include "sink/audio_writer.hpp"
#include "sink/encode/byte_out.hpp"
#include "sink/encoding.hpp"

namespace simvx {

class FlacEncoder final : public AudioWriter {
public:
    FlacEncoder(const WriterTarget& target, const Encoding& encoding);  // throws OutputError
    ~FlacEncoder() override;

    void write(std::span<const float> samples) override;
    void finalize() override;
    void add_late_tags(const Tags& tags) override;  // sink/encode/flac_tags_patch.hpp
    uint64_t clipped() const override { return clipped_; }

private:
    static FLAC__StreamEncoderWriteStatus on_write(const FLAC__StreamEncoder*, const FLAC__byte buffer[], size_t bytes,
                                                   uint32_t, uint32_t, void* self);
    static FLAC__StreamEncoderSeekStatus on_seek(const FLAC__StreamEncoder*, FLAC__uint64 offset, void* self);
    static FLAC__StreamEncoderTellStatus on_tell(const FLAC__StreamEncoder*, FLAC__uint64* offset, void* self);
    void start(const WriterTarget& target, const Encoding& encoding);  // the constructor's fallible part
    void release() noexcept;
    [[noreturn]] void fail(const char* doing);

    ByteOut out_;
    SampleFormat format_;
    uint32_t channels_;
    FLAC__StreamEncoder* encoder_ = nullptr;
    FLAC__StreamMetadata* comments_ = nullptr;
    FLAC__StreamMetadata* padding_ = nullptr;  // room for late tags
    uint64_t clipped_ = 0;
    std::vector<uint8_t> bytes_;
    std::vector<FLAC__int32> ints_;
};

}  // namespace simvx
