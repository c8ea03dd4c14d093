#include "sink/encode/make_writer.hpp"

#include "sink/encode/flac_encoder.hpp"
#include "sink/encode/mp3_encoder.hpp"
#include "sink/encode/opus_encoder.hpp"
#include "sink/encode/vorbis_encoder.hpp"
#include "sink/wav_writer.hpp"

namespace simvx {

std::unique_ptr<AudioWriter> make_writer(const WriterTarget& target, const Encoding& encoding) {
    switch (encoding.codec) {
        case Codec::wav:
            return std::make_unique<WavWriter>(target.file, target.name, target.seekable, target.spec, encoding.format,
                                               target.expected_frames, encoding.container, encoding.tags);
        case Codec::flac: return std::make_unique<FlacEncoder>(target, encoding);
        case Codec::opus: return std::make_unique<OpusEncoder>(target, encoding);
        case Codec::vorbis: return std::make_unique<VorbisEncoder>(target, encoding);
        case Codec::mp3: return std::make_unique<Mp3Encoder>(target, encoding);
    }
    return nullptr;
}

}  // namespace simvx
