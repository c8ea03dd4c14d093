// Tags added to a finished MP3 file in place (late tags: --stats' loudness,
// known only once the audio is encoded): TXXX frames written into the
// padding of the ID3v2 tag at its start, which the encoder made large enough
// (kId3TagRoom). The tag keeps its size, so the audio does not move.
#pragma once
#include <cstdint>

#include "core/tags.hpp"
#include "sink/encode/file_patch.hpp"

namespace simvx {

constexpr size_t kId3TagRoom = 256;  // the loudness tags take about 90 bytes as frames

// Each tag as a TXXX frame (description = key), in ISO-8859-1: the keys and
// values are ASCII (REPLAYGAIN_*). Throws OutputError when the file does not
// start with the tag as written or the frames do not fit in its padding.
void add_id3_txxx(const FilePatch& file, const Tags& tags);

}  // namespace simvx
