#include "sink/encode/mp3_encoder.hpp"

#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "sink/encode/id3_tags_patch.hpp"

namespace simvx {
namespace {

// UTF-8 → UTF-16 with a byte-order mark and a terminating zero, as lame's
// *_utf16 tag functions take it. Invalid bytes become U+FFFD.
std::vector<unsigned short> utf16(const std::string& s) {
    std::vector<unsigned short> out{0xFEFF};
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        uint32_t cp = extra == 0 ? c : extra == 1 ? c & 0x1F : extra == 2 ? c & 0x0F : c & 0x07;
        bool valid = extra >= 0 && i + extra < s.size() + (extra == 0 ? 1 : 0);
        for (int k = 1; valid && k <= extra; ++k) {
            const unsigned char n = static_cast<unsigned char>(s[i + k]);
            valid = (n >> 6) == 2;
            cp = cp << 6 | (n & 0x3F);
        }
        i += valid ? extra + 1 : 1;
        if (!valid || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) cp = 0xFFFD;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<unsigned short>(0xD800 + (cp >> 10)));
            out.push_back(static_cast<unsigned short>(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(static_cast<unsigned short>(cp));
        }
    }
    out.push_back(0);
    return out;
}

// The ID3v2 frame a Vorbis comment name stands for; the others go to TXXX
// frames named by their key (as ffmpeg and foobar2000 write REPLAYGAIN_*).
const char* id3_frame(const std::string& key) {
    if (key == "TITLE") return "TIT2";
    if (key == "ARTIST") return "TPE1";
    if (key == "ALBUM") return "TALB";
    if (key == "DATE") return "TYER";
    if (key == "GENRE") return "TCON";
    if (key == "COMMENT") return "COMM";
    return "TXXX";
}

void add_id3_tag(lame_t lame, const Tag& t) {
    const std::string frame = id3_frame(t.key);
    int status;
    if (frame == "COMM") {
        status = id3tag_set_comment_utf16(lame, "eng", utf16("").data(), utf16(t.value).data());
    } else {
        // TXXX takes "description=value"; lame splits at the first '='.
        const auto text = utf16(frame == "TXXX" ? t.key + "=" + t.value : t.value);
        status = id3tag_set_textinfo_utf16(lame, frame.c_str(), text.data());
    }
    if (status != 0) throw OutputError("cannot write the ID3 tag " + t.key);
}

}  // namespace

Mp3Encoder::Mp3Encoder(const WriterTarget& target, const Encoding& encoding)
    : out_(target), channels_(target.spec.channels) {
    // Refused before lame starts, so nothing (not even the ID3 tag) is written.
    if (channels_ > max_channels(Codec::mp3))
        throw OutputError(target.name + ": MP3 holds at most 2 channels, and this render has " +
                          std::to_string(channels_) + ": use WAV, FLAC, Ogg Vorbis or Opus for surround");
    lame_ = lame_init();
    if (!lame_) throw OutputError(target.name + ": cannot start the MP3 encoder (out of memory)");
    lame_set_in_samplerate(lame_, static_cast<int>(target.spec.rate));
    lame_set_num_channels(lame_, static_cast<int>(channels_));
    if (channels_ == 1) lame_set_mode(lame_, MONO);
    if (encoding.bitrate_kbps) {
        lame_set_VBR(lame_, vbr_off);
        lame_set_brate(lame_, static_cast<int>(*encoding.bitrate_kbps));
    } else {
        lame_set_VBR(lame_, vbr_default);
        lame_set_VBR_quality(lame_, static_cast<float>(encoding.quality.value_or(2)));
    }
    lame_set_bWriteVbrTag(lame_, target.seekable ? 1 : 0);
    // The tag is written here, first, so the info frame's place is known.
    lame_set_write_id3tag_automatic(lame_, 0);
    // The tag goes first, also with no tags yet when late tags will fill its
    // padding (add_late_tags).
    const bool tag = !encoding.tags.empty() || target.late_tags;
    if (tag) {
        id3tag_init(lame_);
        id3tag_add_v2(lame_);
        id3tag_v2_only(lame_);
        if (target.late_tags) id3tag_set_pad(lame_, kId3TagRoom);
        try {
            for (const auto& t : encoding.tags) add_id3_tag(lame_, t);
        } catch (const OutputError& e) {
            lame_close(lame_);
            throw OutputError(target.name + ": " + e.what());
        }
    }
    if (lame_init_params(lame_) < 0) {
        lame_close(lame_);
        lame_ = nullptr;
        throw OutputError(target.name + ": the MP3 encoder refused the format (" + std::to_string(target.spec.rate) +
                          " Hz, " + std::to_string(channels_) + " channels, " + describe_encoding(encoding) + ")");
    }
    if (tag) {
        std::vector<unsigned char> bytes_of_tag(lame_get_id3v2_tag(lame_, nullptr, 0));
        const size_t bytes = lame_get_id3v2_tag(lame_, bytes_of_tag.data(), bytes_of_tag.size());
        if (!out_.put(bytes_of_tag.data(), bytes)) {
            lame_close(lame_);
            lame_ = nullptr;
            out_.check();
        }
        info_frame_at_ = bytes;
    }
}

Mp3Encoder::~Mp3Encoder() {
    if (lame_) lame_close(lame_);
}

void Mp3Encoder::put_encoded(int bytes, const char* doing) {
    if (bytes < 0) out_.fail(std::string("MP3 encoder failed ") + doing + " (lame error " + std::to_string(bytes) + ")");
    out_.put(mp3_.data(), static_cast<size_t>(bytes));
    out_.check();
}

void Mp3Encoder::write(std::span<const float> samples) {
    const size_t frames = samples.size() / channels_;
    if (frames == 0) return;
    mp3_.resize(frames * 5 / 4 + 7200);  // lame's documented worst case
    const int bytes =
        channels_ == 1
            ? lame_encode_buffer_ieee_float(lame_, samples.data(), nullptr, static_cast<int>(frames), mp3_.data(),
                                            static_cast<int>(mp3_.size()))
            : lame_encode_buffer_interleaved_ieee_float(lame_, samples.data(), static_cast<int>(frames), mp3_.data(),
                                                        static_cast<int>(mp3_.size()));
    put_encoded(bytes, "while encoding");
}

void Mp3Encoder::finalize() {
    mp3_.resize(7200);
    put_encoded(lame_encode_flush(lame_, mp3_.data(), static_cast<int>(mp3_.size())), "at the end of the stream");
    if (out_.target().seekable) {
        // The info frame now knows the length, delay and padding: in its place.
        mp3_.resize(lame_get_lametag_frame(lame_, nullptr, 0));
        const size_t bytes = lame_get_lametag_frame(lame_, mp3_.data(), mp3_.size());
        if (bytes > 0) {
            uint64_t end = 0;
            out_.tell(end);
            out_.seek(info_frame_at_);
            out_.put(mp3_.data(), bytes);
            out_.seek(end);
            out_.check();
        }
    }
    if (std::fflush(out_.target().file) != 0) throw_write_error(out_.target().name, errno);
}

void Mp3Encoder::add_late_tags(const Tags& tags) {
    if (!tags.empty()) add_id3_txxx(FilePatch(out_.target()), tags);
}

}  // namespace simvx
