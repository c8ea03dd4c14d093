#include "sink/encode/opus_encoder.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "sink/encode/ogg_comments_patch.hpp"

namespace simvx {
namespace {

// A fixed Ogg serial number: the same render gives the same bytes.
constexpr int kSerial = 0x53564F50;  // "SVOP"
constexpr int kOpusCommentRoom = 512;

int on_write(void* out, const unsigned char* data, opus_int32 bytes) {
    return static_cast<ByteOut*>(out)->put(data, static_cast<size_t>(bytes)) ? 0 : 1;
}
int on_close(void*) { return 0; }  // the file sink closes the file

struct CommentsDeleter {
    void operator()(OggOpusComments* c) const { ope_comments_destroy(c); }
};

}  // namespace

OpusEncoder::OpusEncoder(const WriterTarget& target, const Encoding& encoding)
    : out_(target), channels_(target.spec.channels), order_(vorbis_order(channels_)) {
    std::unique_ptr<OggOpusComments, CommentsDeleter> comments(ope_comments_create());
    if (!comments) throw OutputError(target.name + ": cannot start the Opus encoder (out of memory)");
    for (const auto& t : encoding.tags)
        if (ope_comments_add(comments.get(), t.key.c_str(), t.value.c_str()) != OPE_OK)
            throw OutputError(target.name + ": cannot write the tag " + t.key);
    static const OpusEncCallbacks callbacks = {on_write, on_close};
    int error = OPE_OK;
    // Mapping family 0 for mono and stereo (the bytes they always had);
    // family 1, Vorbis's channel order and layouts, for up to 8 channels.
    const int family = channels_ > 2 ? 1 : 0;
    encoder_ = ope_encoder_create_callbacks(&callbacks, &out_, comments.get(), static_cast<opus_int32>(target.spec.rate),
                                            static_cast<int>(channels_), family, &error);
    if (!encoder_)
        throw OutputError(target.name + ": the Opus encoder refused the format (" + std::to_string(target.spec.rate) +
                          " Hz, " + std::to_string(channels_) + " channels): " + ope_strerror(error));
    ope_encoder_ctl(encoder_, OPE_SET_SERIALNO(kSerial));
    // Room for tags that follow the audio: libopusenc pads the comment header
    // with zeros (its default, said here because add_late_tags relies on it).
    if (target.late_tags) ope_encoder_ctl(encoder_, OPE_SET_COMMENT_PADDING(kOpusCommentRoom));
    if (encoding.bitrate_kbps) {
        error = ope_encoder_ctl(encoder_, OPUS_SET_BITRATE(static_cast<opus_int32>(*encoding.bitrate_kbps * 1000)));
        if (error != OPE_OK) {
            ope_encoder_destroy(encoder_);
            encoder_ = nullptr;
            throw OutputError(target.name + ": the Opus encoder refused the bit rate: " + ope_strerror(error));
        }
    }
}

OpusEncoder::~OpusEncoder() {
    if (encoder_) ope_encoder_destroy(encoder_);
}

void OpusEncoder::fail(const char* doing, int error) {
    out_.fail(std::string("Opus encoder failed ") + doing + ": " + ope_strerror(error));
}

void OpusEncoder::write(std::span<const float> samples) {
    const int frames = static_cast<int>(samples.size() / channels_);
    if (frames == 0) return;
    if (!order_.identity) {
        to_vorbis_order(order_, samples, reordered_);
        samples = reordered_;
    }
    if (const int error = ope_encoder_write_float(encoder_, samples.data(), frames); error != OPE_OK)
        fail("while encoding", error);
    out_.check();
}

void OpusEncoder::finalize() {
    if (const int error = ope_encoder_drain(encoder_); error != OPE_OK) fail("at the end of the stream", error);
    out_.check();
    if (std::fflush(out_.target().file) != 0) throw_write_error(out_.target().name, errno);
}

void OpusEncoder::add_late_tags(const Tags& tags) {
    if (!tags.empty()) add_ogg_comments(FilePatch(out_.target()), "OpusTags", false, tags);
}

}  // namespace simvx
