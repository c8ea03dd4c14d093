// The fallback decoder: formats no native decoder covers (AAC and ALAC in
// MP4/M4A, AIFF, WMA, CAF, WavPack, Monkey's Audio, Matroska/WebM audio,
// AC-3, WAV files of ADPCM or mu-law...) through FFmpeg's libavformat and
// libavcodec, loaded when first needed (decode/ffmpeg_api.hpp). It is tried
// only after every native decoder has declined, and only for containers on a
// list of audio formats whose FFmpeg probe is sure from the bytes alone:
// FFmpeg recognises images, subtitles and text too, and those are not audio.
// An input is taken only once its first audio frame has decoded. The format
// name says "through FFmpeg", so -v, --check and --json always show it.
#include <algorithm>
#include <cstdarg>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/speakers.hpp"
#include "decode/ffmpeg_api.hpp"
#include "decode/formats.hpp"
#include "decode/library_io.hpp"

namespace simvx::formats {
namespace {

constexpr uint32_t kMaxRate = 768000;
constexpr size_t kIoBufferBytes = 64 * 1024;
// Damaged packets in a row after which a stream is given up as broken.
constexpr int kMaxBadPacketsInARow = 64;
// Frames decoded before a lossy codec's seek target, so its overlap and
// prediction state have settled when the target arrives.
constexpr int64_t kLossySeekPrerollFrames = 4096;

// The containers the fallback takes (libavformat demuxer names) and the name
// messages give them. Ogg is not here: the native decoders own it, and Ogg
// streams of other codecs are refused by name.
struct Container {
    std::string_view demuxer;
    const char* name;
    // The stream's length in the header is exact to the frame (a sample
    // count, or MP4's sample tables and edit list), so it is stated and the
    // decode ends there: an MP4's last AAC frame is padding past it. Others
    // count whole packets (CAF) or estimate from the bitrate (ADTS).
    bool exact_length;
    // A seek by timestamp lands where the timestamps say: the demuxer seeks
    // through a sample index or fixed-size blocks, in a time base of one
    // sample. Elsewhere (millisecond timestamps in Matroska and ASF, raw
    // streams and ADPCM WAV whose seeks are estimates) a seek decodes from
    // the start, which is always exact.
    bool seeks_by_timestamp;
};
constexpr Container kContainers[] = {
    // Reached only for a codec the native WAV reader does not decode.
    {"wav", "WAV", false, false},
    {"aiff", "AIFF", true, true},
    {"mov,mp4,m4a,3gp,3g2,mj2", "MP4/M4A", true, true},
    {"asf", "ASF/WMA", false, false},
    {"aac", "ADTS", false, false},
    {"caf", "CAF", false, true},
    {"wv", "WavPack", true, true},
    {"ape", "Monkey's Audio", true, true},
    {"matroska,webm", "Matroska/WebM", false, false},
    {"au", "AU/SND", false, false},
    {"amr", "AMR", false, false},
    {"ac3", "AC-3", false, false},
    {"eac3", "E-AC-3", false, false},
    {"dts", "DTS", false, false},
    {"tta", "TTA", true, true},
    {"mpc", "Musepack", false, false},
    {"mpc8", "Musepack SV8", false, false},
    {"w64", "Sony Wave64", true, true},
    {"tak", "TAK", true, true},
    {"shn", "Shorten", false, false},
    {"dsf", "DSF", false, false},
};

const Container* container_of(const AVInputFormat* f) {
    if (!f) return nullptr;
    for (const auto& c : kContainers)
        if (c.demuxer == f->name) return &c;
    return nullptr;
}

// The loaded libraries: only reached once probe() found them.
const ffmpeg::Api& av() { return *ffmpeg::api(); }

// FFmpeg's messages go to the error text of the call that failed, not to
// stderr: each thread keeps the last error-level line it logged.
thread_local std::string t_last_message;

void log_callback(void* avcl, int level, const char* fmt, va_list args) {
    if (level > AV_LOG_ERROR) return;
    char line[512];
    int print_prefix = 0;
    av().av_log_format_line(avcl, level, fmt, args, line, sizeof line, &print_prefix);
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (!text.empty()) t_last_message = std::move(text);
}

void quiet_ffmpeg() {
    static std::once_flag once;
    std::call_once(once, [] {
        av().av_log_set_level(AV_LOG_ERROR);
        av().av_log_set_callback(log_callback);
    });
}

std::string describe(int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av().av_strerror(code, text, sizeof text);
    std::string s = text;
    if (!t_last_message.empty()) s += " (" + t_last_message + ")";
    t_last_message.clear();
    return s;
}

// What FFmpeg's probe makes of the head when it is sure from the content
// alone: a score above what a file name's extension would earn.
const AVInputFormat* probe(std::span<const uint8_t> head) {
    if (!ffmpeg::api()) return nullptr;  // not installed: the input is refused as no decoder's
    quiet_ffmpeg();
    std::vector<uint8_t> padded(head.size() + AVPROBE_PADDING_SIZE, 0);
    std::copy(head.begin(), head.end(), padded.begin());
    AVProbeData pd{};
    pd.filename = "";
    pd.buf = padded.data();
    pd.buf_size = static_cast<int>(head.size());
    int score = AVPROBE_SCORE_EXTENSION;  // returns a format only when its score is above this
    return av().av_probe_input_format2(&pd, 1, &score);
}

// libavformat's I/O callbacks over the ByteSource.
int read_cb(void* io, uint8_t* dst, int n) {
    const long long got = static_cast<CallbackSource*>(io)->read(dst, static_cast<size_t>(std::max(n, 0)));
    if (got < 0) return AVERROR(EIO);
    return got == 0 ? AVERROR_EOF : static_cast<int>(got);
}
int64_t seek_cb(void* io, int64_t offset, int whence) {
    auto& src = *static_cast<CallbackSource*>(io);
    if (whence & AVSEEK_SIZE) {
        const auto size = src.source().size();
        return size ? static_cast<int64_t>(*size) : -1;
    }
    if (src.seek(offset, whence & ~AVSEEK_FORCE) != 0) return -1;
    return src.tell();
}

// FFmpeg's native channel order is the WAV order for the WAVE_FORMAT_EXTENSIBLE
// speakers (the low 18 bits are the same bits): such a layout is delivered
// as decoded. Any other (ambisonic, custom, unspecified) has no mask.
uint32_t speaker_mask(const AVChannelLayout& layout) {
    constexpr uint64_t kWaveSpeakers = 0x3ffff;
    if (layout.order != AV_CHANNEL_ORDER_NATIVE || (layout.u.mask & ~kWaveSpeakers) != 0) return 0;
    return static_cast<uint32_t>(layout.u.mask);
}

// One sample of any FFmpeg sample format as a float (full scale ±1.0) and,
// for integer formats, left-justified to 32 bits.
struct SampleReader {
    AVSampleFormat packed;
    bool planar;
    int bytes;

    explicit SampleReader(AVSampleFormat f)
        : packed(av().av_get_packed_sample_fmt(f)), planar(av().av_sample_fmt_is_planar(f) != 0),
          bytes(av().av_get_bytes_per_sample(f)) {}

    bool integer() const { return packed == AV_SAMPLE_FMT_U8 || packed == AV_SAMPLE_FMT_S16 || packed == AV_SAMPLE_FMT_S32; }

    const uint8_t* at(const AVFrame& frame, int channels, int64_t i, int c) const {
        return planar ? frame.extended_data[c] + i * bytes : frame.extended_data[0] + (i * channels + c) * bytes;
    }

    int32_t as_int(const uint8_t* p) const {
        switch (packed) {
            case AV_SAMPLE_FMT_U8: return static_cast<int32_t>(static_cast<uint32_t>(*p - 128) << 24);
            case AV_SAMPLE_FMT_S16: {
                int16_t v;
                std::memcpy(&v, p, 2);
                return static_cast<int32_t>(static_cast<uint32_t>(v) << 16);
            }
            default: {
                int32_t v;
                std::memcpy(&v, p, 4);
                return v;
            }
        }
    }

    float as_float(const uint8_t* p) const {
        switch (packed) {
            case AV_SAMPLE_FMT_FLT: {
                float v;
                std::memcpy(&v, p, 4);
                return v;
            }
            case AV_SAMPLE_FMT_DBL: {
                double v;
                std::memcpy(&v, p, 8);
                return static_cast<float>(v);
            }
            case AV_SAMPLE_FMT_S64: {
                int64_t v;
                std::memcpy(&v, p, 8);
                return static_cast<float>(static_cast<double>(v) * 0x1p-63);
            }
            default: return static_cast<float>(as_int(p) * 0x1p-31);
        }
    }
};

struct FormatCloser {
    void operator()(AVFormatContext* f) const { av().avformat_close_input(&f); }
};
struct CodecCloser {
    void operator()(AVCodecContext* c) const { av().avcodec_free_context(&c); }
};
struct IoCloser {
    void operator()(AVIOContext* io) const {
        av().av_freep(&io->buffer);  // libavformat may have replaced the buffer it was given
        av().avio_context_free(&io);
    }
};
struct PacketFreer {
    void operator()(AVPacket* p) const { av().av_packet_free(&p); }
};
struct FrameFreer {
    void operator()(AVFrame* f) const { av().av_frame_free(&f); }
};

class FfmpegDecoder final : public Decoder {
public:
    FfmpegDecoder(std::unique_ptr<ByteSource> src, const AVInputFormat* input, const Container& container)
        : src_(std::move(src)), io_(*src_), input_(input), container_(container), policy_(src_->name(), container.name) {
        open_container(input);
        open_codec();
        // The content proves itself: the first frame must decode.
        if (!next_frame()) throw DecodeError(src_->name() + ": " + container_.name + " file has no decodable audio");
        adopt_format();
    }

    const DecoderInfo& info() const override { return info_; }

    size_t read(std::span<float> out) override {
        return state_.read(out, info_.spec.channels, policy_,
                           [this](float* dst, size_t frames) { return deliver(dst, nullptr, frames); });
    }

    bool can_read_int() const override { return info_.bits > 0; }

    size_t read_int(std::span<int32_t> out) override {
        if (!can_read_int()) return Decoder::read_int(out);
        return state_.read(out, info_.spec.channels, policy_,
                           [this](int32_t* dst, size_t frames) { return deliver(nullptr, dst, frames); });
    }

    void seek(uint64_t frame) override {
        if (!src_->seekable()) throw policy_.not_seekable();
        state_.start_seek(frame, info_.frames);
        if (state_.ended) return;
        const auto target = static_cast<int64_t>(frame);
        if (!exact_timestamps_ || !seek_to(target)) restart(target);
    }

private:
    void open_container(const AVInputFormat* input) {
        auto* buffer = static_cast<unsigned char*>(av().av_malloc(kIoBufferBytes));
        if (!buffer) throw std::bad_alloc();
        avio_.reset(av().avio_alloc_context(buffer, static_cast<int>(kIoBufferBytes), 0, &io_, read_cb, nullptr,
                                       src_->seekable() ? seek_cb : nullptr));
        if (!avio_) {
            av().av_free(buffer);
            throw std::bad_alloc();
        }
        AVFormatContext* f = av().avformat_alloc_context();
        if (!f) throw std::bad_alloc();
        f->pb = avio_.get();
        f->flags |= AVFMT_FLAG_CUSTOM_IO;
        int r = av().avformat_open_input(&f, src_->name().c_str(), input, nullptr);  // frees f on failure
        io_.rethrow_if_failed();
        if (r < 0) throw error("cannot open the " + std::string(container_.name) + " file", r);
        format_.reset(f);
        r = av().avformat_find_stream_info(format_.get(), nullptr);
        io_.rethrow_if_failed();
        if (r < 0) throw error("cannot read the " + std::string(container_.name) + " file's streams", r);
    }

    void open_codec() {
        const AVCodec* codec = nullptr;
        stream_ = av().av_find_best_stream(format_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
        if (stream_ == AVERROR_STREAM_NOT_FOUND)
            throw DecodeError(src_->name() + ": " + container_.name + " file has no audio stream");
        const AVCodecParameters* par = stream_ >= 0 ? format_->streams[stream_]->codecpar : nullptr;
        const AVCodecDescriptor* d = par ? av().avcodec_descriptor_get(par->codec_id) : nullptr;
        if (stream_ < 0 || !codec)
            throw DecodeError(src_->name() + ": " + container_.name + " audio in " +
                              (d ? std::string(d->long_name) : std::string("an unknown codec")) +
                              " has no decoder in this FFmpeg");
        for (unsigned i = 0; i < format_->nb_streams; ++i)
            if (static_cast<int>(i) != stream_) format_->streams[i]->discard = AVDISCARD_ALL;
        codec_.reset(av().avcodec_alloc_context3(codec));
        if (!codec_) throw std::bad_alloc();
        int r = av().avcodec_parameters_to_context(codec_.get(), par);
        if (r < 0) throw error("cannot set up the " + std::string(codec->long_name) + " decoder", r);
        codec_->pkt_timebase = format_->streams[stream_]->time_base;
        codec_->thread_count = 1;  // decoding already runs on a thread of its own
        r = av().avcodec_open2(codec_.get(), codec, nullptr);
        if (r < 0) throw error("cannot open the " + std::string(codec->long_name) + " decoder", r);
        lossless_ = d && (d->props & AV_CODEC_PROP_LOSSLESS);
        codec_name_ = d ? d->long_name : codec->long_name;
        packet_.reset(av().av_packet_alloc());
        frame_.reset(av().av_frame_alloc());
        if (!packet_ || !frame_) throw std::bad_alloc();
    }

    DecodeError error(const std::string& what, int code) const {
        return DecodeError(src_->name() + ": " + what + ": " + describe(code));
    }

    // The stream's format, from its first decoded frame (the container's
    // parameters can be wrong: HE-AAC doubles the rate it declares).
    void adopt_format() {
        const int channels = frame_->ch_layout.nb_channels;
        const int rate = frame_->sample_rate;
        if (channels <= 0 || static_cast<uint32_t>(channels) > speaker::kMaxChannels)
            throw DecodeError(src_->name() + ": " + container_.name + " file has " + std::to_string(channels) +
                              " channels; simvxplay plays at most " + std::to_string(speaker::kMaxChannels));
        if (rate <= 0 || static_cast<uint32_t>(rate) > kMaxRate)
            throw DecodeError(src_->name() + ": " + container_.name + " sample rate " + std::to_string(rate) +
                              " Hz is out of range (1.." + std::to_string(kMaxRate) + ")");
        first_ = Shape::of(*frame_);
        reader_ = SampleReader(static_cast<AVSampleFormat>(frame_->format));
        info_.format = codec_name_ + " in " + container_.name + ", through FFmpeg";
        info_.spec = {static_cast<uint32_t>(rate), static_cast<uint32_t>(channels)};
        info_.channel_mask = speaker_mask(frame_->ch_layout);
        info_.lossless = lossless_;
        if (lossless_ && reader_.integer()) {
            const AVCodecParameters* par = format_->streams[stream_]->codecpar;
            const int raw = par->bits_per_raw_sample > 0 ? par->bits_per_raw_sample : par->bits_per_coded_sample;
            info_.bits = static_cast<uint32_t>(raw > 0 && raw <= reader_.bytes * 8 ? raw : reader_.bytes * 8);
        }
        // Timestamps place a frame after a seek only when they count samples
        // (a time base of one sample or finer) and the demuxer's seeks are exact.
        const AVRational tb = format_->streams[stream_]->time_base;
        exact_timestamps_ = container_.seeks_by_timestamp && frame_->best_effort_timestamp != AV_NOPTS_VALUE &&
                            tb.num > 0 && int64_t{tb.num} * rate <= int64_t{tb.den};
        first_pts_ = frame_->best_effort_timestamp;
        frame_end_ = frame_->nb_samples;
        info_.frames = stated_length();
        for (const AVDictionary* tags : {format_->metadata, format_->streams[stream_]->metadata}) {
            const AVDictionaryEntry* e = nullptr;
            while ((e = av().av_dict_get(tags, "", e, AV_DICT_IGNORE_SUFFIX))) read_replaygain_field(e->key, e->value, info_.gain);
        }
        log::info_once(src_->name() + ": no native decoder takes this " + container_.name + " file; decoding " +
                  codec_name_ + " through FFmpeg (" + ffmpeg::versions() + ")");
    }

    // The length, only where the container states it to the frame; elsewhere
    // it is left unknown, and the player decodes to the end rather than
    // trust an estimate.
    std::optional<uint64_t> stated_length() const {
        const AVStream* st = format_->streams[stream_];
        if (!container_.exact_length || st->duration == AV_NOPTS_VALUE || st->duration <= 0 ||
            format_->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE)
            return std::nullopt;
        return static_cast<uint64_t>(av().av_rescale_q(st->duration, st->time_base, frame_base()));
    }

    AVRational frame_base() const { return AVRational{1, static_cast<int>(info_.spec.rate)}; }

    // What must stay the same for one stream to play on.
    struct Shape {
        int rate = 0, channels = 0, format = 0;
        static Shape of(const AVFrame& f) { return {f.sample_rate, f.ch_layout.nb_channels, f.format}; }
        friend bool operator==(const Shape&, const Shape&) = default;
    };

    // Moves the demuxer to a keyframe at or before `target`, less a lossy
    // codec's preroll, and the delivery to `target`: the frames before it are
    // decoded and dropped. False when the demuxer cannot seek there.
    bool seek_to(int64_t target) {
        const AVStream* st = format_->streams[stream_];
        const int64_t preroll = lossless_ ? 0 : std::max<int64_t>(kLossySeekPrerollFrames, codec_->seek_preroll);
        // Near the start of a lossy stream, only the first packets prime the
        // codec (an MP4's AAC priming frame): decoding from the start is
        // exact and short. A lossless stream seeks anywhere, 0 included, so a
        // loop back to its start does not open the file again.
        if (preroll > 0 && target - preroll <= 0) return false;
        const int64_t ts = first_pts_ + av().av_rescale_q(target - preroll, frame_base(), st->time_base);
        const int r = av().avformat_seek_file(format_.get(), stream_, INT64_MIN, ts, ts, 0);
        io_.rethrow_if_failed();
        if (r < 0) return false;
        av().avcodec_flush_buffers(codec_.get());
        av().av_frame_unref(frame_.get());
        flushed_ = false;
        bad_in_a_row_ = 0;
        offset_ = 0;
        target_ = target;
        anchor_pending_ = true;
        return true;
    }

    // Opens the input again and decodes from its start up to `target`.
    // Opening again reproduces the first decode exactly: the priming packets
    // and pre-skip a demuxer applies only at the start, and no timestamps are
    // needed to know where each frame lies.
    void restart(int64_t target) {
        state_.ended = true;  // stays so if opening again fails: nothing more is read from a half-open decoder
        frame_.reset();
        packet_.reset();
        codec_.reset();
        format_.reset();
        avio_.reset();
        if (!src_->seek(0)) throw DecodeError(src_->name() + ": cannot rewind the input to seek in it");
        open_container(input_);
        open_codec();
        flushed_ = false;
        bad_in_a_row_ = 0;
        offset_ = 0;
        anchor_pending_ = false;
        frame_end_ = 0;
        target_ = target;
        if (!next_frame() || Shape::of(*frame_) != first_) return;
        state_.ended = false;
        place_frame();
    }

    // Decodes the next frame into frame_. False at the end of the stream.
    bool next_frame() {
        for (;;) {
            int r = av().avcodec_receive_frame(codec_.get(), frame_.get());
            if (r == 0) {
                bad_in_a_row_ = 0;
                decoded_any_ = true;
                return true;
            }
            if (r == AVERROR_EOF) return false;
            if (r != AVERROR(EAGAIN)) {
                if (!bad_packet(r)) return false;
                continue;
            }
            if (flushed_) return false;
            r = av().av_read_frame(format_.get(), packet_.get());
            io_.rethrow_if_failed();
            if (r < 0) {
                // The end, or a container that stops making sense: either
                // way the decoder gives what it still holds.
                if (r != AVERROR_EOF) policy_.broken(describe(r), decoded_any_);
                flushed_ = true;
                av().avcodec_send_packet(codec_.get(), nullptr);
                continue;
            }
            if (packet_->stream_index == stream_) {
                r = av().avcodec_send_packet(codec_.get(), packet_.get());
                if (r < 0 && !bad_packet(r)) {
                    av().av_packet_unref(packet_.get());
                    return false;
                }
            }
            av().av_packet_unref(packet_.get());
        }
    }

    // A packet the codec refused. Before any audio has decoded the input has
    // not proven itself, and is refused; after, damaged packets are skipped
    // with one warning, as the Ogg decoders skip a gap, until so many fail in
    // a row that the stream is broken (false).
    bool bad_packet(int code) {
        if (decoded_any_ && ++bad_in_a_row_ < kMaxBadPacketsInARow) {
            policy_.hole("damaged packets: " + describe(code));
            return true;
        }
        policy_.broken(describe(code), decoded_any_);  // throws when nothing decoded
        return false;
    }

    // Copies decoded samples into `floats` or `ints` (interleaved), up to
    // max_frames. Returns the frames written; 0 when none were (and sets
    // state_.ended at the end).
    long deliver(float* floats, int32_t* ints, size_t max_frames) {
        if (offset_ >= frame_->nb_samples) {
            if (!next_frame()) {
                state_.ended = true;
                return 0;
            }
            if (Shape::of(*frame_) != first_) {
                policy_.format_change(std::to_string(frame_->sample_rate) + " Hz, " +
                                      std::to_string(frame_->ch_layout.nb_channels) + " channels");
                state_.ended = true;
                return 0;
            }
            offset_ = 0;
            if (!place_frame()) return 0;
        }
        const int64_t nb = frame_->nb_samples;
        int64_t n = std::min<int64_t>(nb - offset_, static_cast<int64_t>(max_frames));
        if (info_.frames) {
            const int64_t at = frame_end_ - nb + offset_;
            n = std::min<int64_t>(n, std::max<int64_t>(0, static_cast<int64_t>(*info_.frames) - at));
            if (n == 0) {
                state_.ended = true;
                return 0;
            }
        }
        const int channels = static_cast<int>(info_.spec.channels);
        for (int64_t i = 0; i < n; ++i)
            for (int c = 0; c < channels; ++c) {
                const uint8_t* p = reader_.at(*frame_, channels, offset_ + i, c);
                if (floats) floats[i * channels + c] = reader_.as_float(p);
                else ints[i * channels + c] = reader_.as_int(p);
            }
        offset_ += n;
        return static_cast<long>(n);
    }

    // Where the frame just decoded lies in the stream and, after a seek, how
    // much of it comes before the target (dropped). False when none of it is
    // delivered now: all of it was before the target, or the demuxer landed
    // past the target and the seek starts again from the beginning.
    bool place_frame() {
        if (anchor_pending_) {
            const std::optional<int64_t> start = anchor();
            if (!start) return false;
            frame_end_ = *start;
            anchor_pending_ = false;
        }
        const int64_t nb = frame_->nb_samples, start = frame_end_;
        frame_end_ += nb;
        if (target_ < 0) return true;
        offset_ = std::clamp<int64_t>(target_ - start, 0, nb);
        if (frame_end_ > target_) target_ = -1;
        return offset_ < nb;
    }

    // The stream frame the first frame after a timestamp seek starts at.
    // Nothing when it cannot be placed or lies past the target (an index that
    // points late): then the decode has started again from the beginning.
    std::optional<int64_t> anchor() {
        const int64_t pts = frame_->best_effort_timestamp;
        if (pts != AV_NOPTS_VALUE) {
            const int64_t start = av().av_rescale_q(pts - first_pts_, format_->streams[stream_]->time_base, frame_base());
            if (start <= target_) return start;
        }
        restart(target_);
        return std::nullopt;
    }

    std::unique_ptr<ByteSource> src_;
    CallbackSource io_;
    const AVInputFormat* input_;
    const Container& container_;
    DamagePolicy policy_;
    std::unique_ptr<AVIOContext, IoCloser> avio_;
    std::unique_ptr<AVFormatContext, FormatCloser> format_;  // after avio_: closed before its I/O is freed
    std::unique_ptr<AVCodecContext, CodecCloser> codec_;
    std::unique_ptr<AVPacket, PacketFreer> packet_;
    std::unique_ptr<AVFrame, FrameFreer> frame_;
    int stream_ = -1;
    bool lossless_ = false;
    std::string codec_name_;
    SampleReader reader_{AV_SAMPLE_FMT_FLT};
    Shape first_;
    DecoderInfo info_;
    StreamState state_;
    bool flushed_ = false;      // the decoder has been told the packets ended
    bool decoded_any_ = false;  // some audio has been decoded
    int bad_in_a_row_ = 0;
    int64_t offset_ = 0;        // samples of frame_ already delivered
    bool exact_timestamps_ = false;  // timestamps count samples: they place a frame after a seek
    int64_t first_pts_ = 0;      // the first frame's timestamp: frame 0 of the stream
    int64_t frame_end_ = 0;      // the stream frame just after frame_
    int64_t target_ = -1;        // a seek's target frame not yet reached; -1 when none
    bool anchor_pending_ = false;  // the next frame is the first after a seek, not yet placed
};

}  // namespace

bool probe_ffmpeg(std::span<const uint8_t> head) { return container_of(probe(head)) != nullptr; }

std::unique_ptr<Decoder> open_ffmpeg(std::unique_ptr<ByteSource> src, std::span<const uint8_t> head) {
    if (!ffmpeg::api())
        throw DecodeError(src->name() + ": FFmpeg's libraries are not available (" + ffmpeg::unavailable_reason() + ")");
    const AVInputFormat* input = probe(head);
    const Container* container = container_of(input);
    if (!container) throw DecodeError(src->name() + ": not a format the FFmpeg fallback takes");
    return std::make_unique<FfmpegDecoder>(std::move(src), input, *container);
}

}  // namespace simvx::formats
