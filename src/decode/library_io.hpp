// What the decoders built on a C library (libvorbisfile, libopusfile,
// FFmpeg) share: the adapter that lets the library read a ByteSource, how a
// damaged stream is treated, and the read loop over the library's decode call.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <optional>
#include <span>
#include <string>

#include "core/error.hpp"
#include "core/log.hpp"
#include "decode/byte_source.hpp"

namespace simvx::formats {

// The ByteSource behind a C library's I/O callbacks. An exception must not
// unwind through the library's C frames, so a read error is caught here,
// reported to the library as a failed read, and rethrown by the decoder once
// the library call has returned.
class CallbackSource {
public:
    explicit CallbackSource(ByteSource& src) : src_(src) {}

    ByteSource& source() const { return src_; }

    // Makes the input look as if it ended at `end` (a byte offset).
    void set_end(uint64_t end) { end_ = end; }

    // Bytes read (0 at the end), or -1 after an I/O error.
    long long read(void* dst, size_t n) noexcept {
        if (error_) return -1;
        if (end_) n = static_cast<size_t>(std::min<uint64_t>(n, *end_ - std::min(*end_, src_.tell())));
        try {
            return static_cast<long long>(src_.read(dst, n));
        } catch (...) {
            error_ = std::current_exception();
            return -1;
        }
    }

    // fseek semantics: 0 on success, -1 when the target is out of reach.
    int seek(int64_t offset, int whence) noexcept {
        int64_t base = 0;
        if (whence == SEEK_CUR) {
            base = static_cast<int64_t>(src_.tell());
        } else if (whence == SEEK_END) {
            const auto size = end_ ? end_ : src_.size();
            if (!size) return -1;
            base = static_cast<int64_t>(*size);
        } else if (whence != SEEK_SET) {
            return -1;
        }
        if (offset < 0 ? base < -offset : base > std::numeric_limits<int64_t>::max() - offset) return -1;
        try {
            return src_.seek(static_cast<uint64_t>(base + offset)) ? 0 : -1;
        } catch (...) {
            error_ = std::current_exception();
            return -1;
        }
    }

    int64_t tell() const noexcept { return static_cast<int64_t>(src_.tell()); }

    // Throws the I/O error a callback swallowed, if any.
    void rethrow_if_failed() const {
        if (error_) std::rethrow_exception(error_);
    }

private:
    ByteSource& src_;
    std::optional<uint64_t> end_;
    std::exception_ptr error_;
};

// How the library-backed decoders treat a stream that stops making sense.
// The caller names the input and the format ("song.ogg", "Ogg Vorbis") once.
class DamagePolicy {
public:
    DamagePolicy(std::string name, std::string format) : name_(std::move(name)), format_(std::move(format)) {}

    // A gap in the stream (Ogg pages, damaged packets): the libraries skip
    // it, the player says so once.
    void hole(const std::string& what = "missing or damaged pages") {
        if (hole_warned_) return;
        hole_warned_ = true;
        log::warn(name_ + ": " + format_ + " stream has a gap (" + what + "); playing on");
    }

    // The stream cannot go on. With audio already delivered the player keeps
    // what it has (warns, and the caller ends the stream); otherwise nothing
    // was playable and this throws.
    void broken(const std::string& what, bool decoded_any) const {
        if (!decoded_any) throw DecodeError(name_ + ": " + format_ + " stream is damaged: " + what);
        log::warn(name_ + ": " + format_ + " stream is damaged (" + what + "); stopping here");
    }

    // A later chained link with another rate or channel count: the player
    // never mixes formats in one stream, so it stops there (one warning).
    void format_change(const std::string& what) {
        if (format_warned_) return;
        format_warned_ = true;
        log::warn(name_ + ": " + format_ + " stream changes to " + what + " part-way; stopping there");
    }

    DecodeError no_audio() const {
        return DecodeError(name_ + ": " + format_ + " stream has headers only, no audio");
    }

    DecodeError not_seekable() const {
        return DecodeError(name_ + ": cannot seek: the " + format_ + " input is not seekable");
    }

private:
    std::string name_;
    std::string format_;
    bool hole_warned_ = false;
    bool format_warned_ = false;
};

// Where a decoder is in its stream, and the read loop those decoders share:
// decode until `out` is full or the stream has ended (decode_into sets
// `ended`); a stream that never yields audio is refused as headers only.
struct StreamState {
    bool ended = false;
    bool seeked = false;
    uint64_t delivered = 0;

    // decode_into(Sample* dst, size_t max_frames) returns frames decoded, or
    // <= 0 for an end, gap or damage (after setting the state).
    // Samples are floats, or exact integers for Decoder::read_int.
    template <class Sample, class DecodeInto>
    size_t read(std::span<Sample> out, size_t channels, const DamagePolicy& policy, DecodeInto&& decode_into) {
        const size_t want = out.size() / channels;
        size_t done = 0;
        while (done < want && !ended) {
            const auto n = decode_into(out.data() + done * channels, want - done);
            if (n <= 0) continue;
            done += static_cast<size_t>(n);
        }
        delivered += done;
        if (want > 0 && done == 0 && delivered == 0 && !seeked) throw policy.no_audio();
        return done;
    }

    // Before seeking: past the known end there is nothing to decode.
    void start_seek(uint64_t frame, std::optional<uint64_t> frames) {
        seeked = true;
        ended = frames && frame >= *frames;
    }
};

}  // namespace simvx::formats
