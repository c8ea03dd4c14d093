#include "decode/ffmpeg_api.hpp"

#include <dlfcn.h>

namespace simvx::ffmpeg {
namespace {

// The major versions this simvxplay was built against: another major
// version has another ABI.
constexpr const char* kAvutil = "libavutil.so." AV_STRINGIFY(LIBAVUTIL_VERSION_MAJOR);
constexpr const char* kAvcodec = "libavcodec.so." AV_STRINGIFY(LIBAVCODEC_VERSION_MAJOR);
constexpr const char* kAvformat = "libavformat.so." AV_STRINGIFY(LIBAVFORMAT_VERSION_MAJOR);

struct Loaded {
    Api api{};
    bool ok = false;
    std::string why;
};

// Looks `name` up in `lib` into `fn`; false (and the reason) when it is missing.
template <class F>
bool find(void* lib, const char* soname, const char* name, F& fn, std::string& why) {
    fn = reinterpret_cast<F>(dlsym(lib, name));
    if (!fn) why = std::string(soname) + " has no " + name;
    return fn != nullptr;
}

Loaded load() {
    Loaded l;
    // Never closed: the decoders use them until the process ends.
    void* util = dlopen(kAvutil, RTLD_NOW | RTLD_LOCAL);
    void* codec = util ? dlopen(kAvcodec, RTLD_NOW | RTLD_LOCAL) : nullptr;
    void* format = codec ? dlopen(kAvformat, RTLD_NOW | RTLD_LOCAL) : nullptr;
    if (!format) {
        const char* err = dlerror();
        l.why = err ? err : "cannot load FFmpeg's libraries";
        return l;
    }
    Api& a = l.api;
    std::string& why = l.why;
    const bool ok =
        find(util, kAvutil, "av_dict_get", a.av_dict_get, why) &&
        find(util, kAvutil, "av_frame_alloc", a.av_frame_alloc, why) &&
        find(util, kAvutil, "av_frame_free", a.av_frame_free, why) &&
        find(util, kAvutil, "av_frame_unref", a.av_frame_unref, why) &&
        find(util, kAvutil, "av_free", a.av_free, why) &&
        find(util, kAvutil, "av_freep", a.av_freep, why) &&
        find(util, kAvutil, "av_get_bytes_per_sample", a.av_get_bytes_per_sample, why) &&
        find(util, kAvutil, "av_get_packed_sample_fmt", a.av_get_packed_sample_fmt, why) &&
        find(util, kAvutil, "av_log_format_line", a.av_log_format_line, why) &&
        find(util, kAvutil, "av_log_set_callback", a.av_log_set_callback, why) &&
        find(util, kAvutil, "av_log_set_level", a.av_log_set_level, why) &&
        find(util, kAvutil, "av_malloc", a.av_malloc, why) &&
        find(util, kAvutil, "av_rescale_q", a.av_rescale_q, why) &&
        find(util, kAvutil, "av_sample_fmt_is_planar", a.av_sample_fmt_is_planar, why) &&
        find(util, kAvutil, "av_strerror", a.av_strerror, why) &&
        find(util, kAvutil, "avutil_version", a.avutil_version, why) &&
        find(codec, kAvcodec, "av_packet_alloc", a.av_packet_alloc, why) &&
        find(codec, kAvcodec, "av_packet_free", a.av_packet_free, why) &&
        find(codec, kAvcodec, "av_packet_unref", a.av_packet_unref, why) &&
        find(codec, kAvcodec, "avcodec_alloc_context3", a.avcodec_alloc_context3, why) &&
        find(codec, kAvcodec, "avcodec_descriptor_get", a.avcodec_descriptor_get, why) &&
        find(codec, kAvcodec, "avcodec_flush_buffers", a.avcodec_flush_buffers, why) &&
        find(codec, kAvcodec, "avcodec_free_context", a.avcodec_free_context, why) &&
        find(codec, kAvcodec, "avcodec_open2", a.avcodec_open2, why) &&
        find(codec, kAvcodec, "avcodec_parameters_to_context", a.avcodec_parameters_to_context, why) &&
        find(codec, kAvcodec, "avcodec_receive_frame", a.avcodec_receive_frame, why) &&
        find(codec, kAvcodec, "avcodec_send_packet", a.avcodec_send_packet, why) &&
        find(codec, kAvcodec, "avcodec_version", a.avcodec_version, why) &&
        find(format, kAvformat, "av_find_best_stream", a.av_find_best_stream, why) &&
        find(format, kAvformat, "av_probe_input_format2", a.av_probe_input_format2, why) &&
        find(format, kAvformat, "av_read_frame", a.av_read_frame, why) &&
        find(format, kAvformat, "avformat_alloc_context", a.avformat_alloc_context, why) &&
        find(format, kAvformat, "avformat_close_input", a.avformat_close_input, why) &&
        find(format, kAvformat, "avformat_find_stream_info", a.avformat_find_stream_info, why) &&
        find(format, kAvformat, "avformat_open_input", a.avformat_open_input, why) &&
        find(format, kAvformat, "avformat_seek_file", a.avformat_seek_file, why) &&
        find(format, kAvformat, "avio_alloc_context", a.avio_alloc_context, why) &&
        find(format, kAvformat, "avio_context_free", a.avio_context_free, why) &&
        find(format, kAvformat, "avformat_version", a.avformat_version, why);
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
