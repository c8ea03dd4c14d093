#include "sink/encode/flac_encoder.hpp"

#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "core/speakers.hpp"
#include "sink/encode/flac_tags_patch.hpp"
#include "sink/quantize.hpp"

namespace simvx {
namespace {

// WAVEFORMATEXTENSIBLE_CHANNEL_MASK=0x003F, spelled as flac writes it.
Tag channel_mask_tag(uint32_t channels) {
    char mask[16];
    std::snprintf(mask, sizeof mask, "0x%04X", speaker::default_mask(channels));
    return {"WAVEFORMATEXTENSIBLE_CHANNEL_MASK", mask};
}

}  // namespace

FlacEncoder::FlacEncoder(const WriterTarget& target, const Encoding& encoding)
    : out_(target), format_(encoding.format), channels_(target.spec.channels) {
    encoder_ = FLAC__stream_encoder_new();
    if (!encoder_) throw OutputError(target.name + ": cannot start the FLAC encoder (out of memory)");
    try {
        start(target, encoding);
    } catch (...) {
        release();
        throw;
    }
}

void FlacEncoder::start(const WriterTarget& target, const Encoding& encoding) {
    const uint32_t bits = format_ == SampleFormat::s24 ? 24 : 16;
    FLAC__stream_encoder_set_channels(encoder_, channels_);
    FLAC__stream_encoder_set_bits_per_sample(encoder_, bits);
    FLAC__stream_encoder_set_sample_rate(encoder_, target.spec.rate);
    FLAC__stream_encoder_set_compression_level(encoder_, static_cast<uint32_t>(encoding.quality.value_or(5)));
    // A pipe's STREAMINFO cannot be corrected at the end: it keeps "unknown"
    // rather than a length an interrupted render would not reach.
    if (target.seekable && target.expected_frames) FLAC__stream_encoder_set_total_samples_estimate(encoder_, *target.expected_frames);
    // Surround says its layout as the flac tool does: FLAC's own order for 4
    // to 8 channels is WAV's, but its "back/surround" pair is read as side
    // channels without the mask (ffmpeg calls a 6-channel FLAC 5.1(side)).
    Tags tags = encoding.tags;
    if (channels_ > 2) tags.push_back(channel_mask_tag(channels_));
    if (!tags.empty()) {
        comments_ = FLAC__metadata_object_new(FLAC__METADATA_TYPE_VORBIS_COMMENT);
        for (const auto& t : tags) {
            FLAC__StreamMetadata_VorbisComment_Entry entry;
            if (!comments_ ||
                !FLAC__metadata_object_vorbiscomment_entry_from_name_value_pair(&entry, t.key.c_str(), t.value.c_str()) ||
                !FLAC__metadata_object_vorbiscomment_append_comment(comments_, entry, false))
                throw OutputError(target.name + ": cannot write the tag " + t.key + " (not valid UTF-8?)");
        }
    }
    // Room for tags that follow the audio: a PADDING block after the comments
    // (libFLAC writes an empty VORBIS_COMMENT block itself when none is given).
    if (target.late_tags) {
        padding_ = FLAC__metadata_object_new(FLAC__METADATA_TYPE_PADDING);
        if (!padding_) throw OutputError(target.name + ": cannot start the FLAC encoder (out of memory)");
        padding_->length = kFlacTagRoom;
    }
    FLAC__StreamMetadata* blocks[2];
    unsigned n = 0;
    if (comments_) blocks[n++] = comments_;
    if (padding_) blocks[n++] = padding_;
    if (n) FLAC__stream_encoder_set_metadata(encoder_, blocks, n);
    const auto status = FLAC__stream_encoder_init_stream(encoder_, on_write, target.seekable ? on_seek : nullptr,
                                                         target.seekable ? on_tell : nullptr, nullptr, this);
    if (status != FLAC__STREAM_ENCODER_INIT_STATUS_OK) {
        out_.check();
        throw OutputError(target.name + ": the FLAC encoder refused the format (" + std::to_string(target.spec.rate) +
                          " Hz, " + std::to_string(channels_) + " channels): " +
                          FLAC__StreamEncoderInitStatusString[status]);
    }
}

FlacEncoder::~FlacEncoder() { release(); }

void FlacEncoder::release() noexcept {
    // An unfinished encoder finishes itself when deleted: not into a file
    // that an aborted render has already closed.
    out_.detach();
    FLAC__stream_encoder_delete(encoder_);
    if (comments_) FLAC__metadata_object_delete(comments_);
    if (padding_) FLAC__metadata_object_delete(padding_);
}

void FlacEncoder::fail(const char* doing) {
    out_.fail(std::string("FLAC encoder failed ") + doing + ": " +
              FLAC__stream_encoder_get_resolved_state_string(encoder_));
}

void FlacEncoder::write(std::span<const float> samples) {
    // Quantized by the WAV writer's own routines, then widened: the same integers.
    const size_t n = samples.size();
    ints_.resize(n);
    if (format_ == SampleFormat::s24) {
        bytes_.resize(n * 3);
        clipped_ += quantize_s24(samples.data(), bytes_.data(), n);
        unpack_s24(bytes_.data(), ints_.data(), n);
    } else {
        bytes_.resize(n * 2);
        clipped_ += quantize_s16(samples.data(), bytes_.data(), n);
        unpack_s16(bytes_.data(), ints_.data(), n);
    }
    if (!FLAC__stream_encoder_process_interleaved(encoder_, ints_.data(), static_cast<uint32_t>(n / channels_)))
        fail("while encoding");
}

void FlacEncoder::finalize() {
    if (!FLAC__stream_encoder_finish(encoder_)) fail("at the end of the stream");
    out_.check();
    if (std::fflush(out_.target().file) != 0) throw_write_error(out_.target().name, errno);
}

void FlacEncoder::add_late_tags(const Tags& tags) {
    if (!tags.empty()) add_flac_comments(FilePatch(out_.target()), tags);
}

FLAC__StreamEncoderWriteStatus FlacEncoder::on_write(const FLAC__StreamEncoder*, const FLAC__byte buffer[], size_t bytes,
                                                     uint32_t, uint32_t, void* self) {
    return static_cast<FlacEncoder*>(self)->out_.put(buffer, bytes) ? FLAC__STREAM_ENCODER_WRITE_STATUS_OK
                                                                    : FLAC__STREAM_ENCODER_WRITE_STATUS_FATAL_ERROR;
}

FLAC__StreamEncoderSeekStatus FlacEncoder::on_seek(const FLAC__StreamEncoder*, FLAC__uint64 offset, void* self) {
    return static_cast<FlacEncoder*>(self)->out_.seek(offset) ? FLAC__STREAM_ENCODER_SEEK_STATUS_OK
                                                              : FLAC__STREAM_ENCODER_SEEK_STATUS_ERROR;
}

FLAC__StreamEncoderTellStatus FlacEncoder::on_tell(const FLAC__StreamEncoder*, FLAC__uint64* offset, void* self) {
    uint64_t at = 0;
    if (!static_cast<FlacEncoder*>(self)->out_.tell(at)) return FLAC__STREAM_ENCODER_TELL_STATUS_ERROR;
    *offset = at;
    return FLAC__STREAM_ENCODER_TELL_STATUS_OK;
}

}  // namespace simvx
