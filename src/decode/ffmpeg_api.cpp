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

// Each list looked up in its own library (SIMVX_LIBRARY_FIND reads `lib`, `soname` and `l`).
bool find_avutil(void* lib, const char* soname, Loaded& l) { return true SIMVX_AVUTIL_FUNCTIONS(SIMVX_LIBRARY_FIND); }
bool find_avcodec(void* lib, const char* soname, Loaded& l) { return true SIMVX_AVCODEC_FUNCTIONS(SIMVX_LIBRARY_FIND); }
bool find_avformat(void* lib, const char* soname, Loaded& l) { return true SIMVX_AVFORMAT_FUNCTIONS(SIMVX_LIBRARY_FIND); }

Loaded load() {
    Loaded result;
    // Never closed: the decoders use them until the process ends.
    void* util = open_library(kAvutil, result.why);
    void* codec = util ? open_library(kAvcodec, result.why) : nullptr;
    void* format = codec ? open_library(kAvformat, result.why) : nullptr;
    result.ok = format && find_avutil(util, kAvutil, result) && find_avcodec(codec, kAvcodec, result) &&
                find_avformat(format, kAvformat, result);
    return result;
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
