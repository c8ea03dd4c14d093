// MP3 through libmp3lame: VBR at a quality (lame -V) or a constant bit rate.
// The tags go first as an ID3v2 tag; on a regular file the LAME/Xing info
// frame after it is rewritten at the end with the length, encoder delay and
// padding, so gapless decoders (mpg123, ffmpeg, ours) return exactly the
// render's length. A pipe gets no info frame (it could not be completed).
// Mono or stereo only: MP3 has no surround layouts (the constructor refuses more).
#pragma once
#include <lame/lame.h>

#include <vector>

#include "sink/audio_writer.hpp"
#include "sink/encode/byte_out.hpp"
#include "sink/encoding.hpp"

namespace simvx {

class Mp3Encoder final : public AudioWriter {
public:
    Mp3Encoder(const WriterTarget& target, const Encoding& encoding);  // throws OutputError
    ~Mp3Encoder() override;

    void write(std::span<const float> samples) override;
    void finalize() override;
    void add_late_tags(const Tags& tags) override;  // sink/encode/id3_tags_patch.hpp

private:
    void put_encoded(int bytes, const char* doing);

    ByteOut out_;
    uint32_t channels_;
    lame_t lame_ = nullptr;
    uint64_t info_frame_at_ = 0;  // where the LAME/Xing frame starts: after the ID3v2 tag
    std::vector<unsigned char> mp3_;
};

}  // namespace simvx
