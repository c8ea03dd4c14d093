// FFmpeg's libraries, loaded when the fallback decoder is first needed: they
// pull in some 140 shared libraries (every codec FFmpeg was built with),
// which would add about 100 ms and 20 MB to every start of simvxplay, most of
// which never decode anything but WAV, FLAC, Ogg and MP3. The functions the
// fallback calls are looked up once, by their own declared types.
#pragma once
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

#include <string>

#include "core/dynamic_library.hpp"

namespace simvx::ffmpeg {

// The functions the fallback calls, a list per library for the table and its lookups.
#define SIMVX_AVUTIL_FUNCTIONS(X) \
    X(av_dict_get) \
    X(av_frame_alloc) \
    X(av_frame_free) \
    X(av_frame_unref) \
    X(av_free) \
    X(av_freep) \
    X(av_get_bytes_per_sample) \
    X(av_get_packed_sample_fmt) \
    X(av_log_format_line) \
    X(av_log_set_callback) \
    X(av_log_set_level) \
    X(av_malloc) \
    X(av_rescale_q) \
    X(av_sample_fmt_is_planar) \
    X(av_strerror) \
    X(avutil_version)
#define SIMVX_AVCODEC_FUNCTIONS(X) \
    X(av_packet_alloc) \
    X(av_packet_free) \
    X(av_packet_unref) \
    X(avcodec_alloc_context3) \
    X(avcodec_descriptor_get) \
    X(avcodec_flush_buffers) \
    X(avcodec_free_context) \
    X(avcodec_open2) \
    X(avcodec_parameters_to_context) \
    X(avcodec_receive_frame) \
    X(avcodec_send_packet) \
    X(avcodec_version)
#define SIMVX_AVFORMAT_FUNCTIONS(X) \
    X(av_find_best_stream) \
    X(av_probe_input_format2) \
    X(av_read_frame) \
    X(avformat_alloc_context) \
    X(avformat_close_input) \
    X(avformat_find_stream_info) \
    X(avformat_open_input) \
    X(avformat_seek_file) \
    X(avio_alloc_context) \
    X(avio_context_free) \
    X(avformat_version)

struct Api {
    SIMVX_AVUTIL_FUNCTIONS(SIMVX_LIBRARY_MEMBER)
    SIMVX_AVCODEC_FUNCTIONS(SIMVX_LIBRARY_MEMBER)
    SIMVX_AVFORMAT_FUNCTIONS(SIMVX_LIBRARY_MEMBER)
};

// The loaded functions, or nullptr when the libraries cannot be loaded (not
// installed, another major version). Thread-safe; loads once.
const Api* api();

// Why api() is null ("libavformat.so.59: cannot open shared object file..."),
// or "" when it is not.
std::string unavailable_reason();

// "libavformat 59.27.100, libavcodec 59.37.100", or why they are unavailable.
std::string versions();

}  // namespace simvx::ffmpeg
