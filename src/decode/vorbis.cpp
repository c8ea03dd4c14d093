// Ogg Vorbis through libvorbisfile, which handles paging, chained links,
// multiplexed streams (Skeleton, Theora) and sample-accurate seeking.
#include <ogg/ogg.h>
#include <vorbis/vorbisfile.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>
#include <string>

#include "core/error.hpp"
#include "decode/formats.hpp"
#include "decode/ogg_probe.hpp"

namespace simvx::formats {
namespace {

constexpr const char* kFormat = "Ogg Vorbis";

std::string describe(int code) {
    switch (code) {
        case OV_HOLE: return "a gap in the data (OV_HOLE)";
        // Real I/O errors surface from the ByteSource itself; this one means
        // the library could not find the pages it needed.
        case OV_EREAD: return "pages missing or out of order (OV_EREAD)";
        case OV_EFAULT: return "an internal decoder error (OV_EFAULT)";
        case OV_EIMPL: return "a feature the decoder does not implement (OV_EIMPL)";
        case OV_EINVAL: return "an invalid request (OV_EINVAL)";
        case OV_ENOTVORBIS: return "no Vorbis data (OV_ENOTVORBIS)";
        case OV_EBADHEADER: return "damaged or incomplete Vorbis headers (OV_EBADHEADER)";
        case OV_EVERSION: return "an unsupported Vorbis version (OV_EVERSION)";
        case OV_ENOTAUDIO: return "a packet that is not audio (OV_ENOTAUDIO)";
        case OV_EBADPACKET: return "a damaged packet (OV_EBADPACKET)";
        case OV_EBADLINK: return "a damaged link between chained streams (OV_EBADLINK)";
        case OV_ENOSEEK: return "an input that cannot seek (OV_ENOSEEK)";
        default: return "error " + std::to_string(code);
    }
}

// The probe saw a Vorbis identification header, so "not Vorbis" at open means
// the headers are cut short or broken.
std::string describe_open_error(int code) {
    if (code == OV_ENOTVORBIS) return "incomplete or damaged Vorbis headers, no audio (OV_ENOTVORBIS)";
    return describe(code);
}

// libvorbisfile callbacks over ogg::CallbackSource. A failed read is 0 bytes
// with errno set: that is how vorbisfile tells an error from the end.
size_t read_cb(void* dst, size_t size, size_t count, void* source) {
    const long long got = static_cast<ogg::CallbackSource*>(source)->read(dst, size * count);
    if (got < 0) {
        errno = EIO;
        return 0;
    }
    return size ? static_cast<size_t>(got) / size : 0;
}
int seek_cb(void* source, ogg_int64_t offset, int whence) {
    return static_cast<ogg::CallbackSource*>(source)->seek(offset, whence);
}
long tell_cb(void* source) { return static_cast<long>(static_cast<ogg::CallbackSource*>(source)->tell()); }

// What must stay the same across chained links for one stream to play on.
struct LinkFormat {
    long rate = 0;
    int channels = 0;
    LinkFormat() = default;
    explicit LinkFormat(const vorbis_info& vi) : rate(vi.rate), channels(vi.channels) {}
    friend bool operator==(const LinkFormat&, const LinkFormat&) = default;
    std::string describe() const { return std::to_string(channels) + " channels at " + std::to_string(rate) + " Hz"; }
};

// Ogg page headers in order from the current position of a source, found
// the way libogg finds them for the decoder: a page whose checksum fails is
// skipped and the next capture pattern looked for, so a damaged page cannot
// hide the link after it (see chain_cut).
class PageWalker {
public:
    struct Page {
        uint64_t offset = 0;
        bool bos = false;  // begins a logical stream
        uint32_t serial = 0;
        bool vorbis_head = false;  // first packet is a Vorbis identification header
    };

    // Reads at most `limit` bytes from the source.
    explicit PageWalker(ByteSource& src, uint64_t limit = UINT64_MAX) : src_(src), left_(limit) {
        ogg_sync_init(&sync_);
    }
    ~PageWalker() { ogg_sync_clear(&sync_); }
    PageWalker(const PageWalker&) = delete;
    PageWalker& operator=(const PageWalker&) = delete;

    // The next intact page, or nothing at the end.
    std::optional<Page> next() {
        ogg_page og;
        for (;;) {
            const long n = ogg_sync_pageseek(&sync_, &og);
            if (n < 0) {  // skipped bytes that are not a page
                if (!first_damage_) first_damage_ = offset_;
                offset_ += static_cast<uint64_t>(-n);
                continue;
            }
            if (n > 0) {
                Page page{offset_, ogg_page_bos(&og) != 0, static_cast<uint32_t>(ogg_page_serialno(&og)), false};
                page.vorbis_head = og.body_len >= 7 && std::memcmp(og.body, "\x01vorbis", 7) == 0;
                offset_ += static_cast<uint64_t>(n);
                last_ = og;
                return page;
            }
            const long ask = static_cast<long>(std::min<uint64_t>(kChunk, left_));
            if (ask == 0) return {};
            char* buf = ogg_sync_buffer(&sync_, ask);
            const size_t got = src_.read(buf, static_cast<size_t>(ask));
            if (got == 0) {
                if (sync_.fill > sync_.returned && !first_damage_) first_damage_ = offset_;  // a cut-off last page
                return {};
            }
            left_ -= got;
            ogg_sync_wrote(&sync_, static_cast<long>(got));
        }
    }

    // The page next() returned last (valid until the next call).
    ogg_page& page() { return last_; }
    // Where the first bytes that are no intact page were met, if any yet.
    std::optional<uint64_t> first_damage() const { return first_damage_; }

private:
    static constexpr long kChunk = 65536;
    ByteSource& src_;
    ogg_sync_state sync_;
    ogg_page last_{};
    uint64_t offset_ = 0;
    uint64_t left_;
    std::optional<uint64_t> first_damage_;
};

// The three Vorbis headers of the link that starts at the source's position,
// checked with libvorbis itself before libvorbisfile opens the input: the
// libvorbisfile error code its open would end with, or 0 when they are whole
// (or the link has no Vorbis stream to check).
// libvorbisfile 1.3.7 leaks the serial-number list it gathered when its open
// fails in the headers (_ov_open1 does not free serialno_list when
// _fetch_headers fails; found by fuzz_decode), and that list is not ours to
// free: so a file whose headers are damaged is refused here, and the library
// is never asked to open it.
int link_header_error(ByteSource& src) {
    PageWalker pages(src);
    std::optional<uint32_t> serial;
    ogg_stream_state stream{};
    vorbis_info vi;
    vorbis_comment vc;
    vorbis_info_init(&vi);
    vorbis_comment_init(&vc);
    int headers = 0, error = 0;
    for (auto page = pages.next(); page && headers < 3 && error == 0; page = pages.next()) {
        if (!serial) {
            if (!page->bos) break;  // the first link's streams have all begun: none is Vorbis
            if (!page->vorbis_head) continue;
            serial = page->serial;
            ogg_stream_init(&stream, static_cast<int>(*serial));
        }
        if (page->serial != *serial || ogg_stream_pagein(&stream, &pages.page()) != 0) continue;
        ogg_packet packet;
        while (headers < 3 && error == 0) {
            const int r = ogg_stream_packetout(&stream, &packet);
            if (r == 0) break;  // the packet goes on in the next page
            if (r < 0 || vorbis_synthesis_headerin(&vi, &vc, &packet) != 0) error = OV_EBADHEADER;
            else ++headers;
        }
    }
    if (serial && headers < 3 && error == 0) error = OV_EREAD;  // the input ends inside the headers
    if (serial) ogg_stream_clear(&stream);
    vorbis_comment_clear(&vc);
    vorbis_info_clear(&vi);
    return error;
}

// The serial number of the last intact page in the input: the page
// libvorbisfile's open takes as the end of the last link (its
// _get_prev_page skips pages whose checksum fails, as PageWalker does, so a
// damaged page at the end must not count). Looks back from the end one
// window at a time, as the library does, until a window holds a page.
std::optional<uint32_t> last_page_serial(ByteSource& src) {
    const auto size = src.size();
    if (!size) return {};
    constexpr uint64_t kWindow = 65536;  // libvorbisfile's CHUNKSIZE
    for (uint64_t end = *size; end > 0;) {
        const uint64_t begin = end > kWindow ? end - kWindow : 0;
        if (!src.seek(begin)) return {};
        constexpr uint64_t kMaxPage = 65307;  // a page that starts before `end` ends within this
        PageWalker pages(src, end - begin + kMaxPage);
        std::optional<uint32_t> serial;
        for (auto page = pages.next(); page && begin + page->offset < end; page = pages.next())
            serial = page->serial;
        if (serial) return serial;
        end = begin;
    }
    return {};
}

// Where a chained input should end for libvorbisfile, if it should end early.
// libvorbisfile 1.3.7 leaks the headers of a chain's earlier links when a
// later link cannot be opened, e.g. a video-only link (xiph/vorbis issue
// #125), and when that fails with OV_EREAD it also leaks the serial number
// list of the link it was bisecting (_bisect_forward_serialno returns on the
// error without freeing next_serialno_list; issue 19 here). Neither pointer
// is ours to free, and ov_clear must not follow a failed open, so the leak
// is contained instead: a chain is cut before its first link with no Vorbis
// stream (found past damaged pages, as the library finds pages), so the
// library never bisects into one; nor before a later Vorbis link whose
// headers are damaged (checked as the first link's are, link_header_error).
// Any damaged page in what the library would see of a chain (fuzz_decode
// found links whose pages break after whole headers, and a checksum-failed
// page at the end) sends its bisection astray in more ways of the same
// family, so such a chain plays its first link only (`damaged`: the caller
// says so); a single damaged link is read as any damaged stream is.
// Only chains pay for the scan: a file whose last page belongs to one of its
// first streams is not one.
struct ChainCut {
    uint64_t at = 0;
    bool damaged = false;
};

std::optional<ChainCut> chain_cut(ByteSource& src) {
    const auto last = last_page_serial(src);
    if (!last || !src.seek(0)) return {};
    PageWalker pages(src);
    std::vector<uint32_t> first_link;  // serials of the first link's streams
    auto in_first_link = [&](uint32_t serial) {
        return std::find(first_link.begin(), first_link.end(), serial) != first_link.end();
    };
    bool in_heads = true;  // among the BOS pages that open a link
    bool has_vorbis = false;
    uint64_t link_start = 0;
    std::vector<uint64_t> vorbis_links;  // later links with a Vorbis stream, in order
    std::optional<uint64_t> second_link;
    // Where to cut: before the first later Vorbis link with damaged headers
    // that comes before `limit` (the first link without Vorbis), else there.
    auto cut_before = [&](std::optional<uint64_t> limit) -> std::optional<uint64_t> {
        for (uint64_t start : vorbis_links) {
            if (limit && start >= *limit) break;
            if (src.seek(start) && link_header_error(src) != 0) return start;
        }
        return limit;
    };
    auto cut = [&](std::optional<uint64_t> limit) -> std::optional<ChainCut> {
        const std::optional<uint64_t> at = cut_before(limit), damage = pages.first_damage();
        if (second_link && damage && (!at || *damage < *at)) return ChainCut{*second_link, true};
        if (at) return ChainCut{*at, false};
        return {};
    };
    for (auto page = pages.next(); page; page = pages.next()) {
        if (page->bos && !in_heads) {  // the next link of a chain
            in_heads = true;
            has_vorbis = false;
            link_start = page->offset;
            if (!second_link) second_link = link_start;
        }
        if (page->bos) {
            if (link_start == 0) first_link.push_back(page->serial);
            has_vorbis = has_vorbis || page->vorbis_head;
            continue;
        }
        if (!in_heads) continue;
        in_heads = false;
        if (link_start == 0 && in_first_link(*last)) return {};  // not a chain
        if (link_start > 0 && !has_vorbis) return cut(link_start);
        if (link_start > 0) vorbis_links.push_back(link_start);
    }
    if (in_heads && link_start > 0 && !has_vorbis) return cut(link_start);
    if (in_heads && link_start > 0) vorbis_links.push_back(link_start);  // a link of headers only
    return cut(std::nullopt);
}

// Owns an opened OggVorbis_File (ov_open_callbacks clears it itself on failure).
struct VorbisFile {
    OggVorbis_File vf{};
    bool open = false;
    VorbisFile() = default;
    VorbisFile(const VorbisFile&) = delete;
    VorbisFile& operator=(const VorbisFile&) = delete;
    ~VorbisFile() {
        if (open) ov_clear(&vf);
    }
};

class VorbisDecoder final : public Decoder {
public:
    explicit VorbisDecoder(std::unique_ptr<ByteSource> src)
        : src_(std::move(src)), io_(*src_), policy_(src_->name(), kFormat) {
        if (src_->seekable()) {
            if (const int error = link_header_error(*src_))
                throw DecodeError(src_->name() + ": cannot open the Ogg Vorbis stream: " + describe_open_error(error));
            if (!src_->seek(0)) throw DecodeError(src_->name() + ": cannot rewind the input");
            if (const auto end = chain_cut(*src_)) {
                io_.set_end(end->at);
                if (end->damaged)
                    log::warn(src_->name() + ": the chained Ogg Vorbis stream is damaged; playing its first link only");
            }
            if (!src_->seek(0)) throw DecodeError(src_->name() + ": cannot rewind the input");
        }
        const ov_callbacks callbacks{read_cb, src_->seekable() ? seek_cb : nullptr, nullptr,
                                     src_->seekable() ? tell_cb : nullptr};
        const int r = ov_open_callbacks(&io_, &file_.vf, nullptr, 0, callbacks);
        io_.rethrow_if_failed();
        if (r < 0)
            throw DecodeError(src_->name() + ": cannot open the Ogg Vorbis stream: " + describe_open_error(r));
        file_.open = true;

        first_ = LinkFormat(*ov_info(&file_.vf, -1));
        info_.format = kFormat;
        info_.spec = {static_cast<uint32_t>(first_.rate), static_cast<uint32_t>(first_.channels)};
        layout_ = ogg::vorbis_channel_layout(info_.spec.channels);
        info_.channel_mask = layout_.mask;
        if (ov_seekable(&file_.vf)) info_.frames = playable_frames();
        if (const vorbis_comment* vc = ov_comment(&file_.vf, 0))
            for (int i = 0; i < vc->comments; ++i)
                read_replaygain_comment({vc->user_comments[i], static_cast<size_t>(vc->comment_lengths[i])}, info_.gain);
    }

    const DecoderInfo& info() const override { return info_; }

    size_t read(std::span<float> out) override {
        return state_.read(out, info_.spec.channels, policy_,
                           [this](float* dst, size_t frames) { return decode_into(dst, frames); });
    }

    void seek(uint64_t frame) override {
        if (!ov_seekable(&file_.vf)) throw policy_.not_seekable();
        state_.start_seek(frame, info_.frames);
        if (state_.ended) return;
        const int r = ov_pcm_seek(&file_.vf, static_cast<ogg_int64_t>(frame));
        io_.rethrow_if_failed();
        if (r < 0)
            throw DecodeError(src_->name() + ": cannot seek to frame " + std::to_string(frame) + ": " +
                              describe(r));
    }

private:
    // Frames in the leading links that share the first link's format: the
    // stream ends where the format changes.
    std::optional<uint64_t> playable_frames() {
        uint64_t total = 0;
        for (long link = 0; link < ov_streams(&file_.vf); ++link) {
            if (LinkFormat(*ov_info(&file_.vf, static_cast<int>(link))) != first_) break;
            const ogg_int64_t n = ov_pcm_total(&file_.vf, static_cast<int>(link));
            if (n < 0) return std::nullopt;
            total += static_cast<uint64_t>(n);
        }
        // Zero is what a stream whose last page lacks a granule position
        // reports, yet it may decode fine: then the length is unknown, and
        // read() tells a stream with no audio at all.
        if (total == 0) return std::nullopt;
        return total;
    }

    // One ov_read_float call into `out` (interleaved, WAV order). Returns the
    // frames written; 0 or less when nothing was (and sets state_.ended at the end).
    long decode_into(float* out, size_t max_frames) {
        float** planes = nullptr;
        int link = 0;
        const int ask = static_cast<int>(std::min<size_t>(max_frames, INT_MAX));
        const long n = ov_read_float(&file_.vf, &planes, ask, &link);
        io_.rethrow_if_failed();
        if (n == 0) {
            state_.ended = true;
        } else if (n == OV_HOLE) {
            policy_.hole();
        } else if (n < 0) {
            policy_.broken(describe(static_cast<int>(n)), state_.delivered > 0 || state_.seeked);
            state_.ended = true;
        } else if (const LinkFormat now(*ov_info(&file_.vf, link)); now != first_) {
            policy_.format_change(now.describe());
            state_.ended = true;
            return 0;
        } else {
            ogg::interleave(planes, static_cast<size_t>(n), layout_, out);
        }
        return n;
    }

    std::unique_ptr<ByteSource> src_;
    ogg::CallbackSource io_;
    ogg::DamagePolicy policy_;
    VorbisFile file_;  // after io_: closed before the source it reads goes away
    LinkFormat first_;
    ogg::ChannelLayout layout_;
    DecoderInfo info_;
    ogg::StreamState state_;
};

}  // namespace

bool probe_vorbis(std::span<const uint8_t> head) {
    return ogg::first_packet_starts_with(head, std::string_view("\x01vorbis", 7));
}

std::unique_ptr<Decoder> open_vorbis(std::unique_ptr<ByteSource> src) {
    return std::make_unique<VorbisDecoder>(std::move(src));
}

}  // namespace simvx::formats
