#include "decode/ffmpeg_api.hpp"

#include "core/dynamic_library.hpp"

namespace simvx::ffmpeg {
namespace {

// The major versions this simvxplay was built against: another major
// version has another ABI.
constexpr const char* kAvutil = "libavutil.so." AV_STRINGIFY(LIBAVUTIL_VERSION_MAJOR);
constexpr const char* kAvcodec = "libavcodec.so." AV_STRINGIFY(LIBAVCODEC_VERSION_MAJOR);
constexpr const char* kAvformat = "libavformat.so." AV_STRINGIFY(LIBAVFORMAT_VERSION_MAJOR);

using Loaded = LoadedLibrary<Api>;

Loaded load() {
    Loaded l;
    // Never closed: the decoders use them until the process ends.
    void* util = open_library(kAvutil, l.why);
    void* codec = util ? open_library(kAvcodec, l.why) : nullptr;
    void* format = codec ? open_library(kAvformat, l.why) : nullptr;
    if (!format) return l;
    Api& a = l.api;
    std::string& why = l.why;
    const bool ok =
        find_symbol(util, kAvutil, "av_dict_get", a.av_dict_get, why) &&
        find_symbol(util, kAvutil, "av_frame_alloc", a.av_frame_alloc, why) &&
        find_symbol(util, kAvutil, "av_frame_free", a.av_frame_free, why) &&
        find_symbol(util, kAvutil, "av_frame_unref", a.av_frame_unref, why) &&
        find_symbol(util, kAvutil, "av_free", a.av_free, why) &&
        find_symbol(util, kAvutil, "av_freep", a.av_freep, why) &&
        find_symbol(util, kAvutil, "av_get_bytes_per_sample", a.av_get_bytes_per_sample, why) &&
        find_symbol(util, kAvutil, "av_get_packed_sample_fmt", a.av_get_packed_sample_fmt, why) &&
        find_symbol(util, kAvutil, "av_log_format_line", a.av_log_format_line, why) &&
        find_symbol(util, kAvutil, "av_log_set_callback", a.av_log_set_callback, why) &&
        find_symbol(util, kAvutil, "av_log_set_level", a.av_log_set_level, why) &&
        find_symbol(util, kAvutil, "av_malloc", a.av_malloc, why) &&
        find_symbol(util, kAvutil, "av_rescale_q", a.av_rescale_q, why) &&
        find_symbol(util, kAvutil, "av_sample_fmt_is_planar", a.av_sample_fmt_is_planar, why) &&
        find_symbol(util, kAvutil, "av_strerror", a.av_strerror, why) &&
        find_symbol(util, kAvutil, "avutil_version", a.avutil_version, why) &&
        find_symbol(codec, kAvcodec, "av_packet_alloc", a.av_packet_alloc, why) &&
        find_symbol(codec, kAvcodec, "av_packet_free", a.av_packet_free, why) &&
        find_symbol(codec, kAvcodec, "av_packet_unref", a.av_packet_unref, why) &&
        find_symbol(codec, kAvcodec, "avcodec_alloc_context3", a.avcodec_alloc_context3, why) &&
        find_symbol(codec, kAvcodec, "avcodec_descriptor_get", a.avcodec_descriptor_get, why) &&
        find_symbol(codec, kAvcodec, "avcodec_flush_buffers", a.avcodec_flush_buffers, why) &&
        find_symbol(codec, kAvcodec, "avcodec_free_context", a.avcodec_free_context, why) &&
        find_symbol(codec, kAvcodec, "avcodec_open2", a.avcodec_open2, why) &&
        find_symbol(codec, kAvcodec, "avcodec_parameters_to_context", a.avcodec_parameters_to_context, why) &&
        find_symbol(codec, kAvcodec, "avcodec_receive_frame", a.avcodec_receive_frame, why) &&
        find_symbol(codec, kAvcodec, "avcodec_send_packet", a.avcodec_send_packet, why) &&
        find_symbol(codec, kAvcodec, "avcodec_version", a.avcodec_version, why) &&
        find_symbol(format, kAvformat, "av_find_best_stream", a.av_find_best_stream, why) &&
        find_symbol(format, kAvformat, "av_probe_input_format2", a.av_probe_input_format2, why) &&
        find_symbol(format, kAvformat, "av_read_frame", a.av_read_frame, why) &&
        find_symbol(format, kAvformat, "avformat_alloc_context", a.avformat_alloc_context, why) &&
        find_symbol(format, kAvformat, "avformat_close_input", a.avformat_close_input, why) &&
        find_symbol(format, kAvformat, "avformat_find_stream_info", a.avformat_find_stream_info, why) &&
        find_symbol(format, kAvformat, "avformat_open_input", a.avformat_open_input, why) &&
        find_symbol(format, kAvformat, "avformat_seek_file", a.avformat_seek_file, why) &&
        find_symbol(format, kAvformat, "avio_alloc_context", a.avio_alloc_context, why) &&
        find_symbol(format, kAvformat, "avio_context_free", a.avio_context_free, why) &&
        find_symbol(format, kAvformat, "avformat_version", a.avformat_version, why);
    l.ok = ok;
    return l;
}

const Loaded& loaded() {
    static const Loaded l = load();
    return l;
}

std::string version(unsigned v) {
    return std::to_string(AV_VERSION_MAJOR(v)) + "." + std::to_string(AV_VERSION_MINOR(v)) + "." +
           std::to_string(AV_VERSION_MICRO(v));
}

}  // namespace

const Api* api() { return loaded().ok ? &loaded().api : nullptr; }

std::string unavailable_reason() { return loaded().ok ? std::string() : loaded().why; }

std::string versions() {
    const Api* a = api();
    if (!a) return "FFmpeg's libraries are not available: " + unavailable_reason();
    return "libavformat " + version(a->avformat_version()) + ", libavcodec " + version(a->avcodec_version());
}

}  // namespace simvx::ffmpeg
