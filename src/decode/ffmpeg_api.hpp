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

namespace simvx::ffmpeg {

struct Api {
    // libavutil
    decltype(&::av_dict_get) av_dict_get;
    decltype(&::av_frame_alloc) av_frame_alloc;
    decltype(&::av_frame_free) av_frame_free;
    decltype(&::av_frame_unref) av_frame_unref;
    decltype(&::av_free) av_free;
    decltype(&::av_freep) av_freep;
    decltype(&::av_get_bytes_per_sample) av_get_bytes_per_sample;
    decltype(&::av_get_packed_sample_fmt) av_get_packed_sample_fmt;
    decltype(&::av_log_format_line) av_log_format_line;
    decltype(&::av_log_set_callback) av_log_set_callback;
    decltype(&::av_log_set_level) av_log_set_level;
    decltype(&::av_malloc) av_malloc;
    decltype(&::av_rescale_q) av_rescale_q;
    decltype(&::av_sample_fmt_is_planar) av_sample_fmt_is_planar;
    decltype(&::av_strerror) av_strerror;
    decltype(&::avutil_version) avutil_version;
    // libavcodec
    decltype(&::av_packet_alloc) av_packet_alloc;
    decltype(&::av_packet_free) av_packet_free;
    decltype(&::av_packet_unref) av_packet_unref;
    decltype(&::avcodec_alloc_context3) avcodec_alloc_context3;
    decltype(&::avcodec_descriptor_get) avcodec_descriptor_get;
    decltype(&::avcodec_flush_buffers) avcodec_flush_buffers;
    decltype(&::avcodec_free_context) avcodec_free_context;
    decltype(&::avcodec_open2) avcodec_open2;
    decltype(&::avcodec_parameters_to_context) avcodec_parameters_to_context;
    decltype(&::avcodec_receive_frame) avcodec_receive_frame;
    decltype(&::avcodec_send_packet) avcodec_send_packet;
    decltype(&::avcodec_version) avcodec_version;
    // libavformat
    decltype(&::av_find_best_stream) av_find_best_stream;
    decltype(&::av_probe_input_format2) av_probe_input_format2;
    decltype(&::av_read_frame) av_read_frame;
    decltype(&::avformat_alloc_context) avformat_alloc_context;
    decltype(&::avformat_close_input) avformat_close_input;
    decltype(&::avformat_find_stream_info) avformat_find_stream_info;
    decltype(&::avformat_open_input) avformat_open_input;
    decltype(&::avformat_seek_file) avformat_seek_file;
    decltype(&::avio_alloc_context) avio_alloc_context;
    decltype(&::avio_context_free) avio_context_free;
    decltype(&::avformat_version) avformat_version;
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
