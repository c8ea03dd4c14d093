#include "app/measure/expect.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/time_format.hpp"
#include "core/error.hpp"
#include "decode/registry.hpp"
#include "sink/quantize.hpp"

namespace simvx {
namespace {

// The samples as a decoder will read them back from the written file.
void as_written(SampleFormat format, const float* in, float* out, size_t n, std::vector<uint8_t>& bytes,
                std::vector<int32_t>& ints) {
    if (format == SampleFormat::f32) {
        std::copy_n(in, n, out);
        return;
    }
    const bool s16 = format == SampleFormat::s16;
    bytes.resize(n * (s16 ? 2 : 3));
    ints.resize(n);
    if (s16) {
        quantize_s16(in, bytes.data(), n);
        unpack_s16(bytes.data(), ints.data(), n);
    } else {
        quantize_s24(in, bytes.data(), n);
        unpack_s24(bytes.data(), ints.data(), n);
    }
    const float scale = s16 ? 1.0f / 32768.0f : 1.0f / 8388608.0f;
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(ints[i]) * scale;
}

std::string frames_and_time(uint64_t frames, uint32_t rate) {
    char s[96];
    std::snprintf(s, sizeof s, "%llu frames (%.3f s)", static_cast<unsigned long long>(frames),
                  static_cast<double>(frames) / rate);
    return s;
}

}  // namespace

double to_db(double amplitude) { return amplitude > 0 ? 20.0 * std::log10(amplitude) : -INFINITY; }

std::string format_db(double db, const char* unit) {
    if (std::isinf(db)) return std::string(db < 0 ? "-inf " : "+inf ") + unit;
    char s[48];
    std::snprintf(s, sizeof s, "%.1f %s", db, unit);
    return s;
}

ExpectCheck::ExpectCheck(const std::string& reference, const AudioSpec& spec, SampleFormat format, bool dither,
                         double tolerance_db)
    : path_(reference), reference_(open_decoder_file(reference)), spec_(spec), format_(format), tolerance_db_(tolerance_db) {
    // As FileSink does it: the same seed, the same sample order.
    if (dither && format != SampleFormat::f32) dither_.emplace(format == SampleFormat::s16 ? 16 : 24);
    const AudioSpec& r = reference_->info().spec;
    same_shape_ = r.rate == spec.rate && r.channels == spec.channels;
}

void ExpectCheck::add(std::span<const float> rendered) {
    const uint32_t ch = spec_.channels;
    const size_t frames = rendered.size() / ch;
    rendered_frames_ += frames;
    if (!same_shape_ || reference_ended_) return;
    written_.resize(rendered.size());
    ref_.resize(rendered.size());
    if (dither_) {
        dithered_.assign(rendered.begin(), rendered.end());
        dither_->apply(dithered_);
        rendered = dithered_;
    }
    as_written(format_, rendered.data(), written_.data(), rendered.size(), bytes_, ints_);
    size_t got = 0;
    while (got < frames) {
        const size_t n = reference_->read(std::span<float>(ref_).subspan(got * ch));
        if (n == 0) {
            reference_ended_ = true;
            break;
        }
        got += n;
    }
    reference_frames_ += got;
    compare(written_.data(), ref_.data(), got);
}

void ExpectCheck::add_file(const std::string& rendered) {
    const std::unique_ptr<Decoder> file = open_decoder_file(rendered);
    // Judged as the decoder gives it: its rate and channels (Opus decodes at 48 kHz), its floats.
    spec_ = file->info().spec;
    format_ = SampleFormat::f32;
    dither_.reset();
    const AudioSpec& r = reference_->info().spec;
    same_shape_ = r.rate == spec_.rate && r.channels == spec_.channels;
    std::vector<float> block(4096 * static_cast<size_t>(spec_.channels));
    while (const size_t n = file->read(block)) add(std::span<const float>(block).first(n * spec_.channels));
}

void ExpectCheck::compare(const float* rendered, const float* reference, size_t frames) {
    const uint32_t ch = spec_.channels;
    if (residual_listener_) residual_.resize(frames * ch);
    for (size_t i = 0; i < frames; ++i)
        for (uint32_t c = 0; c < ch; ++c) {
            const double d = static_cast<double>(rendered[i * ch + c]) - reference[i * ch + c];
            if (residual_listener_) residual_[i * ch + c] = static_cast<float>(d);
            sum_sq_ += d * d;
            if (std::fabs(d) > peak_) {
                peak_ = std::fabs(d);
                peak_frame_ = compared_ + i;
                peak_channel_ = c;
            }
        }
    compared_ += frames;
    if (residual_listener_ && frames) residual_listener_(residual_.data(), frames);
}

ExpectResult ExpectCheck::finish() {
    const AudioSpec& r = reference_->info().spec;
    ExpectResult out;
    if (r.rate != spec_.rate)
        out.format_differences.push_back("sample rate differs: render " + std::to_string(spec_.rate) + " Hz, reference " +
                                         std::to_string(r.rate) + " Hz");
    if (r.channels != spec_.channels)
        out.format_differences.push_back("channels differ: render " + std::to_string(spec_.channels) + ", reference " +
                                         std::to_string(r.channels));
    // The reference's length: counted by reading it to the end (a header may be wrong or absent).
    if (same_shape_) {
        std::vector<float> rest(4096 * static_cast<size_t>(r.channels));
        while (!reference_ended_) {
            const size_t n = reference_->read(rest);
            if (n == 0) reference_ended_ = true;
            reference_frames_ += n;
        }
    } else {
        reference_frames_ = reference_->info().frames.value_or(0);
    }
    const bool length_known = same_shape_ || reference_->info().frames.has_value();
    if (length_known && reference_frames_ != rendered_frames_)
        out.format_differences.push_back("length differs: render " + frames_and_time(rendered_frames_, spec_.rate) +
                                         ", reference " + frames_and_time(reference_frames_, r.rate));
    out.frames_compared = compared_;
    out.peak_residual = peak_;
    out.peak_frame = peak_frame_;
    out.peak_channel = peak_channel_;
    out.rms_residual = compared_ ? std::sqrt(sum_sq_ / (static_cast<double>(compared_) * spec_.channels)) : 0.0;
    out.passed = out.format_differences.empty() && to_db(peak_) < tolerance_db_;
    return out;
}

std::string ExpectCheck::describe(const ExpectResult& r) const {
    std::string s;
    if (!r.format_differences.empty()) {
        s = path_ + ": the render does not match the reference's form:";
        for (const auto& d : r.format_differences) s += "\n  " + d;
        if (r.frames_compared)
            s += "\n  over the " + frames_and_time(r.frames_compared, spec_.rate) + " both have, ";
        else
            return s;
    } else {
        s = path_ + (r.passed ? ": matches" : ": differs") + ": ";
    }
    char where[96];
    std::snprintf(where, sizeof where, " at %.6f s (frame %llu, channel %u)",
                  static_cast<double>(r.peak_frame) / spec_.rate, static_cast<unsigned long long>(r.peak_frame),
                  r.peak_channel + 1);
    s += "worst residual " + format_db(to_db(r.peak_residual), "dBFS");
    if (r.peak_residual > 0) s += where;
    s += ", RMS residual " + format_db(to_db(r.rms_residual), "dBFS") + " (tolerance " +
         format_db(tolerance_db_, "dBFS") + ")";
    return s;
}

}  // namespace simvx
