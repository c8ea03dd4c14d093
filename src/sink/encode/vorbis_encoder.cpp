#include "sink/encode/vorbis_encoder.hpp"

#include <vorbis/vorbisenc.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/number_format.hpp"
#include "sink/encode/ogg_comments_patch.hpp"

namespace simvx {

// A fixed Ogg serial number: the same render gives the same bytes.
constexpr int kSerial = 0x53564F56;  // "SVOV"

VorbisEncoder::VorbisEncoder(const WriterTarget& target, const Encoding& encoding)
    : out_(target), channels_(target.spec.channels), order_(vorbis_order(channels_)) {
    vorbis_info_init(&info_);
    const long rate = target.spec.rate;
    const int ret = encoding.bitrate_kbps
                        ? vorbis_encode_init(&info_, channels_, rate, -1, static_cast<long>(*encoding.bitrate_kbps * 1000), -1)
                        : vorbis_encode_init_vbr(&info_, channels_, rate,
                                                 static_cast<float>(encoding.quality.value_or(3) / 10.0));
    if (ret != 0) {
        vorbis_info_clear(&info_);
        throw OutputError(target.name + ": the Vorbis encoder cannot encode " + std::to_string(channels_) +
                          " channels at " + std::to_string(rate) + " Hz with " + describe_encoding(encoding));
    }
    vorbis_comment_init(&comment_);
    try {
        start(target, encoding);
    } catch (...) {
        release();
        throw;
    }
}

void VorbisEncoder::start(const WriterTarget& target, const Encoding& encoding) {
    for (const auto& t : encoding.tags) vorbis_comment_add_tag(&comment_, t.key.c_str(), t.value.c_str());
    vorbis_analysis_init(&dsp_, &info_);
    vorbis_block_init(&dsp_, &block_);
    dsp_ready_ = true;
    ogg_stream_init(&stream_, kSerial);
    stream_ready_ = true;
    ogg_packet header, comments, codebooks;
    vorbis_analysis_headerout(&dsp_, &comment_, &header, &comments, &codebooks);
    ogg_stream_packetin(&stream_, &header);
    // Room for tags that follow the audio: zeros after the framing bit,
    // which decoders do not read (add_ogg_comments fills them).
    std::vector<unsigned char> roomy;
    if (target.late_tags) {
        roomy.assign(comments.packet, comments.packet + comments.bytes);
        roomy.resize(roomy.size() + kVorbisCommentRoom, 0);
        comments.packet = roomy.data();
        comments.bytes = static_cast<long>(roomy.size());
    }
    ogg_stream_packetin(&stream_, &comments);
    ogg_stream_packetin(&stream_, &codebooks);
    put_pages(true);  // the audio starts on a page of its own, as the specification asks
}

VorbisEncoder::~VorbisEncoder() { release(); }

void VorbisEncoder::release() noexcept {
    if (stream_ready_) ogg_stream_clear(&stream_);
    if (dsp_ready_) {
        vorbis_block_clear(&block_);
        vorbis_dsp_clear(&dsp_);
    }
    vorbis_comment_clear(&comment_);
    vorbis_info_clear(&info_);
}

void VorbisEncoder::put_pages(bool flush) {
    ogg_page page;
    while (flush ? ogg_stream_flush(&stream_, &page) : ogg_stream_pageout(&stream_, &page)) {
        out_.put(page.header, static_cast<size_t>(page.header_len));
        out_.put(page.body, static_cast<size_t>(page.body_len));
    }
    out_.check();
}

void VorbisEncoder::encode_blocks() {
    ogg_packet packet;
    while (vorbis_analysis_blockout(&dsp_, &block_) == 1) {
        vorbis_analysis(&block_, nullptr);
        vorbis_bitrate_addblock(&block_);
        while (vorbis_bitrate_flushpacket(&dsp_, &packet)) ogg_stream_packetin(&stream_, &packet);
    }
}

void VorbisEncoder::write(std::span<const float> samples) {
    const size_t frames = samples.size() / channels_;
    if (frames == 0) return;
    float** planes = vorbis_analysis_buffer(&dsp_, static_cast<int>(frames));
    // Vorbis position c takes the WAV channel that belongs there.
    for (uint32_t c = 0; c < channels_; ++c) {
        const uint32_t from = order_.source[c];
        for (size_t i = 0; i < frames; ++i) planes[c][i] = samples[i * channels_ + from];
    }
    vorbis_analysis_wrote(&dsp_, static_cast<int>(frames));
    encode_blocks();
    put_pages(false);
}

void VorbisEncoder::finalize() {
    vorbis_analysis_wrote(&dsp_, 0);  // the end: the last packet carries the exact length
    encode_blocks();
    put_pages(true);
    if (std::fflush(out_.target().file) != 0) throw_write_error(out_.target().name, errno);
}

void VorbisEncoder::add_late_tags(const Tags& tags) {
    if (!tags.empty()) add_ogg_comments(FilePatch(out_.target()), "\x03vorbis", true, tags);
}

}  // namespace simvx
