// Ogg Vorbis through libvorbisenc and libogg: VBR at a quality (oggenc's -q),
// or an average bit rate. The last page's granule position is the number of
// frames given, so decoders return exactly the render's length. Surround
// frames arrive in WAV order and are encoded in Vorbis's
// (sink/encode/vorbis_channel_order.hpp).
#pragma once
#include <ogg/ogg.h>
#include <vorbis/codec.h>

#include "sink/audio_writer.hpp"
#include "sink/encode/byte_out.hpp"
#include "sink/encode/vorbis_channel_order.hpp"
#include "sink/encoding.hpp"

namespace simvx {

class VorbisEncoder final : public AudioWriter {
public:
    VorbisEncoder(const WriterTarget& target, const Encoding& encoding);  // throws OutputError
    ~VorbisEncoder() override;

    void write(std::span<const float> samples) override;
    void finalize() override;
    void add_late_tags(const Tags& tags) override;  // sink/encode/ogg_comments_patch.hpp

private:
    void start(const WriterTarget& target, const Encoding& encoding);  // the constructor's fallible part, once libvorbis is set up
    void release() noexcept;
    void put_pages(bool flush);
    void encode_blocks();

    ByteOut out_;
    uint32_t channels_;
    VorbisOrder order_;
    vorbis_info info_{};
    vorbis_comment comment_{};
    vorbis_dsp_state dsp_{};
    vorbis_block block_{};
    ogg_stream_state stream_{};
    bool dsp_ready_ = false;
    bool stream_ready_ = false;
};

}  // namespace simvx
