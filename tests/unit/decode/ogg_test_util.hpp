// Fixtures and checks the Ogg Vorbis and Ogg Opus decoder tests share:
// synthesized sources (sox), Ogg page surgery, decoding through the registry,
// and the corpus rows of one format.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "decode/byte_source.hpp"
#include "decode/registry.hpp"
#include "support/audio.hpp"
#include "support/process.hpp"
#include "support/tempdir.hpp"

namespace simvx::test::ogg {

// One tone per channel, in WAV order (5.1: FL FR FC LFE BL BR), plus a quieter
// 5 kHz tone common to all: the per-channel tone stays the strongest, so the
// channel order can be read back by frequency.
inline const std::vector<double> kChannelTones = {440, 660, 880, 110, 1320, 1540, 1760, 1980};
inline constexpr double kCommonTone = 5000;

// A 2 s 24-bit WAV of `channels` channels at `rate`, peak at most -6 dBFS.
inline std::string make_source_wav(const TempDir& dir, uint32_t rate, uint32_t channels) {
    const std::string name = std::to_string(rate) + "-" + std::to_string(channels);
    const std::string tones = dir / ("tones-" + name + ".wav"), common = dir / ("common-" + name + ".wav");
    const std::string path = dir / ("src-" + name + ".wav");
    const std::string format = " -r " + std::to_string(rate) + " -c " + std::to_string(channels) + " -b 24 ";
    std::string specs;
    for (uint32_t c = 0; c < channels; ++c) specs += " sine " + std::to_string(kChannelTones[c]);
    sh("sox -n" + format + "'" + tones + "' synth 2" + specs);
    sh("sox -n" + format + "'" + common + "' synth 2 sine " + std::to_string(kCommonTone));
    sh("sox -m -v 0.375 '" + tones + "' -v 0.125 '" + common + "' '" + path + "'");
    return path;
}

// The rate and channel count of a synthesized fixture (a test parameter).
struct Shape {
    uint32_t rate, channels;
};
inline void PrintTo(const Shape& s, std::ostream* os) { *os << s.rate << " Hz, " << s.channels << " ch"; }
inline std::string shape_name(const ::testing::TestParamInfo<Shape>& p) {
    return std::to_string(p.param.rate) + "Hz_" + std::to_string(p.param.channels) + "ch";
}

struct Decoded {
    DecoderInfo info;
    Pcm pcm;
};

// Reads a decoder to its end.
inline Pcm read_all(Decoder& dec) {
    Pcm pcm;
    pcm.rate = dec.info().spec.rate;
    pcm.channels = dec.info().spec.channels;
    std::vector<float> buf(4096 * pcm.channels);
    while (size_t n = dec.read(buf))
        pcm.samples.insert(pcm.samples.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n * pcm.channels));
    return pcm;
}

// Opens through the registry (so sniffing is exercised), optionally seeks, and decodes the rest.
inline Decoded decode_file(const std::string& path, std::optional<uint64_t> seek_to = std::nullopt) {
    auto dec = open_decoder_file(path);
    if (seek_to) dec->seek(*seek_to);
    Decoded d{dec->info(), read_all(*dec)};
    return d;
}

// Largest |a - b| over the common length.
inline double max_abs_diff(std::span<const float> a, std::span<const float> b) {
    double worst = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        worst = std::max(worst, std::fabs(static_cast<double>(a[i]) - b[i]));
    return worst;
}
inline double to_db(double x) { return 20 * std::log10(std::max(x, 1e-30)); }

// Each output channel carries its own tone: the decoder delivered WAV order.
inline void expect_channel_tones(const Pcm& pcm) {
    for (uint32_t c = 0; c < pcm.channels; ++c) {
        const double f = peak_frequency(pcm.channel(c), pcm.rate);
        EXPECT_NEAR(f, kChannelTones[c], 3.0) << "channel " << c << " of " << pcm.channels;
    }
}

// Largest |got - ref| with each of got's channels compared to the reference
// channel that carries the same tone: reference tools do not all deliver WAV
// order, and expect_channel_tones checks the order of `got` on its own.
inline double max_abs_diff_by_tone(const Pcm& got, const Pcm& ref) {
    std::vector<double> ref_tone(ref.channels);
    for (uint32_t r = 0; r < ref.channels; ++r) ref_tone[r] = peak_frequency(ref.channel(r), ref.rate);
    double worst = 0;
    for (uint32_t c = 0; c < got.channels; ++c) {
        const auto mine = got.channel(c);
        const double f = peak_frequency(mine, got.rate);
        uint32_t match = ref.channels;
        for (uint32_t r = 0; r < ref.channels; ++r)
            if (std::fabs(ref_tone[r] - f) < 3.0) match = r;
        if (match == ref.channels) return std::numeric_limits<double>::infinity();  // no channel has this tone
        worst = std::max(worst, max_abs_diff(mine, ref.channel(match)));
    }
    return worst;
}

// An Ogg page, as much as the tests need of it.
struct Page {
    size_t offset = 0, size = 0;
    int64_t granule = 0;
};
inline std::vector<Page> pages_of(const std::string& bytes) {
    std::vector<Page> pages;
    size_t at = 0;
    while (at + 27 <= bytes.size() && bytes.compare(at, 4, "OggS") == 0) {
        const auto* p = reinterpret_cast<const uint8_t*>(bytes.data() + at);
        Page page{at, 27u + p[26], 0};
        for (size_t i = 0; i < p[26]; ++i) page.size += p[27 + i];
        std::memcpy(&page.granule, p + 6, 8);
        pages.push_back(page);
        at += page.size;
    }
    return pages;
}

// The header pages (granule 0) that precede the first audio page.
inline std::string headers_only(const std::string& bytes) {
    size_t end = 0;
    for (const Page& p : pages_of(bytes)) {
        if (p.granule != 0) break;
        end = p.offset + p.size;
    }
    return bytes.substr(0, end);
}

// The Ogg page checksum (CRC-32, polynomial 0x04c11db7, not reflected), so a
// test can edit a page and keep it valid.
inline void reseal_page(std::string& bytes, const Page& page) {
    std::memset(bytes.data() + page.offset + 22, 0, 4);
    uint32_t crc = 0;
    for (size_t i = page.offset; i < page.offset + page.size; ++i) {
        crc ^= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 24;
        for (int b = 0; b < 8; ++b) crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    }
    for (int i = 0; i < 4; ++i) bytes[page.offset + 22 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
}

// A ByteSource over memory that can be made unseekable, or to fail reading
// beyond a given offset (what a pipe or a dying disk looks like).
class TestSource final : public ByteSource {
public:
    TestSource(std::string bytes, bool seekable, size_t fail_after = SIZE_MAX)
        : ByteSource("test-source"), bytes_(std::move(bytes)), seekable_(seekable), fail_after_(fail_after) {}
    size_t read(void* dst, size_t n) override {
        if (pos_ >= fail_after_) throw InputError(name() + ": read error: injected");
        const size_t got = std::min({n, bytes_.size() - std::min(pos_, bytes_.size()), fail_after_ - pos_});
        std::memcpy(dst, bytes_.data() + pos_, got);
        pos_ += got;
        return got;
    }
    bool seek(uint64_t offset) override {
        if (!seekable_ || offset > bytes_.size()) return false;
        pos_ = offset;
        return true;
    }
    uint64_t tell() const override { return pos_; }
    std::optional<uint64_t> size() const override {
        return seekable_ ? std::optional<uint64_t>(bytes_.size()) : std::nullopt;
    }
    bool seekable() const override { return seekable_; }

private:
    std::string bytes_;
    bool seekable_;
    size_t fail_after_;
    size_t pos_ = 0;
};

// The rows of /work/shared/corpus/expected.tsv for one format ("ogg-vorbis"),
// deduplicated. Empty when the corpus is absent.
struct CorpusRow {
    std::string path, expect;
    std::optional<uint64_t> frames;
};
inline std::vector<CorpusRow> corpus_rows(const std::string& format) {
    std::vector<CorpusRow> rows;
    std::ifstream tsv(std::string(SIMVX_CORPUS_DIR) + "/expected.tsv");
    std::set<std::string> seen;
    std::string line;
    while (std::getline(tsv, line)) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string cell; std::getline(ss, cell, '\t');) f.push_back(cell);
        if (f.size() < 4 || f[1] != format || !seen.insert(f[0]).second) continue;
        rows.push_back({std::string(SIMVX_CORPUS_DIR) + "/" + f[0], f[2],
                        f[3].empty() ? std::nullopt : std::optional<uint64_t>(std::stoull(f[3]))});
    }
    return rows;
}

// ok: plays `frames` within one codec packet; either: ends, with at most
// `frames` or a clear error; reject: a clear error naming the file.
inline void check_corpus(const std::string& format, uint64_t packet_frames) {
    const auto rows = corpus_rows(format);
    if (rows.empty()) GTEST_SKIP() << "no corpus at " << SIMVX_CORPUS_DIR;
    for (const CorpusRow& row : rows) {
        SCOPED_TRACE(row.path);
        std::optional<uint64_t> frames;
        std::string error;
        try {
            frames = decode_file(row.path).pcm.frames();
        } catch (const Error& e) {
            error = e.what();
        }
        if (row.expect == "ok") {
            ASSERT_TRUE(frames) << error;
            const auto want = static_cast<double>(row.frames.value_or(0));
            EXPECT_NEAR(static_cast<double>(*frames), want, static_cast<double>(packet_frames));
        } else if (row.expect == "reject") {
            EXPECT_FALSE(frames) << "decoded " << frames.value_or(0) << " frames";
            EXPECT_NE(error.find(row.path), std::string::npos) << error;
        } else if (frames && row.frames) {
            EXPECT_LE(*frames, *row.frames);
        }
    }
}

// A file cut at 60%: decodes a shorter, still substantial part, or refuses
// with an error naming the file; never crashes or hangs.
inline void expect_truncated_decodes_prefix(const TempDir& dir, const std::string& file, const std::string& ext) {
    const size_t full_frames = decode_file(file).pcm.frames();
    const std::string bytes = read_file(file);
    const std::string cut = dir / ("cut." + ext);
    write_file(cut, bytes.substr(0, bytes.size() * 6 / 10));
    try {
        const size_t frames = decode_file(cut).pcm.frames();
        EXPECT_GT(frames, full_frames * 4 / 10);
        EXPECT_LT(frames, full_frames);
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(cut), std::string::npos) << e.what();
    }
}

// The header pages alone: a DecodeError naming the file and saying "no audio".
inline void expect_headers_only_refused(const TempDir& dir, const std::string& file, const std::string& ext) {
    const std::string path = dir / ("headers." + ext);
    write_file(path, headers_only(read_file(file)));
    try {
        const size_t frames = decode_file(path).pcm.frames();
        ADD_FAILURE() << "decoded " << frames << " frames from headers alone";
    } catch (const DecodeError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("no audio"), std::string::npos) << e.what();
    }
}

}  // namespace simvx::test::ogg
