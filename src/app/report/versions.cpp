#include "app/report/versions.hpp"

#include <FLAC/format.h>
#include <ebur128.h>
#include <mpg123.h>
#include <opus/opus.h>
#include <soxr.h>
#include <vorbis/codec.h>

#include <toml++/toml.h>

#include "decode/ffmpeg_api.hpp"
#include "sink/pulse_api.hpp"

namespace simvx {

std::string version_text() {
    int e_major = 0, e_minor = 0, e_patch = 0;
    ebur128_get_version(&e_major, &e_minor, &e_patch);
    std::string s = std::string("simvxplay ") + SIMVX_VERSION + "\n";
    s += pulse::version() + "\n";
    s += std::string("libFLAC ") + FLAC__VERSION_STRING + "\n";
    s += std::string(vorbis_version_string()) + "\n";
    s += std::string(opus_get_version_string()) + ", opusfile " SIMVX_OPUSFILE_VERSION "\n";
    s += "libmpg123 " SIMVX_MPG123_VERSION "\n";
    s += ffmpeg::versions() + " (the fallback decoder, loaded when needed)\n";
    s += std::string("libsoxr ") + soxr_version() + "\n";
    s += "libebur128 " + std::to_string(e_major) + "." + std::to_string(e_minor) + "." + std::to_string(e_patch) + "\n";
    s += "toml++ " + std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) + "." +
         std::to_string(TOML_LIB_PATCH) + "\n";
    return s;
}

}  // namespace simvx
